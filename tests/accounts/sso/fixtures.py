"""Identity providers started by the tests, and a browser that walks the login between them.

`oidc_idp` is django-oauth-toolkit's OpenID Connect provider in its own process;
`saml_idp` is pysaml2's IdP in a thread. Both listen on free ports of 127.0.0.1 and speak
their protocol for real: the product under test (Django's test client, host "testserver")
and the providers exchange every message a browser and a back channel would. Import the
fixtures into a conftest.py to use them.
"""

import datetime as dt
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.test import Client

from accounts.models import IdentityProtocol, IdentityProvider, IdentityProviderDomain
from accounts.sso.saml import identity_provider_saml_metadata_load
from accounts.sso.secrets import secret_encrypt
from tests.accounts.sso.saml_idp import IdpUser, SamlIdentityProvider, posted_form

TEST_HOST = "http://testserver"
OIDC_CALLBACK = f"{TEST_HOST}/sso/oidc/callback/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def key_and_certificate(folder: Path, name: str) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"test {name}")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = folder / f"{name}.key", folder / f"{name}.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


# OpenID Connect -------------------------------------------------------------------------------


@dataclass
class OidcIdentityProvider:
    base_url: str
    control_token: str

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/o"

    def _control(self, path: str, payload: dict) -> None:
        response = requests.post(
            f"{self.base_url}/_test/{path}",
            json=payload,
            headers={"X-Test-Control": self.control_token},
            timeout=10,
        )
        response.raise_for_status()

    def add_user(
        self,
        *,
        email: str,
        password: str,
        name: str,
        groups: tuple[str, ...] = (),
        mfa: bool = False,
        email_verified: bool = True,
    ) -> None:
        self._control(
            "users",
            {
                "email": email,
                "password": password,
                "name": name,
                "groups": list(groups),
                "mfa": mfa,
                "email_verified": email_verified,
            },
        )

    def add_client(
        self, *, client_id: str, client_secret: str, redirect_uri: str = OIDC_CALLBACK
    ) -> None:
        self._control(
            "clients",
            {
                "client_id": client_id,
                "client_secret": client_secret,
                "redirect_uris": [redirect_uri],
            },
        )


@pytest.fixture(scope="session")
def sso_keys() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="sso-keys-") as folder:
        yield Path(folder)


@pytest.fixture(scope="session")
def oidc_idp(sso_keys: Path) -> Iterator[OidcIdentityProvider]:
    """django-oauth-toolkit's OpenID Connect provider, in a process of its own."""
    port = _free_port()
    key_file, _ = key_and_certificate(sso_keys, "oidc")
    token = secrets.token_urlsafe(16)
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL")
    }
    environment.update(
        TEST_IDP_PORT=str(port),
        TEST_IDP_DB=str(sso_keys / "oidc-idp.sqlite3"),
        TEST_IDP_KEY_FILE=str(key_file),
        TEST_IDP_CONTROL_TOKEN=token,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.accounts.sso.oidc_idp.serve"],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = process.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"the test OpenID Connect provider did not start: {line}")
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base_url}/_test/ready", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield OidcIdentityProvider(base_url=base_url, control_token=token)
    finally:
        process.terminate()
        process.wait(timeout=10)


def oidc_provider_for(
    agency,
    idp: OidcIdentityProvider,
    *,
    domains: tuple[str, ...],
    display_name: str = "Myndighetens inloggning",
    redirect_uri: str = OIDC_CALLBACK,
    **fields,
) -> IdentityProvider:
    """An agency's OpenID Connect provider, registered as a client at the test provider
    (`redirect_uri`: the product's callback as the browser reaches it)."""
    client_id = f"delad-{agency.slug}-{secrets.token_hex(4)}"
    client_secret = secrets.token_urlsafe(24)
    idp.add_client(client_id=client_id, client_secret=client_secret, redirect_uri=redirect_uri)
    provider = IdentityProvider.objects.create(
        agency=agency,
        protocol=IdentityProtocol.OIDC,
        display_name=display_name,
        issuer=idp.issuer,
        client_id=client_id,
        client_secret_encrypted=secret_encrypt(client_secret),
        **fields,
    )
    for domain in domains:
        IdentityProviderDomain.objects.create(provider=provider, domain=domain)
    return provider


# SAML 2.0 -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def saml_idp(sso_keys: Path) -> Iterator[SamlIdentityProvider]:
    """pysaml2's identity provider, serving from a thread."""
    key_file, cert_file = key_and_certificate(sso_keys, "saml-idp")
    idp = SamlIdentityProvider(key_file=str(key_file), cert_file=str(cert_file)).start()
    try:
        yield idp
    finally:
        idp.stop()


def saml_provider_for(
    agency,
    idp: SamlIdentityProvider,
    *,
    domains: tuple[str, ...],
    display_name: str = "Myndighetens inloggning",
    **fields,
) -> IdentityProvider:
    """An agency's SAML provider configured from the IdP's metadata URL, and the IdP told
    of the agency's service provider (its metadata as the product publishes it)."""
    provider = IdentityProvider.objects.create(
        agency=agency,
        protocol=IdentityProtocol.SAML,
        display_name=display_name,
        saml_metadata_url=f"{idp.base_url}/metadata",
        **fields,
    )
    identity_provider_saml_metadata_load(actor=None, provider=provider)
    for domain in domains:
        IdentityProviderDomain.objects.create(provider=provider, domain=domain)
    metadata = Client().get(f"/sso/saml/{agency.slug}/metadata/")
    assert metadata.status_code == 200
    idp.trust_service_provider(metadata.content.decode())
    return provider


# The browser --------------------------------------------------------------------------------


@dataclass
class Page:
    url: str
    status: int
    text: str


class Browser:
    """Follows redirects between the product (Django's test client) and the providers
    (real HTTP), keeping each side's cookies, as a person's browser would."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.web = requests.Session()

    def _send(self, method: str, url: str, data: dict | None) -> tuple[int, str | None, str]:
        parts = urlsplit(url)
        if parts.netloc in ("", "testserver"):
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            response = (
                self.client.post(path, data or {}) if method == "POST" else self.client.get(path)
            )
            return response.status_code, response.get("Location"), response.content.decode()
        response = self.web.request(method, url, data=data, allow_redirects=False, timeout=20)
        return response.status_code, response.headers.get("Location"), response.text

    def visit(self, url: str, method: str = "GET", data: dict | None = None) -> Page:
        url = urljoin(TEST_HOST, url)
        for _hop in range(15):
            status, location, text = self._send(method, url, data)
            if status not in (301, 302, 303) or not location:
                return Page(url=url, status=status, text=text)
            url, method, data = urljoin(url, location), "GET", None
        raise AssertionError("too many redirects")


def oidc_log_in(browser: Browser, *, slug: str, email: str, password: str, start: str = "") -> Page:
    """From "Log in with …" through the provider's login form back into the product."""
    form = browser.visit(start or f"/sso/{slug}/login/?email={email}")
    assert form.status == 200 and 'action="/login/"' in form.text, form.text[:500]
    next_url = posted_form(form.text)[1]["next"]
    login_url = urljoin(form.url, "/login/")
    return browser.visit(
        login_url, "POST", {"username": email, "password": password, "next": next_url}
    )


def saml_log_in(browser: Browser, *, slug: str, email: str, password: str, start: str = "") -> Page:
    """From "Log in with …" through the IdP's login form; its signed answer posted back."""
    form = browser.visit(start or f"/sso/{slug}/login/?email={email}")
    assert form.status == 200 and 'action="/login"' in form.text, form.text[:500]
    key = posted_form(form.text)[1]["key"]
    answer = browser.visit(
        urljoin(form.url, "/login"), "POST", {"key": key, "username": email, "password": password}
    )
    assert answer.status == 200 and "SAMLResponse" in answer.text, answer.text[:500]
    action, fields = posted_form(answer.text)
    return browser.visit(action, "POST", fields)


@dataclass
class SsoHarness:
    """One protocol's provider set-up and login, so a rule is tested once for both."""

    protocol: str
    idp: object

    def provider_for(self, agency, *, domains: tuple[str, ...], **fields) -> IdentityProvider:
        make = oidc_provider_for if self.protocol == "oidc" else saml_provider_for
        return make(agency, self.idp, domains=domains, **fields)

    def add_user(
        self, *, email: str, password: str, name: str, groups: tuple[str, ...] = (), mfa=False
    ) -> None:
        if self.protocol == "oidc":
            self.idp.add_user(email=email, password=password, name=name, groups=groups, mfa=mfa)
        else:
            self.idp.add_user(IdpUser(email, password, name, list(groups), mfa))

    def log_in(self, browser: Browser, *, slug: str, email: str, password: str, start="") -> Page:
        log_in = oidc_log_in if self.protocol == "oidc" else saml_log_in
        return log_in(browser, slug=slug, email=email, password=password, start=start)


@pytest.fixture(params=["oidc", pytest.param("saml", marks=pytest.mark.xmlsec)])
def sso(request: pytest.FixtureRequest) -> SsoHarness:
    """Each test that asks for it runs once with OpenID Connect and once with SAML."""
    idp = request.getfixturevalue(f"{request.param}_idp")
    return SsoHarness(protocol=request.param, idp=idp)


__all__ = [
    "Browser",
    "IdpUser",
    "Page",
    "SsoHarness",
    "key_and_certificate",
    "oidc_idp",
    "oidc_log_in",
    "oidc_provider_for",
    "saml_idp",
    "saml_log_in",
    "saml_provider_for",
    "sso",
    "sso_keys",
]
