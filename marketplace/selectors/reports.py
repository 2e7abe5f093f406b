"""The summary report: how much capacity the network shared, what it saved, what is scarce.

Every figure is read from the report facts and tallies that `marketplace.reports.facts`
keeps as the data changes (see there); Python multiplies per-group sums by rates and
merges a bounded number of rows. Definitions:

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
  need's publication to `approved_at` (`accepted_at`); the median of those (the mean of
  the middle two for an even count).
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

import calendar
import contextlib
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.errors import Forbidden
from accounts.models import Agency, User
from marketplace import permissions
from marketplace.models import (
    ReportCategoryTally,
    ReportFillTally,
    ReportMatchFact,
    ReportSharedTally,
    ReportSkillTally,
    ReportTally,
    ReportWaitTally,
    Skill,
    SpecialistSkill,
    TallyGrain,
    WaitStage,
)

ZERO = Decimal(0)


# Shapes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportPeriod:
    start: dt.date
    end: dt.date

    @property
    def start_at(self) -> dt.datetime:
        return _local_midnight(self.start)

    @property
    def end_at(self) -> dt.datetime:
        """The first moment after the period (exclusive bound)."""
        return _local_midnight(self.end + dt.timedelta(days=1))

    @property
    def years(self) -> float:
        total = 0.0
        for year in range(self.start.year, self.end.year + 1):
            first = max(self.start, dt.date(year, 1, 1))
            last = min(self.end, dt.date(year, 12, 31))
            total += ((last - first).days + 1) / (366 if calendar.isleap(year) else 365)
        return total

    def months(self) -> list[dt.date]:
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        return months

    def fte(self, hours: Decimal) -> float:
        return round(float(hours) / (settings.REPORTS_ANNUAL_HOURS * self.years), 3)


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass
class Figures:
    engagements: int = 0
    hours: Decimal = Decimal("0.0")
    fte: float = 0.0
    consultant_cost: int = 0
    internal_cost: int = 0
    cost_avoided: int = 0
    needs_final: int = 0
    needs_filled: int = 0
    fill_rate: float | None = None
    median_days_to_approved: float | None = None
    median_days_to_accepted: float | None = None
    need_rating_average: float | None = None
    need_rating_count: int = 0
    specialist_rating_average: float | None = None
    specialist_rating_count: int = 0


@dataclass
class AgencyRow:
    agency_id: int
    slug: str
    name: str
    lent_engagements: int = 0
    lent_hours: Decimal = Decimal("0.0")
    lent_fte: float = 0.0
    borrowed_engagements: int = 0
    borrowed_hours: Decimal = Decimal("0.0")
    borrowed_fte: float = 0.0
    balance_fte: float = 0.0
    cost_avoided: int = 0
    needs_final: int = 0
    needs_filled: int = 0
    fill_rate: float | None = None
    median_days_to_accepted: float | None = None


@dataclass
class FlowRow:
    lender: str
    borrower: str
    engagements: int
    hours: Decimal
    fte: float


@dataclass
class SkillRow:
    skill: str
    category: str
    min_level: int
    needs: int
    unfilled: int
    filled_late: int
    shareable_specialists: int

    @property
    def shortage(self) -> int:
        return self.unfilled + self.filled_late


@dataclass
class MonthRow:
    month: dt.date
    engagements: int = 0
    hours: Decimal = Decimal("0.0")
    cost_avoided: int = 0


@dataclass
class RatingRow:
    rating: int
    from_borrowing_agency: int = 0
    from_specialist: int = 0


@dataclass
class Report:
    period: ReportPeriod
    agency: Agency | None
    network: Figures
    agency_figures: Figures | None
    agencies: list[AgencyRow] = field(default_factory=list)
    flows: list[FlowRow] = field(default_factory=list)
    skills: list[SkillRow] = field(default_factory=list)
    months: list[MonthRow] = field(default_factory=list)
    ratings: list[RatingRow] = field(default_factory=list)
    # Whether the agency rows and flows are every agency's (a coordinator's view) or only
    # those of `agency` (a manager's): each section of the page says whose figures it shows.
    all_agencies: bool = True


# Rates ------------------------------------------------------------------------------------


# Where a rate came from: the agency's own figure, or the settings' default.
RATE_AGENCY, RATE_DEFAULT = "agency", "default"


def internal_rate_and_source(stored: int | None) -> tuple[Decimal, str]:
    """The internal price per hour of an agency whose `internal_hourly_rate` is `stored`."""
    if stored is not None:
        return Decimal(stored), RATE_AGENCY
    return Decimal(settings.REPORTS_INTERNAL_HOURLY_RATE), RATE_DEFAULT


class _Agencies:
    """Every agency's name and rates, loaded once: a few dozen rows."""

    def __init__(self) -> None:
        self.by_id = {agency.pk: agency for agency in Agency.objects.order_by("name")}

    def consultant_rate_and_source(self, borrower_id: int, category: str | None) -> tuple:
        """(SEK per hour, RATE_AGENCY or RATE_DEFAULT) a consultant would have cost."""
        overrides = self.by_id[borrower_id].consultant_rate_overrides
        if category and isinstance(overrides, dict) and category in overrides:
            # A mistyped override falls back to the settings, not a broken report.
            with contextlib.suppress(InvalidOperation):
                rate = Decimal(str(overrides[category]))
                if rate.is_finite():
                    return rate, RATE_AGENCY
        default = settings.REPORTS_DEFAULT_CONSULTANT_HOURLY_RATE
        return Decimal(
            settings.REPORTS_CONSULTANT_HOURLY_RATES.get(category, default)
        ), RATE_DEFAULT

    def consultant_rate(self, borrower_id: int, category: str | None) -> Decimal:
        return self.consultant_rate_and_source(borrower_id, category)[0]

    def internal_rate_and_source(self, lender_id: int) -> tuple[Decimal, str]:
        return internal_rate_and_source(self.by_id[lender_id].internal_hourly_rate)

    def internal_rate(self, lender_id: int) -> Decimal:
        return self.internal_rate_and_source(lender_id)[0]


def _hours(total: Decimal | None) -> Decimal:
    # One decimal like Engagement.hours, whatever the backend's SUM returns.
    return (total or ZERO).quantize(Decimal("0.1"))


def _kronor(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1)))


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


# Reading the tallies ----------------------------------------------------------------------


class _Buckets:
    """The tally rows that make up a period: its whole months, and the days of the rest."""

    def __init__(self, period: ReportPeriod) -> None:
        whole: list[dt.date] = []
        condition = Q()
        for month in period.months():
            last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
            first_day, last_day = max(month, period.start), min(last, period.end)
            if (first_day, last_day) == (month, last):
                whole.append(month)
            else:
                condition |= Q(grain=TallyGrain.DAY, bucket__range=(first_day, last_day))
        if whole:
            condition |= Q(grain=TallyGrain.MONTH, bucket__in=whole)
        self.condition = condition

    def rows(self, model: type[ReportTally]) -> QuerySet:
        return model.objects.filter(self.condition).order_by()


RATING_COLUMNS = [
    *(f"need_rating_{n}" for n in range(1, 6)),
    *(f"specialist_rating_{n}" for n in range(1, 6)),
]


@dataclass
class _Shared:
    """Engagements, hours and ratings (need 1–5, then specialist 1–5) of a set of pairs."""

    engagements: int = 0
    hours: Decimal = ZERO
    ratings: list[int] = field(default_factory=lambda: [0] * 10)

    def add(self, other: _Shared) -> None:
        self.engagements += other.engagements
        self.hours += other.hours
        self.ratings = [a + b for a, b in zip(self.ratings, other.ratings, strict=True)]

    @property
    def need_ratings(self) -> list[int]:
        return self.ratings[:5]

    @property
    def specialist_ratings(self) -> list[int]:
        return self.ratings[5:]


class _EngagementFacts:
    """Every engagement figure, row, flow and month, from the period's tally rows.

    Shared tallies give engagements, hours and ratings per (lender, borrower), and hours
    and internal price per (month, borrower); category tallies give hours per (month,
    borrower, rate category). The consultant part of the cost depends only on borrower
    and category and the internal part only on the lender, so every cost figure is put
    together from these. Each is bounded by months × agencies² or months × agencies ×
    categories, whatever the number of engagements; each row is read once.
    """

    def __init__(self, buckets: _Buckets, agencies: _Agencies) -> None:
        self.pairs: dict[tuple[int, int], _Shared] = {}
        sums = {name: Sum(name) for name in ("engagements", "hours", *RATING_COLUMNS)}
        for row in (
            buckets.rows(ReportSharedTally).values_list("lender_id", "borrower_id").annotate(**sums)
        ):
            if row[2]:
                self.pairs[(row[0], row[1])] = _Shared(row[2], row[3], list(row[4:]))
        # (month, borrower) -> [engagements, hours, internal price]; the lenders' internal
        # rates are few, so the database sums hours per rate rather than per lender.
        self.borrowed: dict[tuple[dt.date, int], list] = defaultdict(lambda: [0, ZERO, ZERO])
        for month, borrower, rate, engagements, hours in (
            buckets.rows(ReportSharedTally)
            .values_list(TruncMonth("bucket"), "borrower_id", "lender__internal_hourly_rate")
            .annotate(Sum("engagements"), Sum("hours"))
        ):
            row = self.borrowed[(_as_date(month), borrower)]
            row[0] += engagements
            row[1] += hours
            row[2] += hours * internal_rate_and_source(rate)[0]
        self.consultant: dict[tuple[dt.date, int], Decimal] = defaultdict(lambda: ZERO)
        for month, borrower, category, hours in (
            buckets.rows(ReportCategoryTally)
            .values_list(TruncMonth("bucket"), "borrower_id", "rate_category")
            .annotate(Sum("hours"))
        ):
            rate = agencies.consultant_rate(borrower, category or None)
            self.consultant[(_as_date(month), borrower)] += hours * rate

    def shared(
        self,
        *,
        touching: int | None = None,
        lender: int | None = None,
        borrower: int | None = None,
    ) -> _Shared:
        total = _Shared()
        for (pair_lender, pair_borrower), pair in self.pairs.items():
            if (
                (touching is None or touching in (pair_lender, pair_borrower))
                and (lender is None or pair_lender == lender)
                and (borrower is None or pair_borrower == borrower)
            ):
                total.add(pair)
        return total

    def month(self, month: dt.date, *, borrower: int | None) -> tuple[int, Decimal]:
        """(engagements, hours) completed in a month, of the network or one borrower."""
        engagements, hours = 0, ZERO
        for (m, b), (count, total, _total_hours) in self.borrowed.items():
            if m == month and (borrower is None or b == borrower):
                engagements += count
                hours += total
        return engagements, hours

    def costs(
        self, *, borrower: int | None = None, month: dt.date | None = None
    ) -> tuple[Decimal, Decimal]:
        """(consultant cost, internal price) of the hours borrowed, optionally narrowed."""

        def wanted(key: tuple[dt.date, int]) -> bool:
            return (borrower is None or key[1] == borrower) and (month is None or key[0] == month)

        consultant = sum((cost for key, cost in self.consultant.items() if wanted(key)), ZERO)
        internal = sum((row[2] for key, row in self.borrowed.items() if wanted(key)), ZERO)
        return consultant, internal


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _average(counts: list[int]) -> float | None:
    total = sum(counts)
    if not total:
        return None
    return round(sum(n * c for n, c in zip(range(1, 6), counts, strict=True)) / total, 2)


# Needs and time to match --------------------------------------------------------------------


def _fills(buckets: _Buckets) -> dict[int, tuple[int, int]]:
    """(filled, final) per agency, for needs published in the period."""
    rows = (
        buckets.rows(ReportFillTally)
        .values("agency_id")
        .annotate(final=Sum("needs_final"), filled=Sum("needs_filled"))
    )
    return {row["agency_id"]: (row["filled"], row["final"]) for row in rows if row["final"]}


def _median_of_two(low: float, high: float) -> float:
    # The arithmetic each database's median used, so the figures match to the last bit.
    if connection.vendor == "postgresql":
        return low + (high - low) * 0.5  # percentile_cont's interpolation
    return (low + high) / 2  # statistics.median


def _middle_ranks(counts: dict[int, int]) -> list[tuple[int, int]]:
    """(whole days, rank among that day's values) of the middle value or the middle two."""
    total = sum(counts.values())
    if not total:
        return []
    wanted = sorted({(total - 1) // 2, total // 2})
    found, seen = [], 0
    for days in sorted(counts):
        count = counts[days]
        found += [(days, rank - seen) for rank in wanted if seen <= rank < seen + count]
        seen += count
    return found


WAIT_COLUMNS = {
    WaitStage.APPROVED: ("approved_on", "approved_whole_days", "approved_days"),
    WaitStage.ACCEPTED: ("accepted_on", "accepted_whole_days", "accepted_days"),
}


def _medians(
    period: ReportPeriod, buckets: _Buckets, *, detail: int | None, listed: set[int]
) -> dict[int | None, tuple]:
    """(median days to approved, to accepted) for the network (key None) and agencies:
    both for `detail`, to accepted for the `listed` agencies.

    The wait tallies say in which whole day each median lies; only the matches of that
    day are read to find its exact value.
    """
    needed = {
        WaitStage.APPROVED: {None, detail},
        WaitStage.ACCEPTED: {None, detail, *listed},
    }
    counts: dict[tuple[int | None, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        buckets.rows(ReportWaitTally)
        .values("agency_id", "stage", "whole_days")
        .annotate(n=Sum("matches"))
    ):
        if row["n"]:
            counts[(None, row["stage"])][row["whole_days"]] += row["n"]
            counts[(row["agency_id"], row["stage"])][row["whole_days"]] += row["n"]
    medians: dict[tuple[int | None, str], float] = {}
    for stage, (day_column, whole_column, value_column) in WAIT_COLUMNS.items():
        wanted = {
            group: _middle_ranks(c)
            for (group, s), c in counts.items()
            if s == stage and group in needed[stage]
        }
        if not wanted:
            continue
        condition = Q()
        for group, ranks in wanted.items():
            days = {d for d, _ in ranks}
            agency = {} if group is None else {"agency_id": group}
            condition |= Q(**agency, **{f"{whole_column}__in": days})
        values: dict[tuple[int | None, int], list[float]] = defaultdict(list)
        for agency_id, days, value in (
            ReportMatchFact.objects.filter(
                condition, **{f"{day_column}__range": (period.start, period.end)}
            )
            .order_by()
            .values_list("agency_id", whole_column, value_column)
        ):
            values[(agency_id, days)].append(value)
            values[(None, days)].append(value)
        for group, ranks in wanted.items():
            picked = [sorted(values[(group, days)])[rank] for days, rank in ranks]
            medians[(group, stage)] = (
                picked[0] if len(picked) == 1 else _median_of_two(picked[0], picked[1])
            )
    return {
        group: (
            _rounded(medians.get((group, WaitStage.APPROVED)), 1),
            _rounded(medians.get((group, WaitStage.ACCEPTED)), 1),
        )
        for group in {group for group, _ in counts} | {None}
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
    shared = facts.shared(touching=agency_id)
    hours = _hours(shared.hours)
    consultant, internal = facts.costs(borrower=agency_id)
    return Figures(
        engagements=shared.engagements,
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
        need_rating_average=_average(shared.need_ratings),
        need_rating_count=sum(shared.need_ratings),
        specialist_rating_average=_average(shared.specialist_ratings),
        specialist_rating_count=sum(shared.specialist_ratings),
    )


def _agency_row(
    period: ReportPeriod,
    facts: _EngagementFacts,
    agency: Agency,
    fill: tuple[int, int],
    median_accepted: float | None,
) -> AgencyRow:
    lent = facts.shared(lender=agency.pk)
    borrowed = facts.shared(borrower=agency.pk)
    lent_hours, borrowed_hours = _hours(lent.hours), _hours(borrowed.hours)
    consultant, internal = facts.costs(borrower=agency.pk)
    return AgencyRow(
        agency_id=agency.pk,
        slug=agency.slug,
        name=agency.name,
        lent_engagements=lent.engagements,
        lent_hours=lent_hours,
        lent_fte=period.fte(lent_hours),
        borrowed_engagements=borrowed.engagements,
        borrowed_hours=borrowed_hours,
        borrowed_fte=period.fte(borrowed_hours),
        balance_fte=round(period.fte(lent_hours) - period.fte(borrowed_hours), 3),
        cost_avoided=_kronor(consultant - internal),
        needs_filled=fill[0],
        needs_final=fill[1],
        fill_rate=_ratio(*fill),
        median_days_to_accepted=median_accepted,
    )


def _flows(
    period: ReportPeriod, agencies: _Agencies, facts: _EngagementFacts, touching: int | None
) -> list[FlowRow]:
    flows = []
    for (lender, borrower), pair in facts.pairs.items():
        if not pair.engagements or (touching is not None and touching not in (lender, borrower)):
            continue
        hours = _hours(pair.hours)
        flows.append(
            FlowRow(
                lender=agencies.by_id[lender].name,
                borrower=agencies.by_id[borrower].name,
                engagements=pair.engagements,
                hours=hours,
                fte=period.fte(hours),
            )
        )
    flows.sort(key=lambda flow: (-flow.hours, flow.lender, flow.borrower))
    return flows


def _skills(buckets: _Buckets) -> list[SkillRow]:
    demand = [
        row
        for row in buckets.rows(ReportSkillTally)
        .values("skill_id", "min_level")
        .annotate(total=Sum("needs"), total_unfilled=Sum("unfilled"), total_late=Sum("filled_late"))
        if row["total"]
    ]
    skills = {
        skill.pk: skill
        for skill in Skill.objects.filter(pk__in={row["skill_id"] for row in demand}).only(
            "name", "category"
        )
    }
    # Shareable specialists per skill and level, summed downwards to "at least this level".
    supply: dict[tuple[int, int], int] = defaultdict(int)
    for skill_id, level, count in (
        SpecialistSkill.objects.filter(specialist__shareable=True, skill_id__in=set(skills))
        .order_by()
        .values("skill_id", "level")
        .annotate(n=Count("specialist_id", distinct=True))
        .values_list("skill_id", "level", "n")
    ):
        for at_least in range(1, level + 1):
            supply[(skill_id, at_least)] += count
    rows = [
        SkillRow(
            skill=skills[row["skill_id"]].name,
            category=skills[row["skill_id"]].category,
            min_level=row["min_level"],
            needs=row["total"],
            unfilled=row["total_unfilled"],
            filled_late=row["total_late"],
            shareable_specialists=supply[(row["skill_id"], row["min_level"])],
        )
        for row in demand
    ]
    rows.sort(key=lambda r: (-r.shortage, r.shareable_specialists, r.skill, r.min_level))
    return rows


def _months(period: ReportPeriod, facts: _EngagementFacts, borrower: int | None) -> list[MonthRow]:
    """Per month: engagements, hours and cost avoided, of the network or one borrower."""
    rows = []
    for month in period.months():
        engagements, hours = facts.month(month, borrower=borrower)
        consultant, internal = facts.costs(borrower=borrower, month=month)
        rows.append(
            MonthRow(
                month=month,
                engagements=engagements,
                hours=_hours(hours),
                cost_avoided=_kronor(consultant - internal),
            )
        )
    return rows


def _ratings(shared: _Shared) -> list[RatingRow]:
    return [
        RatingRow(
            rating=n,
            from_borrowing_agency=shared.need_ratings[n - 1],
            from_specialist=shared.specialist_ratings[n - 1],
        )
        for n in range(5, 0, -1)
    ]


# The selector ------------------------------------------------------------------------------


def report_scope(*, user: User, agency: Agency | None) -> Agency | None:
    """The agency whose detail `user` reads (None: the network only), or Forbidden.

    Coordinators and admins choose (any agency, or none); a manager reads their own.
    """
    if not permissions.can_read_reports(user):
        raise Forbidden(_("Reports are for coordinators and agency managers."))
    if agency is None and not permissions.can_read_all_agencies_report(user):
        agency = user.agency
    if agency is not None and not permissions.can_read_agency_report(user, agency.pk):
        raise Forbidden(_("You may read your own agency's report only."))
    return agency


def report_summary(*, user: User, period: ReportPeriod, agency: Agency | None = None) -> Report:
    """The summary report for `period`, as much of it as `user` may read.

    Coordinators and admins get every agency's rows, and one agency's detail when they
    name it. A manager gets the network's figures and their own agency's detail and rows;
    naming another agency is Forbidden, as is the report for anyone else. A fixed number
    of queries over the tallies, whatever the number of engagements.
    """
    agency = report_scope(user=user, agency=agency)
    sees_all = permissions.can_read_all_agencies_report(user)

    agencies = _Agencies()
    buckets = _Buckets(period)
    facts = _EngagementFacts(buckets, agencies)
    fills = _fills(buckets)
    network_fill = (sum(f[0] for f in fills.values()), sum(f[1] for f in fills.values()))
    agency_id = None if agency is None else agency.pk
    listed = list(agencies.by_id.values()) if sees_all else [agency]
    medians = _medians(
        period, buckets, detail=agency_id, listed={listed_agency.pk for listed_agency in listed}
    )
    return Report(
        period=period,
        agency=agency,
        network=_figures(period, facts, agency_id=None, fill=network_fill, medians=medians[None]),
        agency_figures=None
        if agency is None
        else _figures(
            period,
            facts,
            agency_id=agency_id,
            fill=fills.get(agency_id, (0, 0)),
            medians=medians.get(agency_id, (None, None)),
        ),
        agencies=[
            _agency_row(
                period,
                facts,
                listed_agency,
                fills.get(listed_agency.pk, (0, 0)),
                medians.get(listed_agency.pk, (None, None))[1],
            )
            for listed_agency in listed
        ],
        flows=_flows(period, agencies, facts, None if sees_all else agency_id),
        skills=_skills(buckets),
        months=_months(period, facts, agency_id),
        ratings=_ratings(facts.shared(touching=agency_id)),
        all_agencies=sees_all,
    )
