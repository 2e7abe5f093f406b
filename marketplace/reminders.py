"""Scheduled notices that look at marketplace state: reminders and the unfilled-at-start check.

Each function is safe to run more than once a day: it skips what it already told, using
the notifications it wrote before (by kind and the id in their context).
"""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from marketplace.models import Match, MatchStatus, Need, NeedStatus
from marketplace.services.notices import match_event_notify, need_event_notify
from notifications.models import NotificationKind
from notifications.selectors import event_told
from notifications.workdays import add_working_days

APPROVAL_REMINDER_WORKING_DAYS = 2
ENGAGEMENT_STARTING_DAYS = 3
# An unfilled need is reported once, near its start, not weeks later on the first run.
UNFILLED_LOOKBACK_DAYS = 7


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
        # The coordinators who were asked to act, not every coordinator (see ROUTES).
        match_event_notify(kind=NotificationKind.APPROVAL_PENDING_REMINDER, match=match)
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
        match_event_notify(kind=NotificationKind.ENGAGEMENT_STARTING, match=match)
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
        need_event_notify(
            kind=NotificationKind.NEED_UNFILLED_AT_START,
            need=need,
            context={
                "agency_name": need.agency.name,
                "start": need.start.isoformat(),
                "end": need.end.isoformat(),
                "capacity_percent": need.capacity_percent,
            },
        )
        reported += 1
    return reported
