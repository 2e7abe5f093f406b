"""What each role's dashboard shows, built on the visibility-applying selectors."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.errors import Forbidden
from accounts.models import User
from fastpaths.child_rows import child_rows, decoded_rows
from fastpaths.compiled_queries import CompiledQuery, counted
from marketplace.matching import capacity
from marketplace.models import (
    ACTIVE_MATCH_STATUSES,
    Availability,
    Match,
    MatchingRun,
    MatchStatus,
    Need,
    NeedStatus,
    Specialist,
    SpecialistSkill,
)
from marketplace.permissions import can_run_matching, need_visibility
from marketplace.selectors.capacity import capacity_windows
from marketplace.selectors.matches import match_list, match_list_of_own_agency
from marketplace.selectors.matching_runs import matching_run_list
from marketplace.selectors.specialists import availability_list

# What a complete profile has filled in: the matching uses each of these.
PROFILE_PARTS = ("title", "summary", "skills", "languages", "region", "availability")


# How many rows a dashboard list shows before it links to the whole list.
DASHBOARD_ROWS = 5


@dataclass
class ProfileCompleteness:
    percent: int
    missing: list[str] = field(default_factory=list)


def period_text(start: dt.date, end: dt.date) -> str:
    """A period as the dashboard rows show it."""
    return f"{start.isoformat()} – {end.isoformat()}"


@dataclass(frozen=True)
class MatchRow:
    """A match as web/partials/match_table.html shows it: a row of values, not a model.

    Dashboards read these with `values_list`, which costs a fraction of loading matches
    with their needs, specialists and users as models.
    """

    pk: int
    status: str
    start: dt.date
    end: dt.date
    capacity_percent: int
    need_title: str
    specialist_name: str

    @property
    def status_display(self) -> str:
        return str(MatchStatus(self.status).label)

    @property
    def period(self) -> str:
        return period_text(self.start, self.end)

    @classmethod
    def of(cls, match: Match) -> "MatchRow":
        """The row of a match loaded as a model (`for_match_table`)."""
        return cls(
            pk=match.pk,
            status=match.status,
            start=match.start,
            end=match.end,
            capacity_percent=match.capacity_percent,
            need_title=match.need.title,
            specialist_name=match.specialist.user.name,
        )


MATCH_ROW_VALUES = (
    *("pk", "status", "start", "end", "capacity_percent"),
    *("need__title", "specialist__user__name"),
)


@dataclass
class Preview:
    """The first rows of a list for a dashboard, and whether there are more."""

    rows: list[MatchRow]
    more: bool


# What web/partials/match_table.html shows of a match, for lists that page by cursor over
# models: the rest of the match, its need and its specialist (texts, JSON breakdowns,
# password hashes) is not worth loading per row.
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


def match_rows(matches: QuerySet[Match]) -> list[MatchRow]:
    """Every match of the queryset as a row, in its order."""
    return [MatchRow(*values) for values in matches.values_list(*MATCH_ROW_VALUES)]


def preview_of(rows: list[MatchRow]) -> Preview:
    """A preview from up to DASHBOARD_ROWS + 1 rows: the one past the preview says "there
    are more" without counting them all."""
    return Preview(rows=rows[:DASHBOARD_ROWS], more=len(rows) > DASHBOARD_ROWS)


# A preview row's need title and specialist name, each read by key for the few rows shown:
# PostgreSQL plans a join of four tables anew for every preview, which took longer than
# answering it (1.1 ms of planning against 0.3 for these).
_PREVIEW_NAMES = {
    "need_title": Subquery(Need.objects.filter(pk=OuterRef("need_id")).order_by().values("title")),
    "specialist_name": Subquery(
        Specialist.objects.filter(pk=OuterRef("specialist_id")).order_by().values("user__name")
    ),
}
_PREVIEW_VALUES = (*MATCH_ROW_VALUES[:5], *_PREVIEW_NAMES)


class MatchPreview:
    """The dashboard preview of one of the match lists below, compiled once (a dashboard
    shows up to four, on every visit)."""

    def __init__(self, matches: Callable[..., QuerySet[Match]]) -> None:
        self._query = CompiledQuery(
            lambda user: (
                matches(user=user)
                .annotate(**_PREVIEW_NAMES)
                .values_list(*_PREVIEW_VALUES)[: DASHBOARD_ROWS + 1]
            )
        )

    def __call__(self, *, user: User) -> Preview:
        return preview_of([MatchRow(*values) for values in self._query.rows(user=user)])


@dataclass(frozen=True, order=True)
class AvailabilityWindow:
    start: dt.date
    end: dt.date
    capacity_percent: int

    @property
    def period(self) -> str:
        return period_text(self.start, self.end)


@dataclass(frozen=True)
class ProfileState:
    """What a specialist's dashboard shows of their own profile."""

    completeness: ProfileCompleteness
    coming_availability: list[AvailabilityWindow]


PROFILE_STATE_VALUES = (
    *("title", "summary", "languages", "region", "remote_ok", "has_skills", "coming"),
)


def _profile_state_query(*, user: User, today: dt.date) -> QuerySet[Specialist]:
    coming = child_rows(
        Availability.objects.filter(end__gte=today),
        parent="specialist",
        columns=("start", "end", "capacity_percent"),
    )
    return (
        Specialist.objects.filter(user_id=user.pk)
        .annotate(
            has_skills=Exists(SpecialistSkill.objects.filter(specialist=OuterRef("pk"))),
            coming=coming,
        )
        .order_by()
        .values_list(*PROFILE_STATE_VALUES)[:1]
    )


_PROFILE_STATE = CompiledQuery(_profile_state_query)


def specialist_profile_state(*, user: User) -> ProfileState | None:
    """How complete the user's profile is and its coming availability, in one query (the
    windows come along as JSON)."""
    rows = _PROFILE_STATE.rows(user=user, today=timezone.localdate())
    if not rows:
        return None
    row = dict(zip(PROFILE_STATE_VALUES, rows[0], strict=True))
    windows = sorted(
        AvailabilityWindow(dt.date.fromisoformat(start), dt.date.fromisoformat(end), int(percent))
        for start, end, percent in decoded_rows(row["coming"])
    )
    present = {
        "title": bool(row["title"].strip()),
        "summary": bool(row["summary"].strip()),
        "skills": row["has_skills"],
        "languages": bool(row["languages"]),
        "region": bool(row["region"]) or row["remote_ok"],
        "availability": bool(windows),
    }
    return ProfileState(
        completeness=_completeness(present),
        coming_availability=windows,
    )


def _completeness(present: dict[str, bool]) -> ProfileCompleteness:
    """The share of PROFILE_PARTS filled in, and which are missing."""
    missing = [part for part in PROFILE_PARTS if not present[part]]
    percent = round(100 * (len(PROFILE_PARTS) - len(missing)) / len(PROFILE_PARTS))
    return ProfileCompleteness(percent=percent, missing=missing)


def specialist_of(*, user: User) -> Specialist | None:
    return Specialist.objects.filter(user=user).select_related("agency").first()


def pending_proposals_for_specialist(*, user: User) -> QuerySet[Match]:
    """Approved matches still waiting for this specialist's own yes or no."""
    return match_list(user=user).filter(
        specialist__user_id=user.pk,
        status=MatchStatus.APPROVED,
        specialist_consent_at__isnull=True,
    )


def engagements_for_specialist(*, user: User) -> QuerySet[Match]:
    return match_list(user=user).filter(
        specialist__user_id=user.pk, status__in=(MatchStatus.ACCEPTED, MatchStatus.COMPLETED)
    )


def agency_needs_by_status(*, user: User) -> dict[str, int]:
    """How many needs of the manager's own agency are in each status.

    A manager sees every need of their own agency (`need_visibility`), so the count reads
    the (agency, status) index alone, without the visibility rule's OR.
    """
    if not user.is_manager:
        raise Forbidden(_("Only agency managers count their agency's needs."))
    counts = {status: 0 for status in NeedStatus.values}
    counts.update(_NEEDS_BY_STATUS.rows(user=user))
    return counts


_NEEDS_BY_STATUS = CompiledQuery(
    lambda user: (
        Need.objects.filter(agency_id=user.agency_id)
        .order_by()
        .values("status")
        .annotate(n=Count("*"))
        .values_list("status", "n")
    )
)


def lent_out(*, user: User) -> QuerySet[Match]:
    """The agency's specialists committed to other agencies' needs (approved or accepted)."""
    return (
        match_list_of_own_agency(user=user, side="specialist")
        .filter(status__in=(MatchStatus.APPROVED, MatchStatus.ACCEPTED))
        .exclude(need_agency_id=user.agency_id)
    )


def borrowed(*, user: User) -> QuerySet[Match]:
    return (
        match_list_of_own_agency(user=user, side="need")
        .filter(status=MatchStatus.ACCEPTED)
        .exclude(specialist_agency_id=user.agency_id)
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


@dataclass(frozen=True)
class NeedRow:
    """An open need as the coordinator's dashboard lists it."""

    pk: int
    title: str
    agency_name: str
    start: dt.date
    end: dt.date

    @property
    def period(self) -> str:
        return period_text(self.start, self.end)


def approval_queue_count(*, user: User) -> int:
    return _APPROVAL_QUEUE_COUNT.value(user=user, default=0)


_APPROVAL_QUEUE_COUNT = CompiledQuery(lambda user: counted(approval_queue(user=user), by="status"))

# How many open needs without candidates the coordinator's dashboard lists.
NEEDS_WITHOUT_CANDIDATES_ROWS = 10


def _needs_without_candidates(*, user: User) -> QuerySet[Need]:
    active = Match.objects.filter(need=OuterRef("pk"), status__in=ACTIVE_MATCH_STATUSES)
    return (
        Need.objects.filter(need_visibility(user), status=NeedStatus.OPEN)
        .filter(~Exists(active))
        .order_by("start", "id")
        .values_list("pk", "title", "agency__name", "start", "end")[:NEEDS_WITHOUT_CANDIDATES_ROWS]
    )


_NEEDS_WITHOUT_CANDIDATES = CompiledQuery(_needs_without_candidates)


def open_needs_without_candidates(*, user: User) -> list[NeedRow]:
    """Open needs no proposed, approved or accepted match is for, soonest start first."""
    return [NeedRow(*values) for values in _NEEDS_WITHOUT_CANDIDATES.rows(user=user)]


def latest_matching_run(*, user: User) -> MatchingRun | None:
    if not can_run_matching(user):
        return None
    return matching_run_list(user=user).first()


@dataclass
class CommittedSegment:
    start: dt.date
    end: dt.date
    committed_percent: int
    free_percent: int  # the one rule: min(availability, max share) − reserved


@dataclass
class WindowWithCommitments:
    window: Availability
    segments: list[CommittedSegment]

    @property
    def peak_committed(self) -> int:
        return max((s.committed_percent for s in self.segments), default=0)

    @property
    def least_free(self) -> int:
        return min((s.free_percent for s in self.segments), default=0)


def availability_with_commitments(*, user: User, specialist_id: int) -> list[WindowWithCommitments]:
    """Each window with what approved and accepted matches hold and what stays free,
    period by period (free after the specialist's max share)."""
    windows = list(availability_list(user=user, specialist_id=specialist_id))
    if not windows:
        return []
    inputs = capacity_windows(specialist_id=specialist_id)
    max_share = (
        Specialist.objects.filter(pk=specialist_id).values_list("max_share_percent", flat=True)
    ).first() or 0
    return [
        WindowWithCommitments(
            window=window,
            segments=[
                CommittedSegment(s.start, s.end, s.reserved, s.free)
                for s in capacity.capacity_segments(
                    start=window.start,
                    end=window.end,
                    availability=inputs.availability,
                    reservations=inputs.reservations,
                    max_share_percent=max_share,
                )
            ],
        )
        for window in windows
    ]


# The previews a dashboard shows of the lists above.
pending_proposals_preview = MatchPreview(pending_proposals_for_specialist)
engagements_preview = MatchPreview(engagements_for_specialist)
awaiting_release_preview = MatchPreview(awaiting_release)
lent_out_preview = MatchPreview(lent_out)
borrowed_preview = MatchPreview(borrowed)
