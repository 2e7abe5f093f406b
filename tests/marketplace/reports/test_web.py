"""The reports page: charts as accessible SVG beside their tables, and who may open it."""

import re

import pytest
from django.test import Client

from tests import factories
from tests.marketplace.reports.conftest import completed, make_need

pytestmark = pytest.mark.urls("tests.marketplace.reports.urls")

URL = "/reports/"
YEAR = {"from": "2027-01-01", "to": "2027-12-31"}


@pytest.fixture
def shared(agencies, cloud):
    lender, borrower, _ = agencies
    specialist = factories.SpecialistFactory(agency=lender)
    completed(make_need(borrower, skills=((cloud, 3, True),)), specialist, hours="160")
    make_need(borrower, status="closed", skills=((cloud, 4, True),))
    return agencies


def page_for(user, params=YEAR):
    client = Client()
    client.force_login(user)
    return client.get(URL, params)


def test_coordinator_sees_three_charts_each_an_image_with_title_and_description(
    coordinator, shared
):
    html = page_for(coordinator).content.decode()
    svgs = re.findall(r"<svg[^>]*>", html)
    assert len(svgs) == 3
    for svg in svgs:
        assert 'role="img"' in svg
        ids = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
        for element_id in ids:
            assert f'id="{element_id}"' in html


def test_every_chart_has_a_table_with_the_same_figures(coordinator, shared):
    html = page_for(coordinator).content.decode()
    assert html.count("<table") >= 5
    assert "A Lender" in html and "B Borrower" in html
    assert "Reports cloud" in html
    assert "juni 2027" in html  # the month in the reader's language (sv here)


def test_page_has_no_inline_styles_or_scripts(coordinator, shared):
    html = page_for(coordinator).content.decode()
    assert " style=" not in html
    assert "<style" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None


def test_page_links_each_csv_table_in_both_decimal_forms(coordinator, shared):
    html = page_for(coordinator).content.decode()
    assert "format=csv&amp;table=agencies&amp;decimal=comma" in html
    assert "format=csv&amp;table=months&amp;decimal=point" in html


def test_empty_period_shows_a_message_instead_of_empty_bar_charts(coordinator, agencies):
    response = page_for(coordinator, {"from": "2030-01-01", "to": "2030-12-31"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="chart-balance-title"' not in html
    assert html.count("<svg") == 1  # the month chart still shows its zero line


def test_manager_sees_own_agency_and_no_agency_picker(shared):
    manager = factories.ManagerFactory(agency=shared[0])
    html = page_for(manager).content.decode()
    assert 'id="agency-heading"' in html
    assert 'name="agency"' not in html


def test_manager_asking_for_another_agency_gets_the_403_page(shared):
    manager = factories.ManagerFactory(agency=shared[0])
    assert page_for(manager, {**YEAR, "agency": "borrower"}).status_code == 403


def test_specialist_gets_the_403_page(shared):
    specialist = factories.SpecialistFactory(agency=shared[0])
    assert page_for(specialist.user).status_code == 403


def test_bad_period_shows_the_error_with_400(coordinator, agencies):
    response = page_for(coordinator, {"from": "2027-06-01", "to": "2027-01-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary" role="alert"' in html
    assert (
        'name="to" value="2027-01-01" min="2000-01-01" max="2100-12-31" aria-invalid="true"' in html
    )


def test_anonymous_visitor_is_sent_to_login(agencies):
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
