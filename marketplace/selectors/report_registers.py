"""The evidence behind the summary: the register of unmet demand and the savings ledger.

- **Unmet-demand register**: every need published in the period (by its publication day,
  as the fill rate counts it) that was closed unfilled, or is still open after its start
  date has passed (on the reader's today), with its agency, skills and levels, period,
  share, reason and how many specialists were proposed or nominated for it. Its closed
  rows are exactly the summary's "final but not filled" needs, per agency and per skill.
- **Savings ledger**: one row per engagement completed in the period, with its hours, the
  consultant rate used for its skill category and where that rate comes from (the
  borrowing agency's override or the default), the lending agency's internal rate, and
  the amount = hours × (consultant rate − internal rate). The summary's consultant cost,
  internal price and cost avoided are the ledger's sums (rounded to whole kronor once, at
  the end). A coordinator reads every engagement, or one borrowing agency's; a manager
  reads the engagements their own agency borrowed, whose savings are theirs.

Who may read what is the summary's rule (`marketplace.permissions.can_read_*report*`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, User
from marketplace.models import (
    Match,
    Need,
    NeedSkill,
    NeedStatus,
    ReportEngagementFact,
    Skill,
)
from marketplace.selectors.reports import (
    ReportPeriod,
    _Agencies,
    _hours,
    _kronor,
    report_scope,
)

OPEN_PAST_START = "open_past_start"
REASON_LABELS = {
    "no_candidate": _("No candidate"),
    "none_accepted": _("None accepted"),
    "withdrawn": _("Withdrawn"),
    OPEN_PAST_START: _("Still open after its start"),
}
RATE_SOURCE_LABELS = {"agency": _("Agency's own rate"), "default": _("Default rate")}


# The register of unmet demand ---------------------------------------------------------------


@dataclass(frozen=True)
class UnmetNeedSkill:
    skill: str
    min_level: int
    required: bool


@dataclass(frozen=True)
class UnmetNeedRow:
    need_id: int
    title: str
    agency: str
    agency_slug: str
    published_on: dt.date
    start: dt.date
    end: dt.date
    capacity_percent: int
    headcount: int
    status: str
    reason: str
    closed_on: dt.date | None
    candidates: int
    skills: tuple[UnmetNeedSkill, ...]

    @property
    def reason_label(self) -> str:
        return str(REASON_LABELS.get(self.reason, self.reason))


def unmet_needs(
    *, user: User, period: ReportPeriod, agency: Agency | None = None, skill: Skill | None = None
) -> QuerySet[Need]:
    """The register's needs, newest publication first; rows come from `unmet_need_rows`."""
    agency = report_scope(user=user, agency=agency)
    today = timezone.localdate()
    candidates = (
        Match.objects.filter(need_id=OuterRef("pk"))
        .order_by()
        .values("need_id")
        .annotate(n=Count("specialist_id", distinct=True))
        .values("n")
    )
    needs = (
        Need.objects.filter(published_at__gte=period.start_at, published_at__lt=period.end_at)
        .filter(Q(status=NeedStatus.CLOSED) | Q(status=NeedStatus.OPEN, start__lt=today))
        .select_related("agency")
        .prefetch_related(
            Prefetch(
                "skill_requirements",
                queryset=NeedSkill.objects.select_related("skill").order_by(
                    "-required", "skill__name"
                ),
            )
        )
        .annotate(candidates=Coalesce(Subquery(candidates), 0))
        .order_by("-published_at", "-id")
    )
    if agency is not None:
        needs = needs.filter(agency=agency)
    if skill is not None:
        needs = needs.filter(
            pk__in=NeedSkill.objects.filter(skill=skill, required=True).values("need_id")
        )
    return needs


def unmet_need_rows(needs) -> list[UnmetNeedRow]:
    return [
        UnmetNeedRow(
            need_id=need.pk,
            title=need.title,
            agency=need.agency.name,
            agency_slug=need.agency.slug,
            published_on=timezone.localtime(need.published_at).date(),
            start=need.start,
            end=need.end,
            capacity_percent=need.capacity_percent,
            headcount=need.headcount,
            status=need.status,
            reason=need.unfilled_reason
            if need.status == NeedStatus.CLOSED and need.unfilled_reason
            else OPEN_PAST_START
            if need.status == NeedStatus.OPEN
            else need.status,
            closed_on=timezone.localtime(need.closed_at).date() if need.closed_at else None,
            candidates=need.candidates,
            skills=tuple(
                UnmetNeedSkill(skill=r.skill.name, min_level=r.min_level, required=r.required)
                for r in need.skill_requirements.all()
            ),
        )
        for need in needs
    ]


# The savings ledger ------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerRow:
    engagement_id: int
    completed_on: dt.date
    need_id: int
    need_title: str
    lender: str
    borrower: str
    rate_category: str
    hours: Decimal
    consultant_rate: Decimal
    consultant_rate_source: str
    internal_rate: Decimal
    internal_rate_source: str

    @property
    def consultant_cost(self) -> Decimal:
        return self.hours * self.consultant_rate

    @property
    def internal_cost(self) -> Decimal:
        return self.hours * self.internal_rate

    @property
    def amount(self) -> Decimal:
        return self.consultant_cost - self.internal_cost

    @property
    def consultant_rate_source_label(self) -> str:
        return str(RATE_SOURCE_LABELS[self.consultant_rate_source])

    @property
    def internal_rate_source_label(self) -> str:
        return str(RATE_SOURCE_LABELS[self.internal_rate_source])


@dataclass(frozen=True)
class LedgerTotals:
    engagements: int
    hours: Decimal
    consultant_cost: int
    internal_cost: int
    cost_avoided: int


class SavingsLedger:
    """The ledger's rows for a reader and period, and their totals."""

    def __init__(self, *, user: User, period: ReportPeriod, agency: Agency | None = None):
        self.agency = report_scope(user=user, agency=agency)
        self.period = period
        self.agencies = _Agencies()
        facts = ReportEngagementFact.objects.filter(completed_on__range=(period.start, period.end))
        if self.agency is not None:
            facts = facts.filter(borrower=self.agency)
        self.facts = facts

    def queryset(self) -> QuerySet[ReportEngagementFact]:
        return self.facts.select_related("need").order_by("-completed_on", "-engagement_id")

    def rows(self, facts) -> list[LedgerRow]:
        return [self.row(fact) for fact in facts]

    def iterate(self) -> Iterator[LedgerRow]:
        for fact in self.queryset().iterator(chunk_size=2000):
            yield self.row(fact)

    def row(self, fact: ReportEngagementFact) -> LedgerRow:
        consultant, consultant_source = self.agencies.consultant_rate_and_source(
            fact.borrower_id, fact.rate_category or None
        )
        internal, internal_source = self.agencies.internal_rate_and_source(fact.lender_id)
        return LedgerRow(
            engagement_id=fact.engagement_id,
            completed_on=fact.completed_on,
            need_id=fact.need_id,
            need_title=fact.need.title,
            lender=self.agencies.by_id[fact.lender_id].name,
            borrower=self.agencies.by_id[fact.borrower_id].name,
            rate_category=fact.rate_category,
            hours=fact.hours,
            consultant_rate=consultant,
            consultant_rate_source=consultant_source,
            internal_rate=internal,
            internal_rate_source=internal_source,
        )

    def totals(self) -> LedgerTotals:
        """The rows' sums, from one grouped query: the figures the summary shows."""
        engagements, hours, consultant, internal = 0, Decimal(0), Decimal(0), Decimal(0)
        for borrower, lender, category, count, total in (
            self.facts.order_by()
            .values_list("borrower_id", "lender_id", "rate_category")
            .annotate(Count("pk"), Sum("hours"))
        ):
            engagements += count
            hours += total
            consultant += total * self.agencies.consultant_rate(borrower, category or None)
            internal += total * self.agencies.internal_rate(lender)
        return LedgerTotals(
            engagements=engagements,
            hours=_hours(hours),
            consultant_cost=_kronor(consultant),
            internal_cost=_kronor(internal),
            cost_avoided=_kronor(consultant - internal),
        )
