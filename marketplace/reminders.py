"""Scheduled notices that look at marketplace state: reminders and the unfilled-at-start check.

Each function is safe to run more than once a day: it skips what it already told, using
the notifications it wrote before (by kind and the id in their context).
"""

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Role, User
from marketplace.models import Match, MatchStatus, Need, NeedStatus
from notifications.models import NotificationKind
from notifications.selectors import event_told
from notifications.services import notify
from notifications.workdays import add_working_days

APPROVAL_REMINDER_WORKING_DAYS = 2
ENGAGEMENT_STARTING_DAYS = 3
# An unfilled need is reported once, near its start, not weeks later on the first run.
UNFILLED_LOOKBACK_DAYS = 7


def _managers_of(*agency_ids: int) -> list[User]:
    return list(User.objects.filter(role=Role.MANAGER, agency_id__in=agency_ids, is_active=True))


def _match_context(match: Match, title: str) -> dict[str, Any]:
    return {
        "title": title,
        "match_id": match.pk,
        "need_id": match.need_id,
        "need_title": match.need.title,
        "agency_name": match.need.agency.name,
        "specialist_id": match.specialist_id,
        "specialist_name": match.specialist.user.name,
        "capacity_percent": match.capacity_percent,
        "start": match.start.isoformat(),
        "end": match.end.isoformat(),
    }


def approval_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind the coordinators who were asked to approve a match still proposed after more
    than two working days (Swedish public holidays excluded); again every two working days.

    Returns how many matches were reminded about.
    """
    today = today or timezone.localdate()
    cutoff = add_working_days(today, -APPROVAL_REMINDER_WORKING_DAYS)
    matches = Match.objects.filter(
        status=MatchStatus.PROPOSED, created_at__date__lt=cutoff
    ).select_related("need__agency", "specialist__user", "matching_run__requested_by")
    reminded = 0
    for match in matches:
        if event_told(
            kind=NotificationKind.APPROVAL_PENDING_REMINDER, since=cutoff, match_id=match.pk
        ):
            continue
        # Remind the people who were asked to act, not every coordinator.
        asked = User.objects.filter(
            notifications__kind=NotificationKind.MATCH_PROPOSED,
            notifications__context__match_id=match.pk,
            is_active=True,
        ).distinct()
        recipients = list(asked)
        if not recipients and match.matching_run and match.matching_run.requested_by:
            recipients = [match.matching_run.requested_by]
        if not recipients:
            continue
        notify(
            kind=NotificationKind.APPROVAL_PENDING_REMINDER,
            recipients=recipients,
            context=_match_context(match, f"Reminder: approve {match.need.title}"),
            link=f"/matches/{match.pk}/",
        )
        reminded += 1
    return reminded


def engagement_starting_notify(*, today: dt.date | None = None) -> int:
    """Tell the specialist and both agencies' managers of an accepted engagement that
    starts within three days, once per match. Returns how many matches were told about."""
    today = today or timezone.localdate()
    matches = Match.objects.filter(
        status=MatchStatus.ACCEPTED,
        start__gte=today,
        start__lte=today + dt.timedelta(days=ENGAGEMENT_STARTING_DAYS),
    ).select_related("need__agency", "specialist__user", "specialist__agency")
    told = 0
    for match in matches:
        if event_told(kind=NotificationKind.ENGAGEMENT_STARTING, match_id=match.pk):
            continue
        notify(
            kind=NotificationKind.ENGAGEMENT_STARTING,
            recipients=[
                match.specialist.user,
                *_managers_of(match.specialist.agency_id, match.need.agency_id),
            ],
            context=_match_context(match, f"Starting {match.start}: {match.need.title}"),
            link=f"/matches/{match.pk}/",
            agencies=[match.need.agency, match.specialist.agency],
        )
        told += 1
    return told


def unfilled_needs_notify(*, today: dt.date | None = None) -> int:
    """Tell a need's managers, once, that it reached its start date without enough
    accepted specialists. Returns how many needs were reported."""
    today = today or timezone.localdate()
    needs = (
        Need.objects.filter(
            status=NeedStatus.OPEN,
            start__lte=today,
            start__gte=today - dt.timedelta(days=UNFILLED_LOOKBACK_DAYS),
        )
        .annotate(
            accepted=Count("matches", filter=Q(matches__status=MatchStatus.ACCEPTED)),
        )
        .select_related("agency")
    )
    reported = 0
    for need in needs:
        if need.accepted >= need.headcount:
            continue
        if event_told(kind=NotificationKind.NEED_UNFILLED_AT_START, need_id=need.pk):
            continue
        notify(
            kind=NotificationKind.NEED_UNFILLED_AT_START,
            recipients=_managers_of(need.agency_id),
            context={
                "title": f"Unfilled at start: {need.title}",
                "need_id": need.pk,
                "need_title": need.title,
                "agency_name": need.agency.name,
                "start": need.start.isoformat(),
                "end": need.end.isoformat(),
                "capacity_percent": need.capacity_percent,
            },
            link=f"/needs/{need.pk}/",
            agencies=[need.agency],
        )
        reported += 1
    return reported
