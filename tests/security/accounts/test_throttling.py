import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_anonymous_requests_beyond_the_rate_get_429_with_retry_after(api_client, settings):
    settings.API_THROTTLE_RATE_ANON = "3/minute"
    for _ in range(3):
        assert api_client.get("/api/v1/schema/").status_code == 200

    response = api_client.get("/api/v1/schema/")

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_a_users_requests_beyond_the_rate_get_429_with_retry_after(client_for, settings):
    settings.API_THROTTLE_RATE_USER = "3/minute"
    client = client_for(factories.UserFactory())
    for _ in range(3):
        assert client.get("/api/v1/me/").status_code == 200

    response = client.get("/api/v1/me/")

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_one_users_throttle_does_not_slow_another_user(client_for, settings):
    settings.API_THROTTLE_RATE_USER = "2/minute"
    busy = client_for(factories.UserFactory())
    for _ in range(3):
        busy.get("/api/v1/me/")

    response = client_for(factories.UserFactory()).get("/api/v1/me/")

    assert response.status_code == 200


def test_a_forged_forwarded_for_header_does_not_escape_the_anonymous_rate(api_client, settings):
    settings.API_THROTTLE_RATE_ANON = "2/minute"
    for index in range(2):
        api_client.get("/api/v1/schema/", HTTP_X_FORWARDED_FOR=f"10.0.0.{index}")

    response = api_client.get("/api/v1/schema/", HTTP_X_FORWARDED_FOR="10.0.0.99")

    assert response.status_code == 429


def test_default_rates_are_generous_enough_for_normal_use(settings):
    assert settings.API_THROTTLE_RATE_ANON == "60/minute"
    assert settings.API_THROTTLE_RATE_USER == "1200/minute"
