"""What the OpenID Connect client checks beyond the shared rules (real provider on localhost)."""

import pytest
from django.contrib.auth import get_user

from accounts.models import IdentityProtocol, IdentityProvider, User
from tests import factories
from tests.accounts.sso.fixtures import Browser, oidc_log_in, oidc_provider_for

pytestmark = pytest.mark.django_db

PASSWORD = "idp-lösenord-123"


@pytest.fixture
def agency():
    return factories.AgencyFactory(name="Skatteverket", slug="skatteverket")


def test_email_the_provider_has_not_verified_is_refused(client, oidc_idp, agency):
    oidc_provider_for(agency, oidc_idp, domains=("skatteverket.se",), jit_provisioning=True)
    oidc_idp.add_user(
        email="overifierad@skatteverket.se", password=PASSWORD, name="X", email_verified=False
    )

    page = oidc_log_in(
        Browser(client), slug="skatteverket", email="overifierad@skatteverket.se", password=PASSWORD
    )

    assert not get_user(client).is_authenticated
    assert not User.objects.filter(email="overifierad@skatteverket.se").exists()
    assert "verified" in page.text or "verifierat" in page.text


def test_provider_trusted_to_own_its_addresses_may_omit_verification(client, oidc_idp, agency):
    oidc_provider_for(
        agency,
        oidc_idp,
        domains=("skatteverket.se",),
        jit_provisioning=True,
        assume_email_verified=True,
    )
    oidc_idp.add_user(
        email="entra@skatteverket.se", password=PASSWORD, name="Entra", email_verified=False
    )

    oidc_log_in(
        Browser(client), slug="skatteverket", email="entra@skatteverket.se", password=PASSWORD
    )

    assert get_user(client).email == "entra@skatteverket.se"


def test_login_sends_the_person_to_the_provider_with_state_nonce_and_pkce(client, oidc_idp, agency):
    oidc_provider_for(agency, oidc_idp, domains=("skatteverket.se",))

    response = client.get("/sso/oidc/skatteverket/login/?email=anna@skatteverket.se")

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{oidc_idp.issuer}/authorize/")
    for parameter in ("state=", "nonce=", "code_challenge=", "code_challenge_method=S256"):
        assert parameter in location
    assert "login_hint=anna%40skatteverket.se" in location


def test_callback_with_a_state_this_browser_never_had_logs_nobody_in(client, oidc_idp, agency):
    oidc_provider_for(agency, oidc_idp, domains=("skatteverket.se",), jit_provisioning=True)

    response = client.get("/sso/oidc/callback/?code=stulen&state=okand", follow=True)

    assert not get_user(client).is_authenticated
    assert response.redirect_chain[-1][0] == "/login/"


def test_person_who_cancels_at_the_provider_is_told_so(client, oidc_idp, agency):
    oidc_provider_for(agency, oidc_idp, domains=("skatteverket.se",))
    start = client.get("/sso/oidc/skatteverket/login/")
    state = start["Location"].split("state=")[1].split("&")[0]

    response = client.get(f"/sso/oidc/callback/?error=access_denied&state={state}", follow=True)

    assert response.status_code == 200
    assert "cancelled" in response.content.decode() or "avbröts" in response.content.decode()


def test_provider_that_does_not_answer_gives_a_message_not_an_error(client, agency):
    IdentityProvider.objects.create(
        agency=agency,
        protocol=IdentityProtocol.OIDC,
        display_name="Nere",
        issuer="http://127.0.0.1:9/o",
        client_id="x",
    )

    response = client.get("/sso/oidc/skatteverket/login/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/login/"
    assert (
        "does not answer" in response.content.decode() or "svarar inte" in response.content.decode()
    )


def test_disabled_provider_has_no_login(client, oidc_idp, agency):
    oidc_provider_for(agency, oidc_idp, domains=("skatteverket.se",), enabled=False)

    assert client.get("/sso/skatteverket/login/").status_code == 404
    assert client.get("/sso/oidc/skatteverket/login/").status_code == 404
