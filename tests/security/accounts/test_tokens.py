import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories

pytestmark = pytest.mark.django_db


def _token_client(user) -> tuple[APIClient, Token]:
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client, token


def test_rotating_returns_a_new_token_and_the_old_one_stops_working():
    user = factories.UserFactory()
    client, old = _token_client(user)

    response = client.post("/api/v1/auth/token/rotate/")

    assert response.status_code == 200
    new = response.json()["token"]
    assert new != old.key
    assert client.get("/api/v1/me/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert client.get("/api/v1/me/").status_code == 200


def test_revoking_own_token_is_204_and_the_token_stops_working():
    client, _ = _token_client(factories.UserFactory())

    response = client.post("/api/v1/auth/token/revoke/")

    assert response.status_code == 204
    assert client.get("/api/v1/me/").status_code == 401


def test_rotate_without_credentials_is_401(api_client):
    assert api_client.post("/api/v1/auth/token/rotate/").status_code == 401


def test_an_admin_revokes_another_users_token(client_for):
    victim = factories.UserFactory()
    victim_client, _ = _token_client(victim)

    response = client_for(factories.AdminFactory()).delete(f"/api/v1/users/{victim.pk}/token/")

    assert response.status_code == 204
    assert victim_client.get("/api/v1/me/").status_code == 401


def test_a_manager_may_not_revoke_their_specialists_token(client_for):
    manager = factories.ManagerFactory()
    specialist = factories.UserFactory(agency=manager.agency)
    Token.objects.create(user=specialist)

    response = client_for(manager).delete(f"/api/v1/users/{specialist.pk}/token/")

    assert response.status_code == 403
    assert Token.objects.filter(user=specialist).exists()


def test_revoking_the_token_of_a_user_one_cannot_see_is_404(client_for):
    stranger = factories.UserFactory()

    response = client_for(factories.UserFactory()).delete(f"/api/v1/users/{stranger.pk}/token/")

    assert response.status_code == 404


def test_an_admins_revocation_is_in_the_audit_trail(client_for):
    from marketplace.models import AuditEvent

    admin = factories.AdminFactory()
    victim = factories.UserFactory()
    Token.objects.create(user=victim)

    client_for(admin).delete(f"/api/v1/users/{victim.pk}/token/")

    event = AuditEvent.objects.get(action="user.token_revoke")
    assert event.actor == admin
    assert event.object_id == str(victim.pk)
