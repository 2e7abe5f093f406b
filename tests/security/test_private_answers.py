"""Issue 24, finding 9: private answers stay private, big bodies get JSON, logout can end
the API token.

Signed-in pages sent no `Cache-Control`; a body over the size limit got Django's HTML 400
from the API; a web logout left the API token working.
"""

import json

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return factories.ManagerFactory()


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", ["/", "/needs/", "/specialists/", "/account/security/"])
def test_signed_in_pages_are_never_stored_by_caches(manager, path):
    response = _signed_in(manager).get(path)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/api/v1/me/", "/api/v1/needs/", "/api/v1/specialists/"])
def test_api_answers_with_personal_data_are_never_stored(manager, path):
    client = APIClient()
    client.force_authenticate(manager)

    response = client.get(path)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_public_schema_may_be_cached(api_client):
    response = api_client.get("/api/v1/schema/")
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_json_body_over_the_size_limit_is_a_json_400(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"email": "anna@myndighet.se", "password": "x" * 20_000})
    api_client.raise_request_exception = False

    response = api_client.post("/api/v1/auth/token/", body, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The request body is larger than the service accepts."}


def test_a_form_body_over_the_size_limit_on_the_web_is_still_a_page(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client.raise_request_exception = False

    response = client.post("/login/", {"username": "anna@myndighet.se", "password": "x" * 20_000})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_logout_with_the_box_ticked_ends_the_api_token(manager):
    token = Token.objects.create(user=manager)
    web = _signed_in(manager)

    response = web.post("/logout/", {"revoke_token": "1"})

    assert response.status_code == 302
    assert not Token.objects.filter(pk=token.pk).exists()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/me/").status_code == 401


def test_logout_without_the_box_keeps_the_api_token(manager):
    token = Token.objects.create(user=manager)

    _signed_in(manager).post("/logout/")

    assert Token.objects.filter(pk=token.pk).exists()


def test_the_security_page_offers_the_box(manager):
    response = _signed_in(manager).get("/account/security/")
    assert b'name="revoke_token"' in response.content
