"""The report from its facts and tallies equals the report from the source tables.

`source_queries` is the report as it was computed before the facts existed; on random
histories (seeded), for periods that cut months and years anywhere, and for every view,
both give the same figures to the last digit. The facts kept need by need equal a rebuild.
"""

import dataclasses
import datetime as dt
import random

import pytest

from marketplace.models import Need
from marketplace.reports.facts import (
    FACT_MODELS,
    TALLIES,
    report_facts_rebuild,
    report_facts_refresh,
)
from marketplace.selectors.reports import ReportPeriod, report_summary
from tests import factories
from tests.marketplace.reports import source_queries
from tests.marketplace.reports.random_history import make_history

pytestmark = pytest.mark.django_db

PERIODS = [
    (dt.date(2027, 1, 1), dt.date(2027, 12, 31)),
    (dt.date(2027, 2, 15), dt.date(2027, 7, 3)),
    (dt.date(2027, 3, 1), dt.date(2027, 3, 31)),
    (dt.date(2027, 3, 9), dt.date(2027, 3, 9)),
    (dt.date(2026, 12, 17), dt.date(2028, 1, 2)),
    (dt.date(2026, 11, 1), dt.date(2028, 2, 29)),
]


def tally_rows() -> dict:
    """Every non-zero tally row and every fact, as plain values."""
    rows = {}
    for model in (*TALLIES, *FACT_MODELS):
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        values = {
            tuple(repr(v) if isinstance(v, list) else v for v in row)
            for row in model.objects.values_list(*fields)
        }
        if model in TALLIES:
            measures = len(fields) - len(model._meta.constraints[0].fields)
            values = {row for row in values if any(row[-measures:])}
        rows[model.__name__] = values
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_report_from_facts_equals_the_report_from_source_tables(seed):
    history = make_history(seed)
    report_facts_rebuild()
    coordinator = factories.CoordinatorFactory()
    lender = history["agencies"][0]
    manager = factories.ManagerFactory(agency=lender)
    for start, end in PERIODS:
        period = ReportPeriod(start=start, end=end)
        for user, agency in ((coordinator, None), (coordinator, lender), (manager, None)):
            new = report_summary(user=user, period=period, agency=agency)
            old = source_queries.report_summary(user=user, period=period, agency=agency)
            assert dataclasses.asdict(new) == dataclasses.asdict(old), (start, end, user.role)


@pytest.mark.parametrize("seed", [5, 6])
def test_facts_refreshed_need_by_need_equal_a_rebuild(seed):
    make_history(seed)
    rng = random.Random(seed)
    ids = list(Need.objects.values_list("pk", flat=True))
    rng.shuffle(ids)
    for chunk in (ids[: len(ids) // 2], ids[len(ids) // 2 :], ids[:5]):
        report_facts_refresh(need_ids=chunk)  # the last call repeats: nothing may double
    kept = tally_rows()
    report_facts_rebuild()
    assert tally_rows() == kept
    assert kept["ReportEngagementFact"]  # the history did complete engagements
