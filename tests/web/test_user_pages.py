"""User administration on the web: invite, resend, change role, deactivate, within the rules."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role, User
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_admin_invites_a_manager_to_an_agency(web_client_for, lending_agency):
    admin = factories.AdminFactory()

    response = web_client_for(admin).post(
        reverse("web:user_list"),
        {
            "email": "Ny.Chef@Myndighet.se",
            "name": "Ny Chef",
            "role": "manager",
            "agency": lending_agency.pk,
        },
    )

    assert response.status_code == 302
    invited = User.objects.get(email="ny.chef@myndighet.se")
    assert (invited.role, invited.agency_id) == (Role.MANAGER, lending_agency.pk)


def test_a_manager_invites_a_specialist_to_their_own_agency_only(
    web_client_for, lending_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = web_client_for(lending_manager).post(
            reverse("web:user_list"), {"email": "ny@myndighet.se", "name": "Ny Specialist"}
        )

    assert response.status_code == 302
    invited = User.objects.get(email="ny@myndighet.se")
    assert (invited.role, invited.agency_id) == (Role.SPECIALIST, lending_manager.agency_id)
    assert mail.outbox[-1].to == ["ny@myndighet.se"]


def test_an_invitation_to_a_known_email_in_other_case_is_refused_inline(
    web_client_for, lending_manager, specialist
):
    response = web_client_for(lending_manager).post(
        reverse("web:user_list"), {"email": specialist.user.email.upper(), "name": "Dubblett"}
    )

    assert response.status_code == 400
    assert 'id="id_email_errors"' in response.content.decode()


def test_a_manager_deactivates_their_specialist(web_client_for, lending_manager, specialist):
    response = web_client_for(lending_manager).post(
        reverse("web:user_detail", args=[specialist.user_id]), {"name": specialist.user.name}
    )

    assert response.status_code == 302
    assert User.objects.get(pk=specialist.user_id).is_active is False


def test_a_manager_cannot_change_a_role(web_client_for, lending_manager, specialist):
    html = (
        web_client_for(lending_manager)
        .get(reverse("web:user_detail", args=[specialist.user_id]))
        .content.decode()
    )

    assert 'name="role"' not in html and 'name="is_active"' in html


def test_an_admin_changes_a_role(web_client_for, specialist):
    admin = factories.AdminFactory()

    web_client_for(admin).post(
        reverse("web:user_detail", args=[specialist.user_id]),
        {
            "name": specialist.user.name,
            "role": "manager",
            "agency": specialist.agency_id,
            "is_active": "on",
        },
    )

    assert User.objects.get(pk=specialist.user_id).role == Role.MANAGER


def test_the_invitation_is_sent_again_until_accepted(web_client_for, lending_manager):
    invited = factories.UserFactory(
        role=Role.SPECIALIST, agency=lending_manager.agency, password=None
    )
    User.objects.filter(pk=invited.pk).update(password="!unusable")

    response = web_client_for(lending_manager).post(
        reverse("web:user_invitation_resend", args=[invited.pk])
    )

    assert response.status_code == 302
    assert mail.outbox[-1].to == [invited.email]


def test_another_agencys_people_are_not_found(web_client_for, borrowing_manager, specialist):
    response = web_client_for(borrowing_manager).get(
        reverse("web:user_detail", args=[specialist.user_id])
    )

    assert response.status_code == 404


def test_a_coordinator_has_no_user_administration(web_client_for, coordinator):
    assert web_client_for(coordinator).get(reverse("web:user_list")).status_code == 403
