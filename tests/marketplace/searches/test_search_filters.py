"""The directory's and the board's searches: free text, clearance and period, the same in
the API (compiled SQL), on the web pages and for saved searches (the filter sets)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from marketplace.models import Clearance
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return factories.ManagerFactory(language="en")


@pytest.fixture
def web(manager) -> Client:
    client = Client()
    client.force_login(manager)
    return client


def api_ids(client_for, user, path: str) -> set[int]:
    response = client_for(user).get(path)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_free_text_finds_specialists_by_name_title_or_summary_in_any_case(client_for, manager, web):
    by_name = factories.SpecialistFactory(user__name="Åsa Lindqvist", title="Jurist")
    by_title = factories.SpecialistFactory(title="Molnsäkerhetsarkitekt")
    by_summary = factories.SpecialistFactory(summary="Leder arbetet med MOLNsäkerhet.")
    factories.SpecialistFactory(title="Dataingenjör", summary="Python")

    assert api_ids(client_for, manager, "/api/v1/specialists/?q=lindqvist") == {by_name.pk}
    assert api_ids(client_for, manager, "/api/v1/specialists/?q=molnsäkerhet") == {
        by_title.pk,
        by_summary.pk,
    }
    page = web.get("/specialists/", {"q": "molnsäkerhet"}).content.decode()
    assert f"/specialists/{by_title.pk}/" in page and f"/specialists/{by_name.pk}/" not in page


def test_clearance_search_counts_an_expired_clearance_as_none(client_for, manager):
    today = timezone.localdate()
    valid = factories.SpecialistFactory(clearance=Clearance.SK2, clearance_expires=today)
    expired = factories.SpecialistFactory(
        clearance=Clearance.SK1, clearance_expires=today - dt.timedelta(days=1)
    )
    lower = factories.SpecialistFactory(clearance=Clearance.SK3)

    assert api_ids(client_for, manager, "/api/v1/specialists/?clearance=2") == {valid.pk}
    assert {valid.pk, expired.pk, lower.pk} <= api_ids(
        client_for, manager, "/api/v1/specialists/?clearance=0"
    )


def test_board_searches_by_text_and_by_the_period_a_need_runs_in(client_for, manager, web):
    soon = factories.NeedFactory(
        title="Tillgänglighetsgranskning",
        start=factories.future(10),
        end=factories.future(40),
    )
    later = factories.NeedFactory(
        title="Granskning av e-tjänst", start=factories.future(200), end=factories.future(260)
    )
    factories.NeedFactory(title="Molnmigrering")

    assert api_ids(client_for, manager, "/api/v1/needs/?q=GRANSKNING") == {soon.pk, later.pk}
    window = f"period_from={factories.future(100)}&period_to={factories.future(300)}"
    assert api_ids(client_for, manager, f"/api/v1/needs/?q=granskning&{window}") == {later.pk}
    page = web.get(f"/needs/?q=granskning&{window}").content.decode()
    assert f"/needs/{later.pk}/" in page and f"/needs/{soon.pk}/" not in page


def test_directory_page_searches_availability_share_and_clearance(web):
    ready = factories.SpecialistFactory(clearance=Clearance.SK3, title="Redo")
    factories.AvailabilityFactory(specialist=ready, capacity_percent=60)
    busy = factories.SpecialistFactory(clearance=Clearance.SK3, title="Upptagen")
    factories.AvailabilityFactory(specialist=busy, capacity_percent=20)

    page = web.get(
        "/specialists/",
        {
            "available_from": factories.future(30).isoformat(),
            "available_to": factories.future(60).isoformat(),
            "min_capacity": 50,
            "clearance": 1,
        },
    ).content.decode()

    assert f"/specialists/{ready.pk}/" in page and f"/specialists/{busy.pk}/" not in page


def test_a_search_text_that_is_too_long_is_a_field_error(client_for, manager):
    response = client_for(manager).get("/api/v1/specialists/", {"q": "x" * 101})

    assert response.status_code == 400
    assert "q" in response.json()
