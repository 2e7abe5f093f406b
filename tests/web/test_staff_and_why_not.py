"""A manager's "my staff" pages and the "why not" on the need page."""

import pytest
from django.urls import reverse

from marketplace.models import Availability, Clearance, MatchStatus, Specialist
from tests import factories
from tests.factories import future

pytestmark = pytest.mark.django_db


def test_my_staff_lists_the_agencys_specialists_and_who_is_on_loan(
    web_client_for, lending_manager, specialist, open_need
):
    factories.AvailabilityFactory(specialist=specialist, capacity_percent=60)
    loan = factories.MatchFactory(
        specialist=specialist, need=open_need, status=MatchStatus.ACCEPTED, start=future(-5)
    )
    stranger = factories.SpecialistFactory()

    html = web_client_for(lending_manager).get(reverse("web:staff_list")).content.decode()

    row = html.split(f'id="staff-{specialist.pk}"', 1)[1].split("</tr>", 1)[0]
    assert open_need.agency.name in row and loan.end.isoformat() in row
    assert "60 %" in row
    assert f'id="staff-{stranger.pk}"' not in html


def test_a_manager_sets_shareable_share_and_clearance_with_expiry(
    web_client_for, lending_manager, specialist
):
    response = web_client_for(lending_manager).post(
        reverse("web:staff_member", args=[specialist.pk]),
        {
            "shareable": "on",
            "max_share_percent": "30",
            "clearance": str(Clearance.SK2),
            "clearance_expires": future(400).isoformat(),
        },
    )

    assert response.status_code == 302
    specialist.refresh_from_db()
    assert (specialist.shareable, specialist.max_share_percent, specialist.clearance) == (
        True,
        30,
        Clearance.SK2,
    )
    assert specialist.clearance_expires == future(400)


def test_a_clearance_without_expiry_is_refused_inline(web_client_for, lending_manager, specialist):
    response = web_client_for(lending_manager).post(
        reverse("web:staff_member", args=[specialist.pk]),
        {"max_share_percent": "30", "clearance": str(Clearance.SK3), "clearance_expires": ""},
    )

    assert response.status_code == 400
    assert 'id="id_clearance_expires_errors"' in response.content.decode()
    assert Specialist.objects.get(pk=specialist.pk).clearance == Clearance.NONE


def test_a_manager_adds_an_availability_window_for_their_specialist(
    web_client_for, lending_manager, specialist
):
    response = web_client_for(lending_manager).post(
        reverse("web:staff_availability_add", args=[specialist.pk]),
        {"start": future(10).isoformat(), "end": future(40).isoformat(), "capacity_percent": 50},
    )

    assert response.status_code == 302
    assert Availability.objects.filter(specialist=specialist, capacity_percent=50).exists()


def test_an_overlapping_window_is_refused_in_the_readers_language(
    web_client_for, lending_manager, specialist
):
    factories.AvailabilityFactory(specialist=specialist, start=future(1), end=future(60))

    response = web_client_for(lending_manager).post(
        reverse("web:staff_availability_add", args=[specialist.pk]),
        {"start": future(10).isoformat(), "end": future(40).isoformat(), "capacity_percent": 50},
    )

    assert response.status_code == 400
    assert "Överlappar perioden" in response.content.decode()


def test_another_agencys_specialist_is_not_in_my_staff(
    web_client_for, borrowing_manager, specialist
):
    response = web_client_for(borrowing_manager).get(
        reverse("web:staff_member", args=[specialist.pk])
    )

    assert response.status_code == 404


def test_a_specialist_has_no_staff_page(web_client_for, specialist):
    response = web_client_for(specialist.user).get(reverse("web:staff_list"))

    assert response.status_code == 403


def test_why_not_says_why_a_specialist_is_no_candidate(
    web_client_for, borrowing_manager, open_need, specialist
):
    factories.AvailabilityFactory(specialist=specialist, capacity_percent=100)
    open_need.clearance_required = Clearance.SK2
    open_need.save()

    html = (
        web_client_for(borrowing_manager)
        .get(
            reverse("web:need_detail", args=[open_need.pk]),
            {"why": specialist.user.name[:6].upper()},
        )
        .content.decode()
    )

    answer = html.split('id="why-not"', 1)[1]
    assert specialist.user.name in answer
    assert "Inte en kandidat" in answer
    assert "Säkerhetsklass 2" in answer
