"""The register of unmet demand and the savings ledger agree with the summary, and all
three with a brute-force count over the raw rows, on random histories."""

import contextlib
import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from marketplace.models import Engagement, Need, NeedStatus
from marketplace.reports.facts import report_facts_rebuild
from marketplace.selectors.report_registers import (
    OPEN_PAST_START,
    SavingsLedger,
    unmet_need_rows,
    unmet_needs,
)
from marketplace.selectors.reports import ReportPeriod, report_summary
from tests import factories
from tests.marketplace.reports.random_history import make_history

pytestmark = pytest.mark.django_db

PERIODS = [
    ReportPeriod(start=dt.date(2027, 1, 1), end=dt.date(2027, 12, 31)),
    ReportPeriod(start=dt.date(2027, 2, 15), end=dt.date(2027, 7, 3)),
    ReportPeriod(start=dt.date(2026, 11, 1), end=dt.date(2028, 2, 29)),
]


def _kronor(amount: Decimal) -> int:
    return int(Decimal(amount).quantize(Decimal(1)))


def brute_force_amount(engagement: Engagement) -> Decimal:
    """hours × (consultant rate − internal rate), from the rules as the README states them."""
    need, lender = engagement.match.need, engagement.match.specialist.agency
    required = sorted((r for r in need.skill_requirements.all() if r.required), key=lambda r: r.pk)
    category = required[0].skill.category if required else None
    rate = Decimal(
        settings.REPORTS_CONSULTANT_HOURLY_RATES.get(
            category, settings.REPORTS_DEFAULT_CONSULTANT_HOURLY_RATE
        )
    )
    overrides = need.agency.consultant_rate_overrides
    if category in overrides:
        with contextlib.suppress(ArithmeticError):  # "lots" is no rate
            rate = Decimal(str(overrides[category]))
    internal = Decimal(
        lender.internal_hourly_rate
        if lender.internal_hourly_rate is not None
        else settings.REPORTS_INTERNAL_HOURLY_RATE
    )
    return engagement.hours * (rate - internal)


def in_period(moment: dt.datetime, period: ReportPeriod) -> bool:
    return period.start <= timezone.localtime(moment).date() <= period.end


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_ledger_register_and_summary_agree_with_each_other_and_a_brute_force_count(seed):
    history = make_history(seed, needs=50)
    report_facts_rebuild()
    coordinator = factories.CoordinatorFactory()
    for period in PERIODS:
        report = report_summary(user=coordinator, period=period)
        ledger = SavingsLedger(user=coordinator, period=period)
        rows = list(ledger.iterate())
        engagements = [e for e in Engagement.objects.all() if in_period(e.completed_at, period)]
        # Ledger = brute force, row by row.
        assert sorted(r.engagement_id for r in rows) == sorted(e.pk for e in engagements)
        by_id = {r.engagement_id: r for r in rows}
        for engagement in engagements:
            assert by_id[engagement.pk].amount == brute_force_amount(engagement)
        # Summary = ledger sums; the ledger's totals = its rows.
        totals = ledger.totals()
        assert report.network.engagements == totals.engagements == len(rows)
        assert report.network.hours == totals.hours == sum(r.hours for r in rows)
        assert report.network.consultant_cost == totals.consultant_cost
        assert report.network.consultant_cost == _kronor(sum(r.consultant_cost for r in rows))
        assert report.network.internal_cost == _kronor(sum(r.internal_cost for r in rows))
        assert report.network.cost_avoided == totals.cost_avoided
        assert report.network.cost_avoided == _kronor(sum(r.amount for r in rows))
        for agency in history["agencies"]:
            own = SavingsLedger(user=coordinator, period=period, agency=agency)
            own_rows = list(own.iterate())
            detail = report_summary(user=coordinator, period=period, agency=agency)
            row = next(r for r in report.agencies if r.slug == agency.slug)
            assert detail.agency_figures.cost_avoided == _kronor(sum(r.amount for r in own_rows))
            assert row.cost_avoided == own.totals().cost_avoided
            assert row.borrowed_hours == sum(r.hours for r in own_rows)
            assert row.borrowed_engagements == len(own_rows)

        # Register = brute force; its closed rows = the summary's unfilled needs.
        register = unmet_need_rows(unmet_needs(user=coordinator, period=period))
        today = timezone.localdate()
        expected = {
            n.pk
            for n in Need.objects.exclude(published_at=None)
            if in_period(n.published_at, period)
            and (n.status == NeedStatus.CLOSED or (n.status == NeedStatus.OPEN and n.start < today))
        }
        assert {r.need_id for r in register} == expected
        closed = [r for r in register if r.status == NeedStatus.CLOSED]
        assert all(r.reason == OPEN_PAST_START for r in register if r.status == "open")
        assert len(closed) == report.network.needs_final - report.network.needs_filled
        for row in report.agencies:
            assert row.needs_final - row.needs_filled == sum(
                1 for r in closed if r.agency_slug == row.slug
            )
        for skill_row in report.skills:
            assert skill_row.unfilled == sum(
                1
                for r in closed
                for s in r.skills
                if s.required and (s.skill, s.min_level) == (skill_row.skill, skill_row.min_level)
            )
        for need_row in register:
            need = Need.objects.get(pk=need_row.need_id)
            assert need_row.candidates == need.matches.values("specialist").distinct().count()
