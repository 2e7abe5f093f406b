"""Issue 17 as people meet it: free capacity counted by the day, whatever the weekday.

A lending manager opens a specialist's availability from a Saturday; a manager of another
agency posts a need for exactly that period, finds the specialist on the shortlist
through the API and on the web need page, nominates them, and a coordinator (password and
one-time code) approves. Needs starting on each day of the week find the specialist whose
availability starts that day; a need one day longer than the availability is refused, and
`?explain=`, the API nomination and the web nomination name the day that lacks capacity,
in Swedish and in English.
"""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from marketplace.models import Match, MatchStatus
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
SV_MONTHS = "januari februari mars april maj juni juli augusti september oktober november december"
EN_MONTHS = "Jan. Feb. March April May June July Aug. Sept. Oct. Nov. Dec."


def in_swedish(day: dt.date) -> str:
    return f"{day.day} {SV_MONTHS.split()[day.month - 1]} {day.year}"


def in_english(day: dt.date) -> str:
    return f"{EN_MONTHS.split()[day.month - 1]} {day.day}, {day.year}"


def next_weekday(weekday: int, *, after_days: int = 14) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=after_days)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def api_login(user, *, device: TOTPDevice | None = None) -> APIClient:
    client = APIClient()
    body = {"email": user.email, "password": PASSWORD}
    if device is not None:
        body["otp"] = f"{totp(device.bin_key, step=device.step):06d}"
    response = client.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def web_login(user) -> Client:
    client = Client()
    response = client.post("/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def market():
    borrowing, lending = factories.AgencyFactory(), factories.AgencyFactory()
    cloud = factories.SkillFactory(name="Molnarkitektur (AWS/Azure)")
    specialist = factories.SpecialistFactory(
        agency=lending, shareable=True, max_share_percent=60, languages=["sv"]
    )
    factories.SpecialistSkillFactory(specialist=specialist, skill=cloud, level=4)
    coordinator = factories.CoordinatorFactory()
    return {
        "skill": cloud,
        "specialist": specialist,
        "borrowing_manager": factories.ManagerFactory(agency=borrowing),
        "lending_manager": factories.ManagerFactory(agency=lending),
        "coordinator": coordinator,
        "device": TOTPDevice.objects.create(user=coordinator, name="App", confirmed=True),
    }


def open_availability(market, start: dt.date, end: dt.date, percent: int = 50) -> None:
    client = api_login(market["lending_manager"])
    response = client.post(
        f"/api/v1/specialists/{market['specialist'].pk}/availability/",
        {"start": start.isoformat(), "end": end.isoformat(), "capacity_percent": percent},
        format="json",
    )
    assert response.status_code == 201, response.content


def post_need(client: APIClient, market, start: dt.date, end: dt.date, percent: int = 20) -> int:
    response = client.post(
        "/api/v1/needs/",
        {
            "title": f"Molnarkitekt från {start.isoformat()}",
            "description": "Stöd i arkitekturen.",
            "start": start.isoformat(),
            "end": end.isoformat(),
            "capacity_percent": percent,
            "skills": [{"skill": market["skill"].pk, "min_level": 3, "required": True}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    need_id = response.json()["id"]
    published = client.post(f"/api/v1/needs/{need_id}/publish/")
    assert published.json()["status"] == "open"
    return need_id


def shortlist_ids(client: APIClient, need_id: int) -> list[int]:
    response = client.get(f"/api/v1/needs/{need_id}/candidates/")
    assert response.status_code == 200
    return [row["specialist"] for row in response.json()]


def test_need_from_a_saturday_finds_the_specialist_available_from_that_day_and_is_approved(
    market,
):
    saturday = next_weekday(5)
    end = saturday + dt.timedelta(days=44)
    open_availability(market, saturday, end)
    manager = api_login(market["borrowing_manager"])
    need_id = post_need(manager, market, saturday, end)
    specialist = market["specialist"]

    assert shortlist_ids(manager, need_id) == [specialist.pk]
    shortlist = manager.get(
        f"/api/v1/needs/{need_id}/candidates/", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert shortlist[0]["breakdown"]["free_percent"] == 50
    assert "free 50% of the asked 20% for the whole period" in shortlist[0]["explanation"]
    explained = manager.get(f"/api/v1/needs/{need_id}/candidates/?explain={specialist.pk}")
    assert explained.json()["eligible"] is True

    page = web_login(market["borrowing_manager"]).get(f"/needs/{need_id}/")
    assert page.status_code == 200
    assert specialist.user.name in page.content.decode()

    nominated = manager.post(
        "/api/v1/matches/", {"need": need_id, "specialist": specialist.pk}, format="json"
    )
    assert nominated.status_code == 201, nominated.content
    coordinator = api_login(market["coordinator"], device=market["device"])
    approved = coordinator.post(f"/api/v1/matches/{nominated.json()['id']}/approve/")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == MatchStatus.APPROVED

    # The approval reserved 20 of the 50: the specialist now has 30 free on those days.
    thirty = post_need(manager, market, saturday, end, percent=30)
    assert shortlist_ids(manager, thirty) == [specialist.pk]
    forty = post_need(manager, market, saturday, end, percent=40)
    assert shortlist_ids(manager, forty) == []
    why = manager.get(f"/api/v1/needs/{forty}/candidates/?explain={specialist.pk}").json()
    assert why["reasons"][0]["facts"]["free_on_day"] == 30


def test_web_nomination_from_the_need_page_for_a_sunday_start(market):
    sunday = next_weekday(6)
    end = sunday + dt.timedelta(days=20)
    open_availability(market, sunday, end)
    need_id = post_need(api_login(market["borrowing_manager"]), market, sunday, end)
    web = web_login(market["borrowing_manager"])

    response = web.post(
        f"/needs/{need_id}/nominate/", {"specialist": market["specialist"].pk}, follow=True
    )

    assert response.status_code == 200
    match = Match.objects.get(need_id=need_id)
    assert (match.specialist, match.status) == (market["specialist"], MatchStatus.PROPOSED)


@pytest.mark.parametrize("weekday", range(7))
def test_a_need_starting_on_any_weekday_fits_availability_from_that_day(market, weekday):
    start = next_weekday(weekday)
    end = start + dt.timedelta(days=9 + weekday)  # ends on varying weekdays too
    open_availability(market, start, end)
    manager = api_login(market["borrowing_manager"])

    assert shortlist_ids(manager, post_need(manager, market, start, end)) == [
        market["specialist"].pk
    ]
    assert shortlist_ids(manager, post_need(manager, market, start - dt.timedelta(1), end)) == []


@pytest.mark.parametrize(
    ("language", "words", "date_words"),
    [
        ("sv", "bara 0 % ledig den {day} (perioden efterfrågar 20 %)", in_swedish),
        ("en", "only 0% free on {day} (the period asks 20%)", in_english),
    ],
)
def test_a_need_one_day_too_long_is_refused_naming_the_day(market, language, words, date_words):
    start = next_weekday(2)  # a Wednesday
    end = start + dt.timedelta(days=27)  # a Tuesday
    open_availability(market, start, end)
    manager = api_login(market["borrowing_manager"])
    too_long = post_need(manager, market, start, end + dt.timedelta(days=1))
    specialist = market["specialist"]
    expected = words.format(day=date_words(end + dt.timedelta(days=1)))

    assert shortlist_ids(manager, too_long) == []
    explained = manager.get(
        f"/api/v1/needs/{too_long}/candidates/?explain={specialist.pk}",
        HTTP_ACCEPT_LANGUAGE=language,
    ).json()
    assert explained["eligible"] is False
    (reason,) = explained["reasons"]
    assert reason["constraint"] == "capacity"
    assert reason["facts"]["day"] == (end + dt.timedelta(days=1)).isoformat()
    assert reason["text"] == expected

    refused = manager.post(
        "/api/v1/matches/",
        {"need": too_long, "specialist": specialist.pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert refused.status_code == 409
    assert expected in refused.json()["detail"]

    web = web_login(market["borrowing_manager"])
    web.post("/language/", {"language": language, "next": "/"})  # saved on the account
    page = web.post(f"/needs/{too_long}/nominate/", {"specialist": specialist.pk}, follow=True)
    assert page.status_code == 200
    assert expected in page.content.decode()
    assert not Match.objects.filter(need_id=too_long).exists()
