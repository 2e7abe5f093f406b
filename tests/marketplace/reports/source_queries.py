"""The summary report as it was computed before the report facts: straight from needs,
matches, engagements and skills, with grouped queries on every request.

Kept as it was (the shapes, rates and rounding are imported from the selector, which
kept them unchanged) as the reference the tests hold the fact-based report equal to, on
random data: "the same figures as today's queries".

The summary report: how much capacity the network shared, what it saved, what is scarce.

Every figure is an aggregate computed in the database; Python only multiplies per-group
sums by rates and merges a handful of grouped rows. Definitions:

- **Period**: two dates, both inclusive, in the site's time zone. An engagement counts in
  the period by its `Engagement.completed_at`.
- **Lent / borrowed**: an engagement's hours are lent by the specialist's agency and
  borrowed by the need's agency.
- **FTE** (full-time equivalents) = hours / (`REPORTS_ANNUAL_HOURS` (1,600) × the
  period's length in years). The length in years adds, for each calendar year the period
  touches, its days in the period divided by that year's days, so a calendar year is
  exactly 1 and a leap day does not shrink anyone's FTE.
- **Consultant cost avoided** = Σ hours × (market consultant rate − internal price).
  The consultant rate is per skill category of the need's first required skill (the
  required skill entered first, lowest id); a need without a required skill uses the
  default rate. Rates come from `REPORTS_CONSULTANT_HOURLY_RATES` (SEK/hour,
  default `REPORTS_DEFAULT_CONSULTANT_HOURLY_RATE`), overridden per category by the
  borrowing agency's `consultant_rate_overrides` (it is the one that would have bought the
  consultant). The internal price is the lending agency's `internal_hourly_rate`, else
  `REPORTS_INTERNAL_HOURLY_RATE`. An engagement priced above the market counts negative:
  the figure is a balance, not a boast. Cost avoided belongs to the borrowing agency.
- **Fill rate** = needs `filled` / needs that reached a final state (`filled` or
  `closed`; cancelled needs are withdrawn demand and left out), among needs whose
  `published_at` is in the period. No such need: no rate (None), not 0 %.
- **Time to match**: for each match approved (accepted) in the period, the days from its
  need's publication to `approved_at` (`accepted_at`); the median of those. PostgreSQL
  computes it with `percentile_cont(0.5)`; SQLite with a median aggregate registered on
  the connection, so both aggregate per group in the database.
- **Scarcest skills**: among needs published in the period that reached a final state,
  per required skill and asked minimum level: how many were unfilled (`closed`) or filled
  late (a match accepted on a day after the need's start date), against how many
  shareable specialists have that skill at that level or above. Sorted by shortage
  (unfilled + late), then by fewest specialists.
- **Ratings**: the ratings given at completion by the borrowing agency (of the
  specialist) and by the specialist, for engagements completed in the period.
- **Agency detail**: engagements, hours and ratings of engagements the agency lent or
  borrowed; cost avoided on those it borrowed; fill rate and time to match of its needs.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Aggregate,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.errors import Forbidden
from accounts.models import Agency, User
from marketplace import permissions
from marketplace.models import (
    Engagement,
    Match,
    MatchStatus,
    Need,
    NeedSkill,
    NeedStatus,
    SpecialistSkill,
)
from marketplace.reports.facts import DaysBetween
from marketplace.selectors.reports import (
    AgencyRow,
    Figures,
    FlowRow,
    MonthRow,
    RatingRow,
    Report,
    ReportPeriod,
    SkillRow,
    _Agencies,
    _hours,
    _kronor,
    _ratio,
    _rounded,
)

FINAL_NEED_STATUSES = (NeedStatus.FILLED, NeedStatus.CLOSED)
FILLING_MATCH_STATUSES = (MatchStatus.ACCEPTED, MatchStatus.COMPLETED)
ZERO = Decimal(0)


# Database functions ----------------------------------------------------------------------


class _SQLiteMedian:
    """The SQLite side of `Median`: collects one group's values and returns their median."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: float | None) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        return statistics.median(self.values) if self.values else None


class Median(Aggregate):
    """The median of a numeric expression, per group, computed in the database."""

    function = "percentile_cont"
    name = "Median"
    output_field = FloatField()
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite has no median; a Python aggregate on the connection still runs per group
        # inside the query, so no rows travel to the caller.
        connection.ensure_connection()
        connection.connection.create_aggregate("reports_median", 1, _SQLiteMedian)
        clone = self.copy()
        clone.function = "reports_median"
        clone.template = "%(function)s(%(distinct)s%(expressions)s)"
        return super(Median, clone).as_sql(compiler, connection, **extra_context)


# Engagement facts -------------------------------------------------------------------------


@dataclass
class _Fact:
    """Engagements of one month and (lender, borrower) pair, summed by the database."""

    month: dt.date
    lender: int
    borrower: int
    engagements: int
    hours: Decimal
    need_ratings: list[int]  # how many 1s, 2s, ... 5s
    specialist_ratings: list[int]


def _engagements_in(period: ReportPeriod) -> QuerySet[Engagement]:
    return Engagement.objects.filter(
        completed_at__gte=period.start_at, completed_at__lt=period.end_at
    )


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


class _EngagementFacts:
    """Every engagement figure, row, flow and month, from two grouped queries.

    The first sums engagements, hours and ratings per (month, lender, borrower); the
    second sums hours per (month, borrower, rate category). Their size is bounded by
    months × agencies² and months × agencies × categories, whatever the number of
    engagements. The consultant part of the cost depends only on borrower and category
    and the internal part only on the lender, so every cost figure can be put together
    from these two.
    """

    def __init__(self, period: ReportPeriod, agencies: _Agencies) -> None:
        self.agencies = agencies
        engagements = _engagements_in(period).annotate(
            month=TruncMonth("completed_at"), borrower=F("match__need__agency_id")
        )
        ratings = {}
        for n in range(1, 6):
            ratings[f"need_{n}"] = Count("id", filter=Q(need_rating=n))
            ratings[f"specialist_{n}"] = Count("id", filter=Q(specialist_rating=n))
        self.facts = [
            _Fact(
                month=_as_date(row["month"]),
                lender=row["lender"],
                borrower=row["borrower"],
                engagements=row["n"],
                hours=row["hours"] or ZERO,
                need_ratings=[row[f"need_{n}"] for n in range(1, 6)],
                specialist_ratings=[row[f"specialist_{n}"] for n in range(1, 6)],
            )
            for row in engagements.order_by()
            .values("month", "borrower", lender=F("match__specialist__agency_id"))
            .annotate(n=Count("id"), hours=Sum("hours"), **ratings)
        ]
        # Consultant cost per (month, borrower): categorised hours at their category's
        # rate, the rest (needs without a required skill) at the default rate.
        uncategorised: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
        for fact in self.facts:
            uncategorised[(fact.month, fact.borrower)] += fact.hours
        self.consultant: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
        first_skill = "match__need__skill_requirements"
        # "No required skill of the same need has a lower id": an anti-join, which
        # PostgreSQL runs faster than matching against a MIN(id) per need.
        earlier = NeedSkill.objects.filter(
            need_id=OuterRef(f"{first_skill}__need_id"),
            required=True,
            id__lt=OuterRef(f"{first_skill}__id"),
        )
        by_category = (
            engagements.filter(Q(**{f"{first_skill}__required": True}), ~Exists(earlier))
            .order_by()
            .values("month", "borrower", category=F(f"{first_skill}__skill__category"))
            .annotate(hours=Sum("hours"))
        )
        for row in by_category:
            key = (_as_date(row["month"]), row["borrower"])
            hours = row["hours"] or ZERO
            uncategorised[key] -= hours
            rate = agencies.consultant_rate(row["borrower"], row["category"])
            self.consultant[key] += hours * rate
        for (month, borrower), hours in uncategorised.items():
            self.consultant[(month, borrower)] += hours * agencies.consultant_rate(borrower, None)

    def select(
        self,
        *,
        touching: int | None = None,
        borrower: int | None = None,
        lender: int | None = None,
        month: dt.date | None = None,
    ) -> list[_Fact]:
        return [
            f
            for f in self.facts
            if (touching is None or touching in (f.lender, f.borrower))
            and (borrower is None or f.borrower == borrower)
            and (lender is None or f.lender == lender)
            and (month is None or f.month == month)
        ]

    def costs(
        self, *, borrower: int | None = None, month: dt.date | None = None
    ) -> tuple[Decimal, Decimal]:
        """(consultant cost, internal price) of the hours borrowed, optionally narrowed."""
        consultant = sum(
            (
                cost
                for (m, b), cost in self.consultant.items()
                if (borrower is None or b == borrower) and (month is None or m == month)
            ),
            ZERO,
        )
        internal = sum(
            (
                f.hours * self.agencies.internal_rate(f.lender)
                for f in self.select(borrower=borrower, month=month)
            ),
            ZERO,
        )
        return consultant, internal


def _average(counts: list[int]) -> float | None:
    total = sum(counts)
    if not total:
        return None
    return round(sum(n * c for n, c in zip(range(1, 6), counts, strict=True)) / total, 2)


def _add_counts(facts: list[_Fact], attribute: str) -> list[int]:
    return [sum(getattr(f, attribute)[i] for f in facts) for i in range(5)]


def _total_hours(facts: list[_Fact]) -> Decimal:
    return _hours(sum((f.hours for f in facts), ZERO))


# Needs and time to match --------------------------------------------------------------------


def _fills(period: ReportPeriod) -> dict[int, tuple[int, int]]:
    """(filled, final) per agency, for needs published in the period."""
    rows = (
        Need.objects.filter(
            published_at__gte=period.start_at,
            published_at__lt=period.end_at,
            status__in=FINAL_NEED_STATUSES,
        )
        .order_by()
        .values("agency_id")
        .annotate(final=Count("id"), filled=Count("id", filter=Q(status=NeedStatus.FILLED)))
    )
    return {row["agency_id"]: (row["filled"], row["final"]) for row in rows}


def _medians(period: ReportPeriod, *, per_agency: bool) -> dict[int | None, tuple]:
    """(median days to approved, to accepted) for the network (key None) or per agency."""
    approved = Q(approved_at__gte=period.start_at, approved_at__lt=period.end_at)
    accepted = Q(accepted_at__gte=period.start_at, accepted_at__lt=period.end_at)
    matches = Match.objects.filter(approved | accepted, need__published_at__isnull=False)
    medians = {
        "approved": Median(DaysBetween("approved_at", "need__published_at"), filter=approved),
        "accepted": Median(DaysBetween("accepted_at", "need__published_at"), filter=accepted),
    }
    if not per_agency:
        row = matches.aggregate(**medians)
        return {None: (_rounded(row["approved"], 1), _rounded(row["accepted"], 1))}
    rows = matches.order_by().values(agency=F("need__agency_id")).annotate(**medians)
    return {
        row["agency"]: (_rounded(row["approved"], 1), _rounded(row["accepted"], 1)) for row in rows
    }


# Tables -----------------------------------------------------------------------------------


def _figures(
    period: ReportPeriod,
    facts: _EngagementFacts,
    *,
    agency_id: int | None,
    fill: tuple[int, int],
    medians: tuple[float | None, float | None],
) -> Figures:
    shared = facts.select(touching=agency_id)
    hours = _total_hours(shared)
    consultant, internal = facts.costs(borrower=agency_id)
    need_ratings = _add_counts(shared, "need_ratings")
    specialist_ratings = _add_counts(shared, "specialist_ratings")
    return Figures(
        engagements=sum(f.engagements for f in shared),
        hours=hours,
        fte=period.fte(hours),
        consultant_cost=_kronor(consultant),
        internal_cost=_kronor(internal),
        cost_avoided=_kronor(consultant - internal),
        needs_filled=fill[0],
        needs_final=fill[1],
        fill_rate=_ratio(*fill),
        median_days_to_approved=medians[0],
        median_days_to_accepted=medians[1],
        need_rating_average=_average(need_ratings),
        need_rating_count=sum(need_ratings),
        specialist_rating_average=_average(specialist_ratings),
        specialist_rating_count=sum(specialist_ratings),
    )


def _agency_row(
    period: ReportPeriod,
    facts: _EngagementFacts,
    agency: Agency,
    fill: tuple[int, int],
    median_accepted: float | None,
) -> AgencyRow:
    lent = facts.select(lender=agency.pk)
    borrowed = facts.select(borrower=agency.pk)
    lent_hours, borrowed_hours = _total_hours(lent), _total_hours(borrowed)
    consultant, internal = facts.costs(borrower=agency.pk)
    return AgencyRow(
        agency_id=agency.pk,
        slug=agency.slug,
        name=agency.name,
        lent_engagements=sum(f.engagements for f in lent),
        lent_hours=lent_hours,
        lent_fte=period.fte(lent_hours),
        borrowed_engagements=sum(f.engagements for f in borrowed),
        borrowed_hours=borrowed_hours,
        borrowed_fte=period.fte(borrowed_hours),
        balance_fte=round(period.fte(lent_hours) - period.fte(borrowed_hours), 3),
        cost_avoided=_kronor(consultant - internal),
        needs_filled=fill[0],
        needs_final=fill[1],
        fill_rate=_ratio(*fill),
        median_days_to_accepted=median_accepted,
    )


def _flows(period: ReportPeriod, agencies: _Agencies, facts: list[_Fact]) -> list[FlowRow]:
    pairs: dict[tuple[int, int], list[_Fact]] = defaultdict(list)
    for fact in facts:
        pairs[(fact.lender, fact.borrower)].append(fact)
    flows = []
    for (lender, borrower), group in pairs.items():
        hours = _total_hours(group)
        flows.append(
            FlowRow(
                lender=agencies.by_id[lender].name,
                borrower=agencies.by_id[borrower].name,
                engagements=sum(f.engagements for f in group),
                hours=hours,
                fte=period.fte(hours),
            )
        )
    flows.sort(key=lambda flow: (-flow.hours, flow.lender, flow.borrower))
    return flows


def _skills(period: ReportPeriod) -> list[SkillRow]:
    late = Q(need__status=NeedStatus.FILLED) & Q(
        need__in=Match.objects.filter(
            status__in=FILLING_MATCH_STATUSES, accepted_at__date__gt=F("need__start")
        ).values("need_id")
    )
    demand = list(
        NeedSkill.objects.filter(
            required=True,
            need__status__in=FINAL_NEED_STATUSES,
            need__published_at__gte=period.start_at,
            need__published_at__lt=period.end_at,
        )
        .order_by()
        .values("skill_id", "skill__name", "skill__category", "min_level")
        .annotate(
            needs=Count("id"),
            unfilled=Count("id", filter=Q(need__status=NeedStatus.CLOSED)),
            filled_late=Count("id", filter=late),
        )
    )
    # Shareable specialists per skill and level, summed downwards to "at least this level".
    supply: dict[tuple[int, int], int] = defaultdict(int)
    for item in (
        SpecialistSkill.objects.filter(
            specialist__shareable=True, skill_id__in={d["skill_id"] for d in demand}
        )
        .order_by()
        .values("skill_id", "level")
        .annotate(n=Count("specialist_id", distinct=True))
    ):
        for level in range(1, item["level"] + 1):
            supply[(item["skill_id"], level)] += item["n"]
    rows = [
        SkillRow(
            skill=d["skill__name"],
            category=d["skill__category"],
            min_level=d["min_level"],
            needs=d["needs"],
            unfilled=d["unfilled"],
            filled_late=d["filled_late"],
            shareable_specialists=supply[(d["skill_id"], d["min_level"])],
        )
        for d in demand
    ]
    rows.sort(key=lambda r: (-r.shortage, r.shareable_specialists, r.skill, r.min_level))
    return rows


def _months(period: ReportPeriod, facts: _EngagementFacts, borrower: int | None) -> list[MonthRow]:
    """Per month: engagements, hours and cost avoided, of the network or one borrower."""
    rows = []
    for month in period.months():
        group = facts.select(borrower=borrower, month=month)
        consultant, internal = facts.costs(borrower=borrower, month=month)
        rows.append(
            MonthRow(
                month=month,
                engagements=sum(f.engagements for f in group),
                hours=_total_hours(group),
                cost_avoided=_kronor(consultant - internal),
            )
        )
    return rows


def _ratings(facts: list[_Fact]) -> list[RatingRow]:
    need_ratings = _add_counts(facts, "need_ratings")
    specialist_ratings = _add_counts(facts, "specialist_ratings")
    return [
        RatingRow(
            rating=n,
            from_borrowing_agency=need_ratings[n - 1],
            from_specialist=specialist_ratings[n - 1],
        )
        for n in range(5, 0, -1)
    ]


# The selector ------------------------------------------------------------------------------


def report_summary(*, user: User, period: ReportPeriod, agency: Agency | None = None) -> Report:
    """The summary report for `period`, as much of it as `user` may read.

    Coordinators and admins get every agency's rows, and one agency's detail when they
    name it. A manager gets the network's figures and their own agency's detail and rows;
    naming another agency is Forbidden, as is the report for anyone else. A fixed number
    of grouped queries, whatever the number of engagements.
    """
    if not permissions.can_read_reports(user):
        raise Forbidden("Reports are for coordinators and agency managers.")
    sees_all = permissions.can_read_all_agencies_report(user)
    if agency is None and not sees_all:
        agency = user.agency
    if agency is not None and not permissions.can_read_agency_report(user, agency.pk):
        raise Forbidden("You may read your own agency's report only.")

    agencies = _Agencies()
    facts = _EngagementFacts(period, agencies)
    fills = _fills(period)
    network_fill = (sum(f[0] for f in fills.values()), sum(f[1] for f in fills.values()))
    per_agency_medians = _medians(period, per_agency=True)
    agency_id = None if agency is None else agency.pk
    listed = list(agencies.by_id.values()) if sees_all else [agency]
    return Report(
        period=period,
        agency=agency,
        network=_figures(
            period,
            facts,
            agency_id=None,
            fill=network_fill,
            medians=_medians(period, per_agency=False)[None],
        ),
        agency_figures=None
        if agency is None
        else _figures(
            period,
            facts,
            agency_id=agency_id,
            fill=fills.get(agency_id, (0, 0)),
            medians=per_agency_medians.get(agency_id, (None, None)),
        ),
        agencies=[
            _agency_row(
                period,
                facts,
                listed_agency,
                fills.get(listed_agency.pk, (0, 0)),
                per_agency_medians.get(listed_agency.pk, (None, None))[1],
            )
            for listed_agency in listed
        ],
        flows=_flows(period, agencies, facts.select(touching=None if sees_all else agency_id)),
        skills=_skills(period),
        months=_months(period, facts, agency_id),
        ratings=_ratings(facts.select(touching=agency_id)),
        all_agencies=sees_all,  # new: which agencies the page's sections speak for
    )
