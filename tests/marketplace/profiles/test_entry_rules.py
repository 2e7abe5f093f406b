"""Rules where people enter profile data: availability does not start in the past (an
existing window's end may still move), a clearance has its expiry date, and a specialist
without a profile is led to create it."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.models import Availability, Specialist
from tests import factories
from tests.factories import future

pytestmark = pytest.mark.django_db


@pytest.fixture
def specialist(world):
    return factories.SpecialistFactory(agency=world.own, user=world.users["specialist_self"])


def _web(user, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_a_new_window_starting_yesterday_is_400_naming_start(as_role, specialist):
    response = as_role("specialist_self").post(
        f"/api/v1/specialists/{specialist.pk}/availability/",
        {"start": future(-1), "end": future(30), "capacity_percent": 50},
    )

    assert response.status_code == 400
    assert "start" in response.json()
    assert not Availability.objects.exists()


def test_a_window_from_today_is_accepted(as_role, specialist):
    response = as_role("specialist_self").post(
        f"/api/v1/specialists/{specialist.pk}/availability/",
        {"start": future(0), "end": future(30), "capacity_percent": 50},
    )

    assert response.status_code == 201


def test_a_running_windows_end_may_move(as_role, specialist):
    window = factories.AvailabilityFactory(specialist=specialist, start=future(-20), end=future(20))

    response = as_role("specialist_self").patch(
        f"/api/v1/availability/{window.pk}/", {"end": future(60)}
    )

    assert response.status_code == 200, response.content
    assert response.json()["end"] == future(60).isoformat()


def test_a_window_may_not_be_moved_to_start_in_the_past(as_role, specialist):
    window = factories.AvailabilityFactory(specialist=specialist, start=future(5), end=future(60))

    response = as_role("specialist_self").patch(
        f"/api/v1/availability/{window.pk}/", {"start": future(-3)}
    )

    assert response.status_code == 400
    assert "start" in response.json()


def test_the_availability_editor_shows_a_past_start_beside_the_field(world, specialist):
    response = _web(world.users["specialist_self"], "sv").post(
        reverse("web:availability_add"),
        {
            "availability-start": future(-2).isoformat(),
            "availability-end": future(30).isoformat(),
            "availability-capacity_percent": "50",
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "En ny period får inte börja i det förflutna." in html
    assert 'aria-invalid="true"' in html


def test_a_clearance_without_expiry_is_400_naming_clearance_expires(as_role, specialist):
    response = as_role("manager_own").patch(
        f"/api/v1/specialists/{specialist.pk}/", {"clearance": 2}, format="json"
    )

    assert response.status_code == 400
    assert "clearance_expires" in response.json()
    specialist.refresh_from_db()
    assert specialist.clearance == 0


def test_removing_the_expiry_of_a_held_clearance_is_400(as_role, specialist):
    specialist.clearance, specialist.clearance_expires = (
        2,
        timezone.localdate().replace(year=timezone.localdate().year + 2),
    )
    specialist.save()

    response = as_role("manager_own").patch(
        f"/api/v1/specialists/{specialist.pk}/", {"clearance_expires": None}, format="json"
    )

    assert response.status_code == 400
    assert "clearance_expires" in response.json()


def test_a_new_profile_with_clearance_needs_its_expiry(world, as_role):
    user = factories.UserFactory(agency=world.own)

    response = as_role("manager_own").post(
        "/api/v1/specialists/",
        {"user": user.pk, "title": "Säkerhetsarkitekt", "clearance": 3},
        format="json",
    )

    assert response.status_code == 400
    assert "clearance_expires" in response.json()


def test_a_specialist_without_a_profile_is_led_to_create_it(world):
    user = factories.UserFactory(agency=world.own, language="sv")
    client = _web(user, "sv")

    page = client.get(reverse("web:my_profile"))

    assert page.status_code == 200
    assert "Du har ingen specialistprofil ännu." in page.content.decode()
    created = client.post(
        reverse("web:my_profile"),
        {
            "title": "Dataingenjör",
            "summary": "",
            "phone": "",
            "region": "",
            "remote_ok": "on",
            "skills-TOTAL_FORMS": "1",
            "skills-INITIAL_FORMS": "0",
            "skills-MIN_NUM_FORMS": "0",
            "skills-MAX_NUM_FORMS": "1000",
            "skills-0-skill": "",
            "skills-0-level": "3",
        },
        follow=True,
    )
    assert created.status_code == 200
    specialist = Specialist.objects.get(user=user)
    assert (specialist.title, specialist.agency_id, specialist.shareable) == (
        "Dataingenjör",
        world.own.pk,
        False,
    )
    assert "Din profil har skapats." in created.content.decode()


def test_creating_ones_own_profile_without_a_title_shows_the_error(world):
    user = factories.UserFactory(agency=world.own)

    response = _web(user).post(
        reverse("web:my_profile"),
        {
            "title": "",
            "skills-TOTAL_FORMS": "0",
            "skills-INITIAL_FORMS": "0",
            "skills-MIN_NUM_FORMS": "0",
            "skills-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 400
    assert 'id="id_title_errors"' in response.content.decode()
    assert not Specialist.objects.filter(user=user).exists()


def test_a_window_in_the_past_edited_only_at_its_end_keeps_its_start(as_role, specialist):
    start = timezone.localdate() - dt.timedelta(days=40)
    window = factories.AvailabilityFactory(specialist=specialist, start=start, end=future(5))

    response = as_role("specialist_self").patch(
        f"/api/v1/availability/{window.pk}/",
        {"start": start.isoformat(), "end": future(10).isoformat()},
    )

    assert response.status_code == 200
