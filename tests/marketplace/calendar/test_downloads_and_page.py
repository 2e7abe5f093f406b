"""A match as an .ics file (web and API, by visibility) and the calendar page's link."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from marketplace.models import AuditEvent, CalendarFeed
from marketplace.selectors.calendar import calendar_token_hash
from tests import factories
from tests.marketplace.calendar.test_feed import engagement
from tests.marketplace.calendar.validation import valid_calendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def match():
    return engagement(need__title="Säkerhetsgranskning")


def logged_in(user, language: str = "sv") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_the_specialist_downloads_their_match_as_an_ics_file(match):
    response = logged_in(match.specialist.user).get(f"/matches/{match.pk}/ics/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="delad-kompetens-match-{match.pk}.ics"'
    )
    [event] = valid_calendar(response.content).walk("VEVENT")
    assert str(event["UID"]) == f"match-{match.pk}@127.0.0.1"


def test_the_match_page_links_to_its_file(match):
    body = logged_in(match.specialist.user).get(f"/matches/{match.pk}/").content.decode()

    assert f'href="/matches/{match.pk}/ics/"' in body


def test_the_file_of_a_match_someone_may_not_see_is_404(match):
    outsider = factories.UserFactory()

    assert logged_in(outsider).get(f"/matches/{match.pk}/ics/").status_code == 404


def test_api_gives_a_visible_match_as_icalendar_and_hides_others(match, client_for):
    manager = factories.ManagerFactory(agency=match.need.agency, language="en")

    response = client_for(manager).get(f"/api/v1/matches/{match.pk}/ics/")
    hidden = client_for(factories.ManagerFactory()).get(f"/api/v1/matches/{match.pk}/ics/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    [event] = valid_calendar(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]).startswith("Borrowed:")
    assert hidden.status_code == 404


@pytest.mark.parametrize(
    ("language", "title", "shown_once"),
    [
        ("sv", "Kalenderprenumeration", "visas bara den här gången"),
        ("en", "Calendar subscription", "shown only this once"),
    ],
)
def test_a_person_makes_a_link_sees_it_once_and_it_works(language, title, shown_once, match):
    client = logged_in(match.specialist.user, language)

    page = client.get("/account/calendar/")
    made = client.post("/account/calendar/", {"action": "rotate"}, follow=True)
    again = client.get("/account/calendar/")

    assert title in page.content.decode()
    body = made.content.decode()
    assert shown_once in body
    link = body.split('id="calendar-link" value="')[1].split('"')[0]
    assert link.startswith("http://testserver/api/v1/calendar/") and link.endswith(".ics")
    assert 'href="webcal://testserver/api/v1/calendar/' in body
    assert link not in again.content.decode()
    token = link.rsplit("/", 1)[1].removesuffix(".ics")
    assert CalendarFeed.objects.get(user=match.specialist.user).token_hash == (
        calendar_token_hash(token)
    )
    assert Client().get(link.removeprefix("http://testserver")).status_code == 200


def test_a_new_link_stops_the_old_and_stopping_stops_it(match):
    client = logged_in(match.specialist.user, "en")
    first = client.post("/account/calendar/", {"action": "rotate"}, follow=True).content.decode()
    old = first.split('id="calendar-link" value="http://testserver')[1].split('"')[0]

    client.post("/account/calendar/", {"action": "rotate"})
    assert Client().get(old).status_code == 404

    stopped = client.post("/account/calendar/", {"action": "revoke"}, follow=True)
    assert "Your calendar link is stopped." in [str(m) for m in get_messages(stopped.wsgi_request)]
    assert not CalendarFeed.objects.filter(user=match.specialist.user).exists()
    assert {"calendar_feed.create", "calendar_feed.rotate", "calendar_feed.revoke"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )
