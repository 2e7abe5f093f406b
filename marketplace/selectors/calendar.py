"""Reads for calendars: whose link a token is, and the engagements in a person's calendar."""

import hashlib

from django.db.models import CharField, Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _

from accounts.errors import NotFound
from accounts.models import User
from marketplace.models import AuditEvent, CalendarFeed, Match
from marketplace.permissions import match_visibility
from marketplace.selectors.matches import match_list


def calendar_token_hash(token: str) -> str:
    """How a calendar link's token is stored (never the token itself)."""
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_get(*, user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def calendar_feed_owner(*, token: str) -> User | None:
    """The active user whose calendar link holds `token`, if any."""
    feed = (
        CalendarFeed.objects.filter(token_hash=calendar_token_hash(token), user__is_active=True)
        .select_related("user", "user__agency")
        .first()
    )
    return feed.user if feed is not None else None


def calendar_engagements(*, user: User) -> QuerySet[Match]:
    """The engagements in the user's calendar: once accepted, whatever became of them since.

    A specialist's own; a manager's agency's, lent and borrowed. Coordinators and admins
    have none of their own. Always within what `match_visibility` lets the user see.
    """
    if user.is_specialist:
        own = Q(specialist__user_id=user.pk)
    elif user.is_manager and user.agency_id is not None:
        own = Q(specialist_agency_id=user.agency_id) | Q(need_agency_id=user.agency_id)
    else:
        return Match.objects.none()
    return with_revisions(
        Match.objects.filter(match_visibility(user))
        .filter(own, accepted_at__isnull=False)
        .select_related("need", "need__agency", "specialist__user", "specialist__agency")
        .order_by("start", "id")
    )


def calendar_match(*, user: User, match_id: int) -> Match:
    """One match the user may see, for its calendar file (NotFound otherwise)."""
    match = (
        with_revisions(match_list(user=user).select_related("need__agency", "specialist__agency"))
        .filter(pk=match_id)
        .first()
    )
    if match is None:
        raise NotFound(_("Match not found."))
    return match


def with_revisions(matches: QuerySet[Match]) -> QuerySet[Match]:
    """Each match with `revision`: how many changes the audit trail holds for it. Every
    change of a match is audited, so this only grows: the event's SEQUENCE."""
    changes = (
        AuditEvent.objects.filter(
            object_type=Match._meta.label_lower,
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
        )
        .order_by()
        .values("object_type")
        .annotate(n=Count("*"))
        .values("n")
    )
    return matches.annotate(revision=Coalesce(Subquery(changes), 0))
