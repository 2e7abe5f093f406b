"""What the dashboards show of each row, read as values rather than models."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.models import MatchStatus, NeedStatus
from tests import factories

pytestmark = pytest.mark.django_db


def _html(web_client_for, user, language: str = "sv") -> str:
    client = web_client_for(user)
    client.cookies["django_language"] = language
    return client.get(reverse("web:dashboard")).content.decode()


def test_specialist_sees_coming_availability_in_date_order(web_client_for, specialist):
    today = timezone.localdate()
    for start, percent in ((60, 30), (10, 50), (200, 20)):
        factories.AvailabilityFactory(
            specialist=specialist,
            start=today + dt.timedelta(days=start),
            end=today + dt.timedelta(days=start + 20),
            capacity_percent=percent,
        )
    factories.AvailabilityFactory(  # over: not shown
        specialist=specialist,
        start=today - dt.timedelta(days=40),
        end=today - dt.timedelta(days=1),
        capacity_percent=90,
    )

    html = _html(web_client_for, specialist.user)

    windows = re.findall(r"<li>(\d{4}-\d\d-\d\d) – (\d{4}-\d\d-\d\d): (\d+) %</li>", html)
    starts = [today + dt.timedelta(days=d) for d in (10, 60, 200)]
    assert windows == [
        (start.isoformat(), (start + dt.timedelta(days=20)).isoformat(), str(percent))
        for start, percent in zip(starts, (50, 30, 20), strict=True)
    ]


def test_profile_completeness_names_what_is_missing(web_client_for, specialist):
    specialist.summary = ""
    specialist.languages = []
    specialist.save()

    html = _html(web_client_for, specialist.user, "en")

    assert re.search(r'<p class="stat">(\d+) %</p>', html).group(1) == "33"
    assert "a summary" in html and "languages" in html and "skills" in html


def test_match_rows_show_need_specialist_period_and_status_in_the_pages_language(
    web_client_for, lending_manager
):
    specialist = factories.SpecialistFactory(
        agency=lending_manager.agency, user__name="Sofia Lindberg"
    )
    need = factories.NeedFactory(
        title="Molnarkitekt", start=dt.date(2027, 2, 1), end=dt.date(2027, 4, 30)
    )
    match = factories.MatchFactory(need=need, specialist=specialist, status=MatchStatus.APPROVED)

    for language, label in (("sv", "Godkänd"), ("en", "Approved")):
        html = _html(web_client_for, lending_manager, language)
        row = re.search(rf'<a href="/matches/{match.pk}/">.*?</tr>', html, re.S).group(0)
        assert "Molnarkitekt" in row and "Sofia Lindberg" in row
        assert "2027-02-01 – 2027-04-30" in row
        assert f'<span class="status">{label}</span>' in row


def test_manager_sees_the_agencys_needs_counted_by_status(web_client_for, lending_manager):
    agency = lending_manager.agency
    for status, count in ((NeedStatus.OPEN, 3), (NeedStatus.FILLED, 1)):
        factories.NeedFactory.create_batch(count, agency=agency, status=status)
    factories.DraftNeedFactory(agency=agency)
    factories.NeedFactory(status=NeedStatus.OPEN)  # another agency's

    html = _html(web_client_for, lending_manager, "en")

    counts = dict(re.findall(r"status=(\w+)\">[^<]+</a></th><td>(\d+)</td>", html))
    assert counts == {"draft": "1", "open": "3", "filled": "1", "closed": "0", "cancelled": "0"}


def test_coordinator_sees_open_needs_without_candidates_soonest_first(web_client_for):
    today = timezone.localdate()
    later = factories.NeedFactory(start=today + dt.timedelta(days=40))
    sooner = factories.NeedFactory(start=today + dt.timedelta(days=5))
    covered = factories.NeedFactory(start=today + dt.timedelta(days=1))
    factories.MatchFactory(need=covered)

    html = _html(web_client_for, factories.CoordinatorFactory())

    listed = [int(pk) for pk in re.findall(r'href="/needs/(\d+)/"', html)]
    assert listed == [sooner.pk, later.pk]
    assert sooner.agency.name in html


def test_match_rows_escape_what_people_typed(web_client_for, lending_manager):
    specialist = factories.SpecialistFactory(
        agency=lending_manager.agency, user__name="Ann <b>Öberg</b>"
    )
    need = factories.NeedFactory(title='Arkitekt <script>alert("x")</script>')
    match = factories.MatchFactory(need=need, specialist=specialist, status=MatchStatus.APPROVED)

    html = _html(web_client_for, lending_manager)

    row = re.search(rf'<a href="/matches/{match.pk}/">.*?</tr>', html, re.S).group(0)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in row and "<script>" not in row
    assert "Ann &lt;b&gt;Öberg&lt;/b&gt;" in row
