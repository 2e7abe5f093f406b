"""A manager subscribes to their calendar and sees the engagement of a specialist they lent.

Försäkringskassan's manager asks for an IT-law expert through the API (a need that starts
on a Wednesday), nominates Skatteverket's specialist, a coordinator approves, the
specialist accepts and Skatteverket's manager releases her. That manager then makes a
calendar link on the web, in Swedish; a calendar program (no login, only the link) reads
the lent engagement from it; when the borrower withdraws the match, the same event turns
cancelled; after a new link the old one is gone.
"""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from marketplace.models import MatchStatus
from tests import factories
from tests.marketplace.calendar.validation import events_by_uid, valid_calendar

pytestmark = pytest.mark.django_db


def next_weekday(weekday: int, *, after_days: int) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=after_days)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def test_manager_sees_a_lent_engagement_in_their_calendar(client_for, settings):
    settings.SITE_URL = "https://delad-kompetens.se"
    skatteverket = factories.AgencyFactory(name="Skatteverket")
    kassan = factories.AgencyFactory(name="Försäkringskassan")
    lena = factories.ManagerFactory(agency=skatteverket, name="Lena Holm", language="sv")
    bo = factories.ManagerFactory(agency=kassan, name="Bo Ek")
    coordinator = factories.CoordinatorFactory()
    skill = factories.SkillFactory(name="IT-rätt")
    specialist = factories.SpecialistFactory(agency=skatteverket, user__name="Sara Lund")
    factories.SpecialistSkillFactory(specialist=specialist, skill=skill, level=5)
    start = next_weekday(2, after_days=20)  # a Wednesday
    end = start + dt.timedelta(days=58)  # a Thursday
    factories.AvailabilityFactory(
        specialist=specialist, start=start - dt.timedelta(days=1), end=end, capacity_percent=50
    )

    need = (
        client_for(bo)
        .post(
            "/api/v1/needs/",
            {
                "title": "Juridisk granskning av e-tjänst",
                "start": start.isoformat(),
                "end": end.isoformat(),
                "capacity_percent": 30,
                "skills": [{"skill": skill.pk, "min_level": 4, "required": True}],
            },
        )
        .json()
    )
    assert client_for(bo).post(f"/api/v1/needs/{need['id']}/publish/").status_code == 200
    match = (
        client_for(bo)
        .post("/api/v1/matches/", {"need": need["id"], "specialist": specialist.pk})
        .json()
    )
    for actor, action in (
        (coordinator, "approve"),
        (specialist.user, "accept"),
        (lena, "accept"),
    ):
        response = client_for(actor).post(f"/api/v1/matches/{match['id']}/{action}/")
        assert response.status_code == 200, (action, response.json())
    assert response.json()["status"] == MatchStatus.ACCEPTED

    web = Client()
    web.force_login(lena)
    made = web.post("/account/calendar/", {"action": "rotate"}, follow=True).content.decode()
    assert "Din privata kalenderlänk" in made
    link = made.split('id="calendar-link" value="')[1].split('"')[0]
    calendar_program = Client()

    feed = calendar_program.get(link.removeprefix("http://testserver"))

    calendar = valid_calendar(feed.content)
    uid = f"match-{match['id']}@delad-kompetens.se"
    event = events_by_uid(calendar)[uid]
    assert str(event["SUMMARY"]) == (
        "Utlånad: Sara Lund till Försäkringskassan – Juridisk granskning av e-tjänst, 30 %"
    )
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (
        start,
        end + dt.timedelta(days=1),
    )
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]) == f"https://delad-kompetens.se/matches/{match['id']}/"

    assert client_for(bo).post(f"/api/v1/matches/{match['id']}/cancel/").status_code == 200
    cancelled = events_by_uid(
        valid_calendar(calendar_program.get(link.removeprefix("http://testserver")).content)
    )[uid]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) > int(event["SEQUENCE"])

    web.post("/account/calendar/", {"action": "rotate"})
    assert calendar_program.get(link.removeprefix("http://testserver")).status_code == 404
