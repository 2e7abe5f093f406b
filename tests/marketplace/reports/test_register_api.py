"""`GET reports/unmet-needs/` and `GET reports/savings-ledger/`: JSON pages, CSV, bad input,
and who reads which rows (a matrix: role × own or other agency × endpoint)."""

import csv
import io

import pytest

from tests import factories
from tests.marketplace.reports.conftest import completed, make_need

pytestmark = pytest.mark.urls("tests.marketplace.reports.urls")

REGISTER = "/api/v1/reports/unmet-needs/"
LEDGER = "/api/v1/reports/savings-ledger/"
SUMMARY = "/api/v1/reports/summary/"
YEAR = {"from": "2027-01-01", "to": "2027-12-31"}


@pytest.fixture
def history(agencies, cloud):
    """Lender lends 100 cloud hours to Borrower; each of them closes one need unfilled."""
    lender, borrower, _ = agencies
    completed(
        make_need(borrower, skills=((cloud, 3, True),)),
        factories.SpecialistFactory(agency=lender),
        hours="100",
    )
    closed = make_need(borrower, status="closed", skills=((cloud, 4, True),))
    closed.unfilled_reason = "no_candidate"
    closed.save()
    make_need(lender, status="closed", skills=((cloud, 2, True),))
    return agencies


def parse_csv(response, delimiter=","):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))


def test_register_lists_closed_needs_with_reason_skills_and_candidates(
    client_for, coordinator, history
):
    data = client_for(coordinator).get(REGISTER, YEAR).json()
    assert data["count"] == 2
    row = next(r for r in data["results"] if r["agency"] == "borrower")
    assert row["reason"] == "no_candidate" and row["status"] == "closed"
    assert row["skills"] == [{"skill": "Reports cloud", "min_level": 4, "required": True}]
    assert row["candidates"] == 0 and row["start"] == "2027-03-01"


def test_register_filters_by_agency_and_skill(client_for, coordinator, history, security):
    client = client_for(coordinator)
    assert client.get(REGISTER, {**YEAR, "agency": "lender"}).json()["count"] == 1
    assert client.get(REGISTER, {**YEAR, "skill": security.pk}).json()["count"] == 0
    assert client.get(REGISTER, {"from": "2028-01-01", "to": "2028-12-31"}).json()["count"] == 0


def test_ledger_rows_and_totals_match_the_summary(client_for, coordinator, history):
    client = client_for(coordinator)
    data = client.get(LEDGER, YEAR).json()
    [row] = data["results"]
    assert row["hours"] == 100.0
    assert row["consultant_rate"] == 1450 and row["consultant_rate_source"] == "default"
    assert row["internal_rate"] == 850 and row["amount"] == 60000
    summary = client.get(SUMMARY, YEAR).json()["network"]
    assert data["totals"]["cost_avoided"] == summary["cost_avoided"] == 60000
    assert data["totals"]["hours"] == summary["hours"]


def test_ledger_names_an_agency_override_as_the_rates_source(client_for, coordinator, history):
    borrower = history[1]
    borrower.consultant_rate_overrides = {"cloud": 1700}
    borrower.save()
    [row] = client_for(coordinator).get(LEDGER, YEAR).json()["results"]
    assert row["consultant_rate"] == 1700 and row["consultant_rate_source"] == "agency"


def test_register_and_ledger_as_csv(client_for, coordinator, history):
    client = client_for(coordinator)
    register = parse_csv(client.get(REGISTER, {**YEAR, "format": "csv"}))
    assert len(register) == 3 and len(register[0]) == len(register[1])
    ledger = parse_csv(
        client.get(LEDGER, {**YEAR, "format": "csv", "decimal": "comma"}), delimiter=";"
    )
    assert ledger[1][ledger[0].index(ledger[0][6])] == "100,0"
    assert ledger[1][-1] == "60000,0"


@pytest.mark.parametrize("text", ['=HYPERLINK("x")', "+1", "-1+1", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(
    client_for, coordinator, history, text
):
    borrower = history[1]
    borrower.name = text + " myndighet"
    borrower.save()
    need = make_need(borrower, status="closed")
    need.title = text
    need.save()
    client = client_for(coordinator)
    for url in (REGISTER, LEDGER, SUMMARY):
        params = {**YEAR, "format": "csv"}
        if url == SUMMARY:
            params["table"] = "agencies"
        for row in parse_csv(client.get(url, params))[1:]:
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")) or cell.startswith("'")
                if cell.lstrip("'").startswith(text):
                    assert cell.startswith("'")


@pytest.mark.parametrize("url", [REGISTER, LEDGER, SUMMARY])
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "9999-01-01", "to": "9999-12-31"}, "from"),
        ({"from": "2027-01-01", "to": "2101-01-01"}, "to"),
        ({"from": "1999-12-31"}, "from"),
        ({"from": "2027-02-30"}, "from"),
        ({"to": "2027-01-01", "from": "2027-06-01"}, "to"),
        ({"agency": "nobody"}, "agency"),
        ({"skill": "x"}, "skill"),
        ({"skill": "99999"}, "skill"),
        ({"decimal": "dot", "format": "csv"}, "decimal"),
    ],
)
def test_bad_query_parameters_answer_400_naming_the_field(
    client_for, coordinator, agencies, url, params, field
):
    response = client_for(coordinator).get(url, params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("url", [REGISTER, LEDGER])
def test_query_count_does_not_grow_with_rows(
    client_for, coordinator, history, url, django_assert_max_num_queries
):
    lender, borrower, _ = history
    specialist = factories.SpecialistFactory(agency=lender)
    for _ in range(6):
        completed(make_need(borrower), specialist, hours="8")
        make_need(borrower, status="closed")
    with django_assert_max_num_queries(8):
        assert client_for(coordinator).get(url, YEAR).status_code == 200


# Who reads what ----------------------------------------------------------------------------


def _role(name, agencies):
    lender = agencies[0]
    if name == "coordinator":
        return factories.CoordinatorFactory()
    if name == "admin":
        return factories.AdminFactory()
    if name == "manager":
        return factories.ManagerFactory(agency=lender)
    return factories.SpecialistFactory(agency=lender).user


@pytest.mark.parametrize("url", [SUMMARY, REGISTER, LEDGER])
@pytest.mark.parametrize(
    ("role", "agency", "status"),
    [
        ("coordinator", None, 200),
        ("coordinator", "lender", 200),
        ("coordinator", "borrower", 200),
        ("admin", "borrower", 200),
        ("manager", None, 200),
        ("manager", "lender", 200),
        ("manager", "borrower", 403),
        ("specialist", None, 403),
        ("specialist", "lender", 403),
    ],
)
def test_permission_matrix(client_for, history, url, role, agency, status):
    params = dict(YEAR)
    if agency:
        params["agency"] = agency
    response = client_for(_role(role, history)).get(url, params)
    assert response.status_code == status


def test_anonymous_callers_are_refused_everywhere(api_client, history):
    for url in (SUMMARY, REGISTER, LEDGER):
        assert api_client.get(url, YEAR).status_code in (401, 403)


@pytest.mark.parametrize("url", [REGISTER, LEDGER])
def test_a_manager_reads_only_own_agencys_rows(client_for, history, url):
    manager = factories.ManagerFactory(agency=history[1])
    data = client_for(manager).get(url, YEAR).json()
    assert data["count"] == 1
    names = {r.get("agency_name") or r.get("borrower") for r in data["results"]}
    assert names == {"B Borrower"}
