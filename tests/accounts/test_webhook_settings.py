"""An agency's webhook: https to public addresses only, and a write-only secret."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Agency
from accounts.webhooks import webhook_url_check
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.se/x",  # not https
        "https://127.0.0.1/x",  # loopback
        "https://[::1]/x",
        "https://10.1.2.3/x",  # private
        "https://192.168.0.10/x",
        "https://169.254.169.254/latest/meta-data/",  # link-local (cloud metadata)
        "https://0.0.0.0/x",
        "https://localhost/x",
    ],
)
def test_webhook_url_to_an_internal_or_plain_http_target_is_refused(url, settings):
    settings.NOTIFICATIONS_WEBHOOK_ALLOW_HTTP_LOCALHOST = False

    with pytest.raises(ValidationError):
        webhook_url_check(url)


def test_webhook_url_to_a_public_https_address_is_accepted(settings):
    settings.NOTIFICATIONS_WEBHOOK_ALLOW_HTTP_LOCALHOST = False

    webhook_url_check("https://93.184.216.34/hooks/delad-kompetens")


def test_development_setting_allows_http_to_localhost_only(settings):
    settings.NOTIFICATIONS_WEBHOOK_ALLOW_HTTP_LOCALHOST = True

    webhook_url_check("http://127.0.0.1:8123/hook")
    webhook_url_check("http://localhost:8123/hook")
    with pytest.raises(ValidationError):
        webhook_url_check("http://10.0.0.1/hook")


@pytest.fixture
def admin_client(client):
    client.force_login(factories.AdminFactory())
    client.cookies["django_language"] = "en"
    return client


def _agency_form(agency: Agency, **changes) -> dict:
    return {
        "name": agency.name,
        "slug": agency.slug,
        "org_number": agency.org_number,
        "contact_email": agency.contact_email,
        "webhook_url": "",
        "consultant_rate_overrides": "{}",
        **changes,
    }


def test_admin_never_displays_the_webhook_secret(admin_client):
    agency = factories.AgencyFactory(
        webhook_url="https://93.184.216.34/h", webhook_secret="hemlig-nyckel-123"
    )

    page = admin_client.get(f"/admin/accounts/agency/{agency.pk}/change/").content.decode()

    assert 'name="webhook_secret"' not in page
    assert "hemlig-nyckel-123" not in page


def test_admin_refuses_a_webhook_url_to_an_internal_address(admin_client, settings):
    settings.NOTIFICATIONS_WEBHOOK_ALLOW_HTTP_LOCALHOST = False
    agency = factories.AgencyFactory()

    response = admin_client.post(
        f"/admin/accounts/agency/{agency.pk}/change/",
        _agency_form(agency, webhook_url="https://127.0.0.1/hook"),
    )

    assert response.status_code == 200
    assert "public address" in response.content.decode()
    agency.refresh_from_db()
    assert agency.webhook_url == ""


def test_admin_generates_the_secret_with_the_url_and_shows_it_once(admin_client, settings):
    settings.NOTIFICATIONS_WEBHOOK_ALLOW_HTTP_LOCALHOST = False
    agency = factories.AgencyFactory(webhook_secret="")

    response = admin_client.post(
        f"/admin/accounts/agency/{agency.pk}/change/",
        _agency_form(agency, webhook_url="https://93.184.216.34/hook"),
        follow=True,
    )

    agency.refresh_from_db()
    assert len(agency.webhook_secret) >= 40
    assert agency.webhook_secret in response.content.decode()
    again = admin_client.get(f"/admin/accounts/agency/{agency.pk}/change/").content.decode()
    assert agency.webhook_secret not in again


def test_admin_rotates_the_secret_and_shows_the_new_one_once(admin_client):
    agency = factories.AgencyFactory(webhook_url="https://93.184.216.34/h", webhook_secret="old")

    response = admin_client.post(
        "/admin/accounts/agency/",
        {"action": "webhook_secret_rotate", "_selected_action": [agency.pk]},
        follow=True,
    )

    agency.refresh_from_db()
    assert agency.webhook_secret not in ("old", "")
    assert agency.webhook_secret in response.content.decode()
    listing = admin_client.get("/admin/accounts/agency/").content.decode()
    assert agency.webhook_secret not in listing
