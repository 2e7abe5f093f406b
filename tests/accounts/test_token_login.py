import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"
PASSWORD = "correct-horse-battery"


def test_token_login_returns_a_token_that_authenticates(api_client):
    user = factories.UserFactory(email="anna@myndighet.se")

    response = api_client.post(URL, {"email": "anna@myndighet.se", "password": PASSWORD})

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=user).key}
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api_client.get("/api/v1/me/").json()["email"] == "anna@myndighet.se"


def test_token_login_matches_the_email_case_insensitively(api_client):
    factories.UserFactory(email="anna@myndighet.se")

    response = api_client.post(URL, {"email": "Anna@Myndighet.SE", "password": PASSWORD})

    assert response.status_code == 200


def test_token_login_returns_the_same_token_twice(api_client):
    factories.UserFactory(email="anna@myndighet.se")
    body = {"email": "anna@myndighet.se", "password": PASSWORD}

    first = api_client.post(URL, body).json()["token"]
    second = api_client.post(URL, body).json()["token"]

    assert first == second


def test_token_login_with_wrong_password_is_400_with_a_message(api_client):
    factories.UserFactory(email="anna@myndighet.se")

    response = api_client.post(URL, {"email": "anna@myndighet.se", "password": "wrong"})

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Unable to log in with the given email and password."]
    }


def test_token_login_with_unknown_email_answers_like_a_wrong_password(api_client):
    response = api_client.post(URL, {"email": "nobody@myndighet.se", "password": PASSWORD})

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Unable to log in with the given email and password."]
    }


def test_token_login_refuses_an_inactive_user(api_client):
    factories.UserFactory(email="anna@myndighet.se", is_active=False)

    response = api_client.post(URL, {"email": "anna@myndighet.se", "password": PASSWORD})

    assert response.status_code == 400


def test_token_login_refuses_an_invited_user_without_password(api_client):
    user = factories.UserFactory(email="anna@myndighet.se")
    user.set_unusable_password()
    user.save()

    response = api_client.post(URL, {"email": "anna@myndighet.se", "password": ""})

    assert response.status_code == 400


def test_token_login_without_fields_names_them(api_client):
    response = api_client.post(URL, {})

    assert response.status_code == 400
    assert set(response.json()) == {"email", "password"}


def test_token_login_with_malformed_email_is_400(api_client):
    response = api_client.post(URL, {"email": "not-an-email", "password": "x"})

    assert response.status_code == 400
    assert "email" in response.json()


def test_token_login_is_throttled_per_account(api_client, settings):
    settings.LOGIN_THROTTLE_RATE = "3/minute"
    factories.UserFactory(email="anna@myndighet.se")
    cache.delete("throttle_login_anna@myndighet.se")
    body = {"email": "anna@myndighet.se", "password": "wrong"}

    statuses = [api_client.post(URL, body).status_code for _ in range(4)]

    assert statuses == [400, 400, 400, 429]


def test_a_bad_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert api_client.get("/api/v1/me/").status_code == 401
