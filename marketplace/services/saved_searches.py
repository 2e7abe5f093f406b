"""Writes of saved searches; the alerts they give run in tasks (saved_search_alerts).

A saved search remembers every item known to fit it (`SavedSearchHit`): when it is saved,
what fits already (no alert); later, each specialist or need that starts to fit, and the
owner is told of that one through their notification preferences (at once or in the
digest). An item is told once per search, ever: one that stops fitting and fits again is
no news. The checks run in Celery tasks after the change is committed, never in the
request, and through the same filters and visibility as the pages
(marketplace.selectors.saved_searches).
"""

import logging
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.errors import Forbidden, InvalidInput, NotFound
from accounts.models import User
from marketplace import tasks
from marketplace.audit import audit_record
from marketplace.models import SavedSearch, SavedSearchKind
from marketplace.permissions import can_save_search
from marketplace.selectors.saved_searches import (
    SEARCH_FILTERS,
    criteria_query,
    saved_search_list,
)

logger = logging.getLogger(__name__)

MAX_SAVED_SEARCHES = 50
NAME_MAX_LENGTH = 120
# Board searches watch open needs whatever status the board was showing.
IGNORED_CRITERIA = {SavedSearchKind.NEEDS_BOARD: {"status"}, SavedSearchKind.DIRECTORY: set()}


def saved_search_criteria(*, kind: str, criteria: Mapping[str, Any]) -> dict[str, str]:
    """`criteria` as the directory's or board's filters take them; InvalidInput names what
    they would refuse."""
    filters = SEARCH_FILTERS[kind]
    values = {
        str(name): str(value)
        for name, value in criteria.items()
        if value not in (None, "") and name not in IGNORED_CRITERIA[kind]
    }
    unknown = sorted(set(values) - set(filters.base_filters))
    if unknown:
        raise InvalidInput(
            field_errors={
                "criteria": [
                    _("Not a filter of this search: %(names)s.") % {"names": ", ".join(unknown)}
                ]
            }
        )
    search = filters(criteria_query(values))
    if not search.is_valid():
        messages = [f"{name}: {' '.join(errors)}" for name, errors in search.errors.items()]
        raise InvalidInput(field_errors={"criteria": messages})
    return values


@transaction.atomic
def saved_search_create(
    *, actor: User, kind: str, name: str, criteria: Mapping[str, Any]
) -> SavedSearch:
    """Save a directory or needs-board search of `actor`'s, which alerts from now on."""
    if kind not in SavedSearchKind.values:
        raise InvalidInput(
            field_errors={
                "kind": [_("Must be one of %(choices)s.") % {"choices": SavedSearchKind.values}]
            }
        )
    if not can_save_search(actor, kind):
        raise Forbidden(_("Only managers, coordinators and admins save directory searches."))
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("A name is required.")]
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = [f"At most {NAME_MAX_LENGTH} characters."]
    if saved_search_list(user=actor).count() >= MAX_SAVED_SEARCHES:
        errors["non_field_errors"] = [f"At most {MAX_SAVED_SEARCHES} saved searches each."]
    if errors:
        raise InvalidInput(field_errors=errors)
    values = saved_search_criteria(kind=kind, criteria=criteria)
    search = SavedSearch.objects.create(owner=actor, kind=kind, name=name, criteria=values)
    audit_record(
        actor=actor,
        action="saved_search.create",
        target=search,
        after={"kind": kind, "name": name, "criteria": values},
    )
    transaction.on_commit(lambda: tasks.saved_search_baseline.delay(search.pk), robust=True)
    return search


@transaction.atomic
def saved_search_delete(*, actor: User, search_id: int) -> None:
    """Delete one of `actor`'s own saved searches (anyone else's is not found)."""
    search = saved_search_list(user=actor).select_for_update().filter(pk=search_id).first()
    if search is None:
        raise NotFound(_("Saved search not found."))
    audit_record(
        actor=actor,
        action="saved_search.delete",
        target=search,
        before={"kind": search.kind, "name": search.name, "criteria": search.criteria},
    )
    search.delete()


def saved_searches_check_later(*, kind: str, item_id: int) -> None:
    """Once the caller's transaction commits, alert the searches the item now fits."""
    transaction.on_commit(lambda: tasks.saved_searches_check.delay(kind, item_id), robust=True)
