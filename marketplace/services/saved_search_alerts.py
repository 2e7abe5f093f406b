"""The alerts of saved searches, run in Celery tasks (marketplace.tasks) after a change
commits: what fits a new search already, and which searches an item has started to fit.

The requests that save a search or change an item queue these through
marketplace.services.saved_searches; the two directions live in two modules so that the
tasks import this one and that one imports the tasks.
"""

import logging
from typing import Any

from django.db import transaction

from marketplace.models import Need, SavedSearch, SavedSearchHit, SavedSearchKind, Specialist
from marketplace.selectors.saved_searches import saved_search_results
from notifications.models import NotificationKind
from notifications.services import notify

logger = logging.getLogger(__name__)


def saved_search_baseline(*, search_id: int) -> int:
    """Record what fits a new search already, so that only what starts to fit alerts."""
    search = SavedSearch.objects.select_related("owner").filter(pk=search_id).first()
    if search is None:
        return 0
    ids = list(saved_search_results(search).values_list("pk", flat=True))
    SavedSearchHit.objects.bulk_create(
        (SavedSearchHit(search=search, item_id=pk) for pk in ids),
        ignore_conflicts=True,
        batch_size=1000,
    )
    return len(ids)


def saved_searches_check(*, kind: str, item_id: int) -> int:
    """Alert the owner of every saved search of `kind` that the item has started to fit;
    returns how many were told. Safe to run twice: each search tells of an item once."""
    told = 0
    searches = (
        SavedSearch.objects.filter(kind=kind, owner__is_active=True)
        .exclude(hits__item_id=item_id)
        .select_related("owner")
        .order_by("pk")
    )
    for search in searches:
        if saved_search_results(search).filter(pk=item_id).exists():
            told += _alert(search=search, item_id=item_id)
    return told


def _item_context(kind: str, item_id: int) -> tuple[dict[str, Any], str] | None:
    if kind == SavedSearchKind.DIRECTORY:
        specialist = Specialist.objects.select_related("user", "agency").filter(pk=item_id).first()
        if specialist is None:
            return None
        title = f"{specialist.user.name}, {specialist.title} ({specialist.agency.name})"
        return {"specialist_id": item_id, "item_title": title}, f"/specialists/{item_id}/"
    need = Need.objects.select_related("agency").filter(pk=item_id).first()
    if need is None:
        return None
    title = f"{need.title} ({need.agency.name})"
    return {"need_id": item_id, "item_title": title}, f"/needs/{item_id}/"


@transaction.atomic
def _alert(*, search: SavedSearch, item_id: int) -> int:
    item = _item_context(search.kind, item_id)
    if item is None:
        return 0
    _hit, created = SavedSearchHit.objects.get_or_create(
        search=search, item_id=item_id, defaults={"notified": True}
    )
    if not created:  # another worker told of it first
        return 0
    context, link = item
    notify(
        kind=NotificationKind.SAVED_SEARCH_MATCH,
        recipients=[search.owner],
        context={
            "title": f"New fit for your search: {context['item_title']}",
            "search_id": search.pk,
            "search_name": search.name,
            "search_kind": search.kind,
            **context,
        },
        link=link,
    )
    logger.info("saved search %s told of %s %s", search.pk, search.kind, item_id)
    return 1
