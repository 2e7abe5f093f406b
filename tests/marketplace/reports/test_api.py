"""`GET /api/v1/reports/summary/`: who may read it, its JSON, its CSV tables and bad input."""

import csv
import io

import pytest

from tests import factories
from tests.marketplace.reports.conftest import completed, make_need

pytestmark = pytest.mark.urls("tests.marketplace.reports.urls")

URL = "/api/v1/reports/summary/"
YEAR = {"from": "2027-01-01", "to": "2027-12-31"}


@pytest.fixture
def shared(agencies, cloud):
    """160 cloud hours lent by Lender to Borrower, a closed need, ratings 5 and 4."""
    lender, borrower, _ = agencies
    specialist = factories.SpecialistFactory(agency=lender)
    completed(
        make_need(borrower, skills=((cloud, 3, True),)),
        specialist,
        hours="100.5",
        need_rating=5,
    )
    completed(make_need(borrower), specialist, hours="59.5", specialist_rating=4)
    make_need(borrower, status="closed", skills=((cloud, 4, True),))
    return agencies


def parse_csv(response, delimiter=","):
    body = response.content
    assert body.startswith("\ufeff".encode())
    text = body.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_coordinator_reads_every_agency(client_for, coordinator, shared):
    response = client_for(coordinator).get(URL, YEAR)
    assert response.status_code == 200
    data = response.json()
    assert data["period"] == {"start": "2027-01-01", "end": "2027-12-31", "years": 1.0}
    assert data["agency"] is None and data["agency_figures"] is None
    assert [row["slug"] for row in data["agencies"]] == ["lender", "borrower", "bystander"]
    assert data["network"]["hours"] == 160.0
    assert data["network"]["fte"] == 0.1
    assert data["network"]["cost_avoided"] == 100.5 * 600 + 59.5 * 450


def test_coordinator_names_an_agency_for_its_detail(client_for, coordinator, shared):
    data = client_for(coordinator).get(URL, {**YEAR, "agency": "borrower"}).json()
    assert data["agency"] == {"slug": "borrower", "name": "B Borrower"}
    assert data["agency_figures"]["fill_rate"] == 0.6667
    assert len(data["agencies"]) == 3


def test_manager_gets_network_and_own_agency_by_default(client_for, shared):
    manager = factories.ManagerFactory(agency=shared[0])
    data = client_for(manager).get(URL, YEAR).json()
    assert data["agency"]["slug"] == "lender"
    assert [row["slug"] for row in data["agencies"]] == ["lender"]
    assert data["network"]["engagements"] == 2


def test_manager_asking_for_another_agency_gets_403(client_for, shared):
    manager = factories.ManagerFactory(agency=shared[0])
    response = client_for(manager).get(URL, {**YEAR, "agency": "borrower"})
    assert response.status_code == 403


def test_specialist_gets_403(client_for, shared):
    specialist = factories.SpecialistFactory(agency=shared[0])
    assert client_for(specialist.user).get(URL, YEAR).status_code == 403


def test_anonymous_caller_is_refused(api_client, shared):
    assert api_client.get(URL, YEAR).status_code in (401, 403)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2027-13-01"}, "from"),
        ({"from": "2027-06-01", "to": "2027-01-01"}, "to"),
        ({"from": "2000-01-01", "to": "2027-01-01"}, "to"),
        ({"agency": "no-such-agency"}, "agency"),
        ({"agency": "not a slug!"}, "agency"),
        ({"format": "csv", "table": "nonsense"}, "table"),
        ({"format": "csv", "decimal": "dot"}, "decimal"),
    ],
)
def test_bad_input_gives_400_with_the_field_named(client_for, coordinator, params, field):
    response = client_for(coordinator).get(URL, params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert field in response.json()


def test_period_defaults_to_the_current_calendar_year(client_for, coordinator, agencies):
    data = client_for(coordinator).get(URL).json()
    assert data["period"]["start"].endswith("-01-01")
    assert data["period"]["end"].endswith("-12-31")


def test_csv_summary_parses_back_with_header_and_values(client_for, coordinator, shared):
    response = client_for(coordinator).get(
        URL, {**YEAR, "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = parse_csv(response)
    assert rows[0] == ["Figure", "Network"]
    values = {label: value for label, value in rows[1:]}
    assert values["Hours shared"] == "160.0"
    assert values["Full-time equivalents"] == "0.1"
    assert values["Fill rate"] == "0.6667"


@pytest.mark.parametrize("table", ["summary", "agencies", "flows", "skills", "months", "ratings"])
def test_every_table_is_available_as_csv_with_a_header(client_for, coordinator, shared, table):
    response = client_for(coordinator).get(URL, {**YEAR, "format": "csv", "table": table})
    rows = parse_csv(response)
    assert len(rows) >= 2
    assert all(len(row) == len(rows[0]) for row in rows)


def test_csv_agencies_with_decimal_comma_uses_semicolons(client_for, coordinator, shared):
    params = {**YEAR, "format": "csv", "table": "agencies", "decimal": "comma"}
    response = client_for(coordinator).get(URL, params, HTTP_ACCEPT_LANGUAGE="en")
    rows = parse_csv(response, delimiter=";")
    header, lender = rows[0], rows[1]
    assert header[0] == "Agency" and lender[0] == "A Lender"
    assert lender[header.index("Lent hours")] == "160,0"
    assert lender[header.index("Lent FTE")] == "0,1"
    assert lender[header.index("Balance FTE (lent − borrowed)")] == "0,1"


def test_csv_keeps_swedish_letters(client_for, coordinator, agencies):
    lender, borrower, _ = agencies
    borrower.name = "Myndigheten för digital förvaltning"
    borrower.save()
    completed(make_need(borrower), factories.SpecialistFactory(agency=lender), hours="1")
    rows = parse_csv(client_for(coordinator).get(URL, {**YEAR, "format": "csv", "table": "flows"}))
    assert rows[1][1] == "Myndigheten för digital förvaltning"


def test_csv_error_answers_json(client_for, shared):
    manager = factories.ManagerFactory(agency=shared[0])
    response = client_for(manager).get(URL, {"format": "csv", "agency": "borrower"})
    assert response.status_code == 403
    assert response.json()["detail"]


def test_query_count_does_not_grow_with_engagements(
    client_for, coordinator, shared, django_assert_max_num_queries
):
    lender, borrower, _ = shared
    specialist = factories.SpecialistFactory(agency=borrower)
    for _ in range(5):
        completed(make_need(lender), specialist, hours="8")
    with django_assert_max_num_queries(12):
        assert client_for(coordinator).get(URL, {**YEAR, "agency": "lender"}).status_code == 200


def test_csv_headers_follow_the_readers_language(client_for, coordinator, shared):
    response = client_for(coordinator).get(
        URL, {**YEAR, "format": "csv"}, HTTP_ACCEPT_LANGUAGE="sv"
    )
    header, *rows = parse_csv(response)
    assert header == ["Mått", "Nätverket"]
    assert "Heltidsekvivalenter" in {row[0] for row in rows}
