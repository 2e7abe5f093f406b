"""What the SAML service provider checks beyond the shared rules (pysaml2 IdPs on localhost)."""

import pytest
from django.contrib.auth import get_user

from accounts.models import User
from tests import factories
from tests.accounts.sso.fixtures import Browser, key_and_certificate, saml_provider_for
from tests.accounts.sso.saml_idp import IdpUser, SamlIdentityProvider, posted_form

pytestmark = [pytest.mark.django_db, pytest.mark.xmlsec]

PASSWORD = "idp-lösenord-123"


@pytest.fixture
def agency():
    return factories.AgencyFactory(name="Skatteverket", slug="skatteverket")


@pytest.fixture
def stranger_idp(sso_keys, saml_idp):
    """Another IdP with a key of its own, which the agency does not trust, answering the
    requests meant for the agency's IdP."""
    key_file, cert_file = key_and_certificate(sso_keys, "stranger-idp")
    idp = SamlIdentityProvider(
        key_file=str(key_file),
        cert_file=str(cert_file),
        impersonates=f"{saml_idp.base_url}/sso/redirect",
    ).start()
    yield idp
    idp.stop()


def test_an_assertion_signed_by_another_idp_logs_nobody_in(client, saml_idp, stranger_idp, agency):
    saml_provider_for(agency, saml_idp, domains=("skatteverket.se",), jit_provisioning=True)
    stranger_idp.trust_service_provider(
        client.get("/sso/saml/skatteverket/metadata/").content.decode()
    )
    stranger_idp.add_user(IdpUser("anna@skatteverket.se", PASSWORD, "Anna"))
    browser = Browser(client)
    # The product's AuthnRequest, answered by the stranger instead of the agency's IdP.
    request_url = client.get("/sso/saml/skatteverket/login/")["Location"]
    query = request_url.split("?", 1)[1]
    form = browser.visit(f"{stranger_idp.base_url}/sso/redirect?{query}")
    answer = browser.visit(
        f"{stranger_idp.base_url}/login",
        "POST",
        {
            "key": posted_form(form.text)[1]["key"],
            "username": "anna@skatteverket.se",
            "password": PASSWORD,
        },
    )
    action, fields = posted_form(answer.text)

    page = browser.visit(action, "POST", fields)

    assert not get_user(client).is_authenticated
    assert not User.objects.filter(email="anna@skatteverket.se").exists()
    assert page.url == "http://testserver/login/"


def test_an_answer_replayed_a_second_time_is_refused(client, saml_idp, agency):
    saml_provider_for(agency, saml_idp, domains=("skatteverket.se",), jit_provisioning=True)
    saml_idp.add_user(IdpUser("anna@skatteverket.se", PASSWORD, "Anna"))
    browser = Browser(client)
    form = browser.visit("/sso/skatteverket/login/")
    answer = browser.visit(
        f"{saml_idp.base_url}/login",
        "POST",
        {
            "key": posted_form(form.text)[1]["key"],
            "username": "anna@skatteverket.se",
            "password": PASSWORD,
        },
    )
    action, fields = posted_form(answer.text)
    assert browser.visit(action, "POST", fields).url == "http://testserver/"
    client.post("/logout/")

    replayed = browser.visit(action, "POST", fields)

    assert replayed.url == "http://testserver/login/"
    assert not get_user(client).is_authenticated


def test_service_provider_metadata_names_the_agencys_entity_and_assertion_service(
    client, saml_idp, agency
):
    saml_provider_for(agency, saml_idp, domains=("skatteverket.se",))

    metadata = client.get("/sso/saml/skatteverket/metadata/").content.decode()

    assert 'entityID="http://testserver/sso/saml/skatteverket/metadata/"' in metadata
    assert 'Location="http://testserver/sso/saml/skatteverket/acs/"' in metadata
    assert "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" in metadata
