import pytest
from django.conf import settings

from tests import factories
from tests.security.accounts.conftest import PASSWORD, web_login

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def test_web_login_is_locked_after_the_failure_limit_even_with_the_right_password(client):
    factories.UserFactory(email="anna@myndighet.se")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert web_login(client, "anna@myndighet.se", "wrong-password").status_code == 200
    assert web_login(client, "anna@myndighet.se", "wrong-password").status_code == 429

    response = web_login(client, "anna@myndighet.se")

    assert response.status_code == 429
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_MINUTES * 60
    assert "_auth_user_id" not in client.session


def test_token_login_is_locked_after_the_failure_limit_with_429_and_retry_after(api_client):
    factories.UserFactory(email="anna@myndighet.se")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api_client.post(TOKEN_URL, {"email": "anna@myndighet.se", "password": "wrong-password"})

    response = api_client.post(
        TOKEN_URL,
        {"email": "anna@myndighet.se", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="sv",
    )

    assert response.status_code == 429
    assert "Too many failed login attempts" in response.json()["detail"]  # the API's English
    assert int(response["Retry-After"]) > 0


def test_failures_with_other_capitalisation_of_the_email_count_for_the_same_account(api_client):
    factories.UserFactory(email="anna@myndighet.se")
    for index in range(settings.AXES_FAILURE_LIMIT):
        email = "ANNA@myndighet.se" if index % 2 else "anna@Myndighet.se"
        api_client.post(TOKEN_URL, {"email": email, "password": "wrong-password"})

    response = api_client.post(TOKEN_URL, {"email": "anna@myndighet.se", "password": PASSWORD})

    assert response.status_code == 429


def test_a_lockout_of_one_account_leaves_other_accounts_able_to_log_in(api_client):
    factories.UserFactory(email="anna@myndighet.se")
    factories.UserFactory(email="bo@myndighet.se")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api_client.post(TOKEN_URL, {"email": "anna@myndighet.se", "password": "wrong-password"})

    response = api_client.post(TOKEN_URL, {"email": "bo@myndighet.se", "password": PASSWORD})

    assert response.status_code == 200


def test_a_successful_login_resets_the_failure_count(api_client):
    factories.UserFactory(email="anna@myndighet.se")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        api_client.post(TOKEN_URL, {"email": "anna@myndighet.se", "password": "wrong-password"})
    assert (
        api_client.post(TOKEN_URL, {"email": "anna@myndighet.se", "password": PASSWORD}).status_code
        == 200
    )

    response = api_client.post(TOKEN_URL, {"email": "anna@myndighet.se", "password": "wrong"})

    assert response.status_code == 400
