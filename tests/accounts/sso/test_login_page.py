"""The login page offers "Log in with <agency's provider>" for the email's domain."""

import pytest
from django.contrib.auth import get_user

from accounts.models import IdentityProtocol, IdentityProvider, IdentityProviderDomain
from tests import factories

pytestmark = pytest.mark.django_db

BUTTON = {
    "sv": "Logga in med Skatteverkets inloggning",
    "en": "Log in with Skatteverkets inloggning",
}


@pytest.fixture
def provider():
    agency = factories.AgencyFactory(name="Skatteverket", slug="skatteverket")
    provider = IdentityProvider.objects.create(
        agency=agency,
        protocol=IdentityProtocol.SAML,
        display_name="Skatteverkets inloggning",
        saml_metadata_xml="<md/>",
    )
    IdentityProviderDomain.objects.create(provider=provider, domain="skatteverket.se")
    return provider


@pytest.fixture(params=["sv", "en"])
def language(request, client, settings) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = request.param
    return request.param


def test_typed_email_of_an_agency_with_a_provider_gets_its_button(client, provider, language):
    response = client.get(
        "/sso/options/",
        {"username": "Anna@Skatteverket.se", "next": "/needs/"},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert BUTTON[language] in body
    assert 'href="/sso/skatteverket/login/?next=/needs/&amp;email=Anna%40Skatteverket.se"' in body


@pytest.mark.parametrize("email", ["anna@gmail.com", "anna", "", "@skatteverket.se.evil.com"])
def test_other_emails_get_no_button(client, provider, email):
    response = client.get("/sso/options/", {"username": email})

    assert response.status_code == 200
    assert "/sso/" not in response.content.decode()


def test_a_disabled_provider_is_not_offered(client, provider):
    IdentityProvider.objects.filter(pk=provider.pk).update(enabled=False)

    response = client.get("/sso/options/", {"username": "anna@skatteverket.se"})

    assert "/sso/" not in response.content.decode()


def test_login_page_asks_for_the_button_as_the_email_is_typed(client, provider, language):
    body = client.get("/login/").content.decode()

    assert 'id="sso-option"' in body and 'aria-live="polite"' in body
    assert 'hx-get="/sso/options/"' in body and "from:#id_username" in body


def test_without_javascript_an_email_alone_shows_the_button(client, provider, language):
    response = client.post("/login/", {"username": "anna@skatteverket.se", "password": ""})

    body = response.content.decode()
    assert response.status_code == 200
    assert BUTTON[language] in body
    assert 'role="alert"' in body  # the error summary says to use it
    assert not get_user(client).is_authenticated


def test_without_a_provider_an_email_alone_still_asks_for_the_password(client, provider):
    response = client.post("/login/", {"username": "anna@gmail.com", "password": ""})

    body = response.content.decode()
    assert 'id="id_password_errors"' in body
    assert "/sso/skatteverket/" not in body and "Log in with" not in body


def test_a_link_with_the_email_shows_the_button_at_once(client, provider, language):
    body = client.get("/login/", {"email": "anna@skatteverket.se"}).content.decode()

    assert BUTTON[language] in body
    assert 'value="anna@skatteverket.se"' in body


def test_the_button_says_when_password_login_is_off(client, provider):
    IdentityProvider.objects.filter(pk=provider.pk).update(password_login_allowed=False)
    client.cookies["django_language"] = "en"

    body = client.get("/sso/options/", {"username": "anna@skatteverket.se"}).content.decode()

    assert "logging in with a password is switched off" in body
