"""Password login stays for agencies without a provider; an agency may switch it off."""

import pytest
from django.contrib.auth import get_user

from accounts.models import IdentityProtocol, IdentityProvider, IdentityProviderDomain
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
TOKEN_URL = "/api/v1/auth/token/"


def _provider(agency, **fields) -> IdentityProvider:
    provider = IdentityProvider.objects.create(
        agency=agency,
        protocol=IdentityProtocol.OIDC,
        display_name="Skatteverkets inloggning",
        issuer="https://login.skatteverket.se",
        client_id="delad",
        **fields,
    )
    IdentityProviderDomain.objects.create(provider=provider, domain="skatteverket.se")
    return provider


@pytest.fixture
def skatteverket():
    return factories.AgencyFactory(name="Skatteverket", slug="skatteverket")


@pytest.fixture
def anna(skatteverket):
    return factories.UserFactory(agency=skatteverket, email="anna@skatteverket.se")


def test_agency_with_a_provider_keeps_password_login_unless_it_switches_it_off(
    client, skatteverket, anna
):
    _provider(skatteverket, password_login_allowed=True)

    response = client.post("/login/", {"username": anna.email, "password": PASSWORD})

    assert response.status_code == 302
    assert get_user(client) == anna


def test_switched_off_password_login_is_refused_on_the_web_with_the_reason(
    client, skatteverket, anna
):
    _provider(skatteverket, password_login_allowed=False)

    response = client.post("/login/", {"username": anna.email, "password": PASSWORD})

    assert response.status_code == 200
    assert not get_user(client).is_authenticated
    assert "switched password login off" in response.content.decode() or (
        "stängt av inloggning med lösenord" in response.content.decode()
    )


def test_switched_off_password_login_refuses_the_api_token_too(api_client, skatteverket, anna):
    _provider(skatteverket, password_login_allowed=False)

    response = api_client.post(TOKEN_URL, {"email": anna.email, "password": PASSWORD})

    assert response.status_code == 400
    assert "switched password login off" in str(response.json())


def test_a_wrong_password_says_nothing_about_the_agencys_setting(api_client, skatteverket, anna):
    _provider(skatteverket, password_login_allowed=False)

    response = api_client.post(TOKEN_URL, {"email": anna.email, "password": "fel"})

    assert response.status_code == 400
    assert "switched" not in str(response.json())


def test_switch_applies_to_the_agencys_users_whatever_their_email(api_client, skatteverket):
    _provider(skatteverket, password_login_allowed=False)
    factories.UserFactory(agency=skatteverket, email="konsult@gmail.com")

    response = api_client.post(TOKEN_URL, {"email": "konsult@gmail.com", "password": PASSWORD})

    assert response.status_code == 400


def test_other_agencies_and_administrators_keep_their_passwords(api_client, skatteverket):
    _provider(skatteverket, password_login_allowed=False)
    other = factories.UserFactory(email="ola@annan.se")
    factories.AdminFactory(agency=skatteverket, email="admin@skatteverket.se")

    for email in (other.email, "admin@skatteverket.se"):
        response = api_client.post(TOKEN_URL, {"email": email, "password": PASSWORD, "otp": ""})
        assert "switched password login off" not in str(response.json()), email


def test_a_disabled_provider_switches_nothing_off(api_client, skatteverket, anna):
    _provider(skatteverket, password_login_allowed=False, enabled=False)

    response = api_client.post(TOKEN_URL, {"email": anna.email, "password": PASSWORD})

    assert response.status_code == 200
