"""Reading matches: every query applies `match_visibility` once, here."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.errors import NotFound
from accounts.models import User
from marketplace.models import Match, MatchStatus
from marketplace.permissions import match_visibility
from marketplace.selectors.filtering import IdFilter, ListFilterSet


class MatchFilter(ListFilterSet):
    """Query filters of the match list (ordering is the API's `ordering` parameter)."""

    status = django_filters.MultipleChoiceFilter(choices=MatchStatus.choices)
    need = IdFilter(field_name="need_id")
    specialist = IdFilter(field_name="specialist_id")

    class Meta:
        model = Match
        fields = ["status", "need", "specialist"]


def match_list(*, user: User) -> QuerySet[Match]:
    """The matches this user may see, with what a list renders loaded up front."""
    return (
        Match.objects.filter(match_visibility(user))
        .select_related("need", "specialist", "specialist__user")
        .order_by("-created_at", "-id")
    )


def match_list_of_own_agency(*, user: User, side: str) -> QuerySet[Match]:
    """Matches with the manager's own agency on one `side` (`"specialist"` or `"need"`).

    Every such match is visible to the manager under `match_visibility`, which is left off
    here: its OR of both sides hides from PostgreSQL that one side already holds, and the
    planner then hashes every match of the status instead of reading the newest by index.
    Any other role gets nothing.
    """
    if side not in ("specialist", "need"):
        raise ValueError(f"side is 'specialist' or 'need', not {side!r}")
    if not (user.is_manager and user.agency_id):
        return Match.objects.none()
    return (
        Match.objects.filter(**{f"{side}_agency_id": user.agency_id})
        .select_related("need", "specialist", "specialist__user")
        .order_by("-created_at", "-id")
    )


def match_get(*, user: User, match_id: int) -> Match:
    """One visible match, or NotFound for a missing or hidden one alike."""
    match = match_list(user=user).filter(pk=match_id).first()
    if match is None:
        raise NotFound(_("Match not found."))
    return match
