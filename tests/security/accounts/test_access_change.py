"""Issue 24, finding 2: a change of role, agency or active state ends what was opened before.

A manager without a second factor made coordinator kept their token and web session and
read the audit trail and the approval queue with them. Now every such change revokes the
token and ends the sessions, audited; the next login meets the new role's rules.
"""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from marketplace.models import AuditEvent
from tests import factories
from tests.security.accounts.conftest import web_login

pytestmark = pytest.mark.django_db


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _admin_patches(user, changes: dict) -> None:
    admin = APIClient()
    admin.force_authenticate(factories.AdminFactory())
    response = admin.patch(f"/api/v1/users/{user.pk}/", changes, format="json")
    assert response.status_code == 200, response.json()


@pytest.fixture
def manager_signed_in_twice(client: Client):
    manager = factories.ManagerFactory()
    api = _token_client(manager)
    web_login(client, manager.email)
    assert api.get("/api/v1/me/").status_code == 200
    assert client.get("/needs/").status_code == 200
    return manager, api, client


def test_a_manager_made_coordinator_loses_the_old_token(manager_signed_in_twice):
    manager, api, _ = manager_signed_in_twice

    _admin_patches(manager, {"role": "coordinator"})

    assert api.get("/api/v1/audit-events/").status_code == 401
    assert not Token.objects.filter(user=manager).exists()


def test_a_manager_made_coordinator_loses_the_web_session(manager_signed_in_twice):
    manager, _, web = manager_signed_in_twice

    _admin_patches(manager, {"role": "coordinator"})

    response = web.get("/approvals/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_promoted_users_next_login_is_held_at_the_second_factor(manager_signed_in_twice):
    manager, _, _ = manager_signed_in_twice
    _admin_patches(manager, {"role": "coordinator"})
    fresh = Client()

    web_login(fresh, manager.email)

    response = fresh.get("/approvals/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/mfa/setup/")


def test_a_move_to_another_agency_ends_token_and_session(manager_signed_in_twice):
    manager, api, web = manager_signed_in_twice

    _admin_patches(manager, {"agency": factories.AgencyFactory().pk})

    assert api.get("/api/v1/me/").status_code == 401
    assert web.get("/needs/").status_code == 302


def test_deactivating_a_user_ends_token_and_session(manager_signed_in_twice):
    manager, api, web = manager_signed_in_twice

    _admin_patches(manager, {"is_active": False})

    assert api.get("/api/v1/me/").status_code == 401
    assert web.get("/needs/").status_code == 302


def test_the_revocation_is_in_the_audit_trail(manager_signed_in_twice):
    manager, _, _ = manager_signed_in_twice

    _admin_patches(manager, {"role": "coordinator"})

    event = AuditEvent.objects.get(action="user.access_revoke", object_id=str(manager.pk))
    assert event.after["changed"] == ["role"]
    assert event.after["tokens_revoked"] == 1


def test_a_change_of_name_keeps_token_and_session(manager_signed_in_twice):
    manager, api, web = manager_signed_in_twice

    _admin_patches(manager, {"name": "Anna Andersson"})

    assert api.get("/api/v1/me/").status_code == 200
    assert web.get("/needs/").status_code == 200


def test_a_role_change_in_the_django_admin_ends_the_token_too(manager_signed_in_twice):
    from accounts.admin import UserAdmin
    from accounts.models import User

    manager, api, _ = manager_signed_in_twice
    admin = factories.AdminFactory(is_staff=True, is_superuser=True)
    request = type("Request", (), {"user": admin})()
    form = type("Form", (), {"changed_data": ["role"]})()
    manager.role = "coordinator"

    UserAdmin(User, None).save_model(request, manager, form, change=True)

    assert api.get("/api/v1/me/").status_code == 401
