"""What each role's dashboard shows, built on the visibility-applying selectors."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import User
from marketplace import capacity
from marketplace.models import (
    ACTIVE_MATCH_STATUSES,
    RESERVING_MATCH_STATUSES,
    Availability,
    Match,
    MatchingRun,
    MatchStatus,
    Need,
    NeedStatus,
    Specialist,
    SpecialistSkill,
)
from marketplace.permissions import can_run_matching
from marketplace.selectors.matches import match_list, match_list_of_own_agency
from marketplace.selectors.matching_runs import matching_run_list
from marketplace.selectors.needs import need_list
from marketplace.selectors.specialists import availability_list

# What a complete profile has filled in: the matching uses each of these.
PROFILE_PARTS = ("title", "summary", "skills", "languages", "region", "availability")


# How many rows a dashboard list shows before it links to the whole list.
DASHBOARD_ROWS = 5


@dataclass
class ProfileCompleteness:
    percent: int
    missing: list[str] = field(default_factory=list)


@dataclass
class Preview:
    """The first rows of a list for a dashboard, and whether there are more."""

    rows: list
    more: bool


# What web/partials/match_table.html shows of a match: the rest of the match, its need and
# its specialist (texts, JSON breakdowns, password hashes) is not worth loading per row.
MATCH_TABLE_FIELDS = (
    "id",
    "status",
    "start",
    "end",
    "capacity_percent",
    "created_at",
    "need__title",
    "specialist__user__name",
)


def for_match_table(matches: QuerySet[Match]) -> QuerySet[Match]:
    return matches.only(*MATCH_TABLE_FIELDS)


def preview(queryset: QuerySet, *, size: int = DASHBOARD_ROWS) -> Preview:
    # One row past the preview says "there are more" without counting them all.
    rows = list(queryset[: size + 1])
    return Preview(rows=rows[:size], more=len(rows) > size)


def specialist_with_profile_state(*, user: User) -> Specialist | None:
    """The user's profile with its agency and what profile_completeness asks, in one query."""
    today = timezone.localdate()
    return (
        Specialist.objects.filter(user=user)
        .select_related("agency")
        .annotate(
            has_skills=Exists(SpecialistSkill.objects.filter(specialist=OuterRef("pk"))),
            has_coming_availability=Exists(
                Availability.objects.filter(specialist=OuterRef("pk"), end__gte=today)
            ),
        )
        .first()
    )


def profile_completeness(*, specialist: Specialist) -> ProfileCompleteness:
    """The share of PROFILE_PARTS the specialist has filled in, and which are missing.

    Takes the profile as `specialist_with_profile_state` loads it.
    """
    present = {
        "title": bool(specialist.title.strip()),
        "summary": bool(specialist.summary.strip()),
        "skills": specialist.has_skills,
        "languages": bool(specialist.languages),
        "region": bool(specialist.region) or specialist.remote_ok,
        "availability": specialist.has_coming_availability,
    }
    missing = [part for part in PROFILE_PARTS if not present[part]]
    percent = round(100 * (len(PROFILE_PARTS) - len(missing)) / len(PROFILE_PARTS))
    return ProfileCompleteness(percent=percent, missing=missing)


def specialist_of(*, user: User) -> Specialist | None:
    return Specialist.objects.filter(user=user).select_related("agency").first()


def upcoming_availability(*, specialist: Specialist) -> QuerySet[Availability]:
    return specialist.availabilities.filter(end__gte=timezone.localdate()).order_by("start")


def pending_proposals_for_specialist(*, user: User) -> QuerySet[Match]:
    """Approved matches still waiting for this specialist's own yes or no."""
    return match_list(user=user).filter(
        specialist__user=user, status=MatchStatus.APPROVED, specialist_consent_at__isnull=True
    )


def engagements_for_specialist(*, user: User) -> QuerySet[Match]:
    return match_list(user=user).filter(
        specialist__user=user, status__in=(MatchStatus.ACCEPTED, MatchStatus.COMPLETED)
    )


def agency_needs_by_status(*, user: User) -> dict[str, int]:
    rows = (
        need_list(user=user)
        .filter(agency_id=user.agency_id)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
    )
    counts = {status: 0 for status in NeedStatus.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def lent_out(*, user: User) -> QuerySet[Match]:
    """The agency's specialists committed to other agencies' needs (approved or accepted)."""
    return (
        match_list_of_own_agency(user=user, side="specialist")
        .filter(status__in=(MatchStatus.APPROVED, MatchStatus.ACCEPTED))
        .exclude(need__agency_id=user.agency_id)
    )


def borrowed(*, user: User) -> QuerySet[Match]:
    return (
        match_list_of_own_agency(user=user, side="need")
        .filter(status=MatchStatus.ACCEPTED)
        .exclude(specialist__agency_id=user.agency_id)
    )


def awaiting_release(*, user: User) -> QuerySet[Match]:
    """Approved matches of the manager's own specialists that still need their release."""
    return match_list_of_own_agency(user=user, side="specialist").filter(
        status=MatchStatus.APPROVED, release_at__isnull=True
    )


def approval_queue(*, user: User) -> QuerySet[Match]:
    """Proposed matches waiting for a coordinator, oldest first."""
    return (
        match_list(user=user)
        .filter(status=MatchStatus.PROPOSED)
        .select_related("need__agency", "specialist__agency")
        .order_by("created_at", "id")
    )


def open_needs_without_candidates(*, user: User) -> QuerySet[Need]:
    active = Match.objects.filter(need=OuterRef("pk"), status__in=ACTIVE_MATCH_STATUSES)
    return (
        need_list(user=user)
        .filter(status=NeedStatus.OPEN)
        .filter(~Exists(active))
        .select_related("agency")
        .prefetch_related(None)  # the dashboard lists no skills
        .order_by("start", "id")
    )


def latest_matching_run(*, user: User) -> MatchingRun | None:
    if not can_run_matching(user):
        return None
    return matching_run_list(user=user).first()


@dataclass
class CommittedSegment:
    start: dt.date
    end: dt.date
    committed_percent: int


@dataclass
class WindowWithCommitments:
    window: Availability
    segments: list[CommittedSegment]

    @property
    def peak_committed(self) -> int:
        return max((s.committed_percent for s in self.segments), default=0)


def availability_with_commitments(*, user: User, specialist_id: int) -> list[WindowWithCommitments]:
    """Each window with the capacity approved and accepted matches hold, period by period."""
    windows = list(availability_list(user=user, specialist_id=specialist_id))
    reservations = [
        capacity.Window(start, end, percent)
        for start, end, percent in Match.objects.filter(
            specialist_id=specialist_id, status__in=RESERVING_MATCH_STATUSES
        ).values_list("start", "end", "capacity_percent")
    ]
    result = []
    for window in windows:
        # free = 100 − reserved when availability is a flat 100 %, so committed = 100 − free.
        segments = capacity.free_segments(
            start=window.start,
            end=window.end,
            availability=[capacity.Window(window.start, window.end, 100)],
            reservations=reservations,
            max_share_percent=100,
        )
        result.append(
            WindowWithCommitments(
                window=window,
                segments=[CommittedSegment(s.start, s.end, 100 - s.percent) for s in segments],
            )
        )
    return result
