"""Admins configure an agency's provider; its secret is stored encrypted and never shown."""

import pytest
from django.test import Client

from accounts.models import IdentityProtocol, IdentityProvider
from accounts.sso.secrets import secret_decrypt, secret_encrypt
from marketplace.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "hemlig-klienthemlighet-4711"
ADD_URL = "/admin/accounts/identityprovider/add/"


@pytest.fixture
def admin_client(settings) -> Client:
    admin = factories.AdminFactory(email="admin@delad.se")
    client = Client()
    client.force_login(admin)
    return client


def _form(agency, **fields) -> dict:
    data = {
        "agency": agency.pk,
        "protocol": "oidc",
        "display_name": "Skatteverkets inloggning",
        "enabled": "on",
        "issuer": "https://login.skatteverket.se",
        "client_id": "delad",
        "client_secret": SECRET,
        "scopes": "openid email profile",
        "role_mapping": "{}",
        "mfa_values": "[]",
        "domains-TOTAL_FORMS": "1",
        "domains-INITIAL_FORMS": "0",
        "domains-MIN_NUM_FORMS": "0",
        "domains-MAX_NUM_FORMS": "1000",
        "domains-0-domain": "@Skatteverket.SE",
    }
    data.update(fields)
    return data


def test_secret_is_stored_encrypted_and_never_shown(admin_client):
    agency = factories.AgencyFactory()

    response = admin_client.post(ADD_URL, _form(agency))

    assert response.status_code == 302, response.content.decode()[:3000]
    provider = IdentityProvider.objects.get(agency=agency)
    assert SECRET not in provider.client_secret_encrypted
    assert secret_decrypt(provider.client_secret_encrypted) == SECRET
    assert list(provider.domains.values_list("domain", flat=True)) == ["skatteverket.se"]
    page = admin_client.get(f"/admin/accounts/identityprovider/{provider.pk}/change/")
    assert page.status_code == 200
    assert SECRET not in page.content.decode()
    assert provider.client_secret_encrypted not in page.content.decode()
    event = AuditEvent.objects.get(action="identity_provider.add")
    assert event.after["client_secret"] == "(changed)"
    assert SECRET not in str(event.after)


def test_saving_without_a_secret_keeps_the_stored_one(admin_client):
    agency = factories.AgencyFactory()
    admin_client.post(ADD_URL, _form(agency))
    provider = IdentityProvider.objects.get(agency=agency)

    data = _form(agency, client_secret="", display_name="Nytt namn")
    data.update({"domains-INITIAL_FORMS": "1", "domains-0-id": provider.domains.get().pk})
    data["domains-0-provider"] = provider.pk
    response = admin_client.post(f"/admin/accounts/identityprovider/{provider.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    provider.refresh_from_db()
    assert provider.display_name == "Nytt namn"
    assert secret_decrypt(provider.client_secret_encrypted) == SECRET


@pytest.mark.parametrize(
    "mapping", ['{"Domain Admins": "admin"}', '{"x": "superuser"}', '["manager"]']
)
def test_a_group_may_not_be_mapped_to_administrator_or_nonsense(admin_client, mapping):
    agency = factories.AgencyFactory()

    response = admin_client.post(ADD_URL, _form(agency, role_mapping=mapping))

    assert response.status_code == 200
    assert not IdentityProvider.objects.exists()


@pytest.mark.xmlsec
def test_saml_provider_is_configured_from_its_metadata_url(admin_client, saml_idp):
    agency = factories.AgencyFactory()
    data = _form(agency, protocol="saml", client_secret="", issuer="", client_id="")
    data["saml_metadata_url"] = f"{saml_idp.base_url}/metadata"

    response = admin_client.post(ADD_URL, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    provider = IdentityProvider.objects.get(agency=agency)
    assert provider.protocol == IdentityProtocol.SAML
    assert provider.saml_entity_id == saml_idp.entity_id
    assert "IDPSSODescriptor" in provider.saml_metadata_xml


def test_metadata_that_is_not_an_idps_is_refused(admin_client):
    agency = factories.AgencyFactory()
    data = _form(agency, protocol="saml", client_secret="", saml_metadata_xml="<nej/>")

    response = admin_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert not IdentityProvider.objects.exists()


def test_a_secret_encrypted_under_an_earlier_key_still_opens(settings):
    settings.SSO_SECRET_KEYS = ["gammal-nyckel"]
    stored = secret_encrypt(SECRET)
    settings.SSO_SECRET_KEYS = ["ny-nyckel", "gammal-nyckel"]

    assert secret_decrypt(stored) == SECRET
    settings.SSO_SECRET_KEYS = ["ny-nyckel"]
    assert secret_decrypt(stored) == ""
