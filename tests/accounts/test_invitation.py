import re

import pytest
from django.core import mail

from accounts.errors import Forbidden, InvalidInput
from accounts.models import Role, User
from accounts.services import user_invite
from tests import factories

pytestmark = pytest.mark.django_db

LIST = "/api/v1/users/"
LINK = re.compile(r"http://testserver(/invite/[^/\s]+/[^/\s]+/)")
NEW_PASSWORD = "Gotland-Visby-2027"


@pytest.fixture
def invite(client_for, django_capture_on_commit_callbacks):
    """POST an invitation as `actor` and run the after-commit email."""

    def post(actor, **body):
        with django_capture_on_commit_callbacks(execute=True):
            return client_for(actor).post(LIST, body)

    return post


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver"


def link_path(message) -> str:
    return LINK.search(message.body).group(1)


def test_manager_invitation_defaults_to_a_specialist_of_own_agency(invite, manager, agency):
    response = invite(manager, email="Ny.Person@Example.se", name="Ny Person")

    assert response.status_code == 201
    user = User.objects.get(pk=response.json()["id"])
    assert (user.email, user.role, user.agency_id) == (
        "ny.person@example.se",
        "specialist",
        agency.pk,
    )
    assert not user.has_usable_password()


def test_manager_asking_for_another_role_gets_400_naming_role(invite, manager):
    response = invite(manager, email="ny@example.se", name="Ny", role="coordinator")

    assert response.status_code == 400
    assert list(response.json()) == ["role"]


def test_manager_asking_for_another_agency_gets_400_naming_agency(invite, manager, other_agency):
    response = invite(manager, email="ny@example.se", name="Ny", agency=other_agency.pk)

    assert response.status_code == 400
    assert list(response.json()) == ["agency"]


def test_manager_may_not_set_a_password_directly(invite, manager):
    response = invite(manager, email="ny@example.se", name="Ny", password=NEW_PASSWORD)

    assert response.status_code == 400
    assert list(response.json()) == ["password"]


def test_invitation_email_is_bilingual_and_holds_a_one_time_link(invite, manager, agency):
    invite(manager, email="ny@example.se", name="Nils Nyberg")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ny@example.se"]
    assert message.subject == "Inbjudan till Delad kompetens / Invitation to Delad kompetens"
    assert "Hej Nils Nyberg!" in message.body
    assert "Hello Nils Nyberg," in message.body
    assert f"specialist vid {agency.name}" in message.body
    assert f"specialist at {agency.name}" in message.body
    assert manager.name in message.body
    assert LINK.search(message.body)
    assert message.alternatives == []


def test_invitation_link_shows_the_set_password_form(invite, manager, client):
    invite(manager, email="ny@example.se", name="Ny")

    response = client.get(link_path(mail.outbox[0]))

    assert response.status_code == 200
    assert b'name="new_password1"' in response.content
    assert response["Referrer-Policy"] == "no-referrer"


def test_invitation_link_sets_the_password_exactly_once(invite, manager, client):
    invite(manager, email="ny@example.se", name="Ny")
    path = link_path(mail.outbox[0])
    body = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}

    first = client.post(path, body)
    second = client.post(
        path, {"new_password1": "Annat-Losen-2028", "new_password2": "Annat-Losen-2028"}
    )

    assert first.status_code == 302
    assert first["Location"] == "/invite/done/"
    assert second.status_code == 404
    user = User.objects.get(email="ny@example.se")
    assert user.check_password(NEW_PASSWORD)


def test_invited_user_can_log_in_after_choosing_a_password(invite, manager, client, api_client):
    invite(manager, email="ny@example.se", name="Ny")
    client.post(
        link_path(mail.outbox[0]), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    response = api_client.post(
        "/api/v1/auth/token/", {"email": "ny@example.se", "password": NEW_PASSWORD}
    )

    assert response.status_code == 200


def test_invitation_form_shows_mismatching_passwords_inline(invite, manager, client):
    invite(manager, email="ny@example.se", name="Ny")

    response = client.post(
        link_path(mail.outbox[0]), {"new_password1": NEW_PASSWORD, "new_password2": "annat"}
    )

    assert response.status_code == 200
    assert b'aria-invalid="true"' in response.content
    assert b"new_password2_errors" in response.content
    assert not User.objects.get(email="ny@example.se").has_usable_password()


def test_invitation_form_refuses_a_weak_password_inline(invite, manager, client):
    invite(manager, email="ny@example.se", name="Ny")

    response = client.post(
        link_path(mail.outbox[0]), {"new_password1": "123", "new_password2": "123"}
    )

    assert response.status_code == 200
    assert b"new_password2_errors" in response.content


def test_a_tampered_invitation_link_is_404(invite, manager, client):
    invite(manager, email="ny@example.se", name="Ny")
    path = link_path(mail.outbox[0])

    response = client.get(path[:-3] + "xx/")

    assert response.status_code == 404


def test_a_malformed_uid_is_404(client):
    assert client.get("/invite/!!!/abc-def/").status_code == 404


def test_invite_done_page_links_to_login(client, settings):
    response = client.get("/invite/done/")

    assert response.status_code == 200
    assert settings.LOGIN_URL.encode() in response.content


def test_admin_may_invite_a_coordinator_without_agency(invite, admin):
    response = invite(admin, email="samo@example.se", name="Samo", role="coordinator")

    assert response.status_code == 201
    assert User.objects.get(email="samo@example.se").role == Role.COORDINATOR


def test_admin_inviting_a_specialist_without_agency_gets_400_naming_agency(invite, admin):
    response = invite(admin, email="ny@example.se", name="Ny", role="specialist")

    assert response.status_code == 400
    assert list(response.json()) == ["agency"]


def test_admin_setting_a_password_sends_no_email(invite, admin):
    response = invite(
        admin, email="samo@example.se", name="Samo", role="coordinator", password=NEW_PASSWORD
    )

    assert response.status_code == 201
    assert mail.outbox == []
    assert User.objects.get(email="samo@example.se").check_password(NEW_PASSWORD)


def test_inviting_an_existing_email_in_other_case_is_400_naming_email(invite, manager, specialist):
    response = invite(manager, email=specialist.email.upper(), name="Dubblett")

    assert response.status_code == 400
    assert list(response.json()) == ["email"]
    assert mail.outbox == []


def test_invitation_without_name_or_email_names_the_fields(invite, manager):
    response = invite(manager)

    assert response.status_code == 400
    assert set(response.json()) == {"email", "name"}


def test_invitation_with_unknown_agency_is_400(invite, admin):
    response = invite(admin, email="ny@example.se", name="Ny", agency=999999)

    assert response.status_code == 400
    assert "agency" in response.json()


def test_invitation_email_waits_for_the_commit(manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        user_invite(actor=manager, email="ny@example.se", name="Ny", role=None, agency=None)

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_coordinator_may_not_invite(coordinator):
    with pytest.raises(Forbidden):
        user_invite(actor=coordinator, email="ny@example.se", name="Ny", role=None, agency=None)


def test_manager_invite_service_reports_every_bad_field_at_once(manager, other_agency):
    with pytest.raises(InvalidInput) as error:
        user_invite(
            actor=manager,
            email="ny@example.se",
            name="Ny",
            role=Role.MANAGER,
            agency=other_agency,
            password=NEW_PASSWORD,
        )

    assert set(error.value.field_errors) == {"role", "agency", "password"}


def test_invitation_in_english_is_recorded_on_the_user(invite, manager):
    invite(manager, email="ny@example.se", name="Ny", language="en")

    assert User.objects.get(email="ny@example.se").language == "en"


def test_invitation_to_a_manager_by_admin_names_the_role_in_both_languages(invite, admin, agency):
    invite(admin, email="chef2@example.se", name="Ny Chef", role="manager", agency=agency.pk)

    body = mail.outbox[0].body
    assert "myndighetsansvarig" in body
    assert "agency manager" in body


def test_factory_users_are_unaffected_by_invitations(invite, manager):
    before = User.objects.count()
    factories.UserFactory()

    assert User.objects.count() == before + 1
