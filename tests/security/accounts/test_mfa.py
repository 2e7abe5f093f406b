import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories
from tests.security.accounts.conftest import PASSWORD, code_for, confirmed_device, web_login

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.mark.parametrize("factory", [factories.CoordinatorFactory, factories.AdminFactory])
def test_coordinators_and_admins_without_a_device_are_sent_to_set_one_up(client, factory):
    user = factory()
    web_login(client, user.email)

    response = client.get("/needs/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/mfa/setup/")


def test_a_coordinator_with_a_device_is_sent_to_the_verification_step(client):
    coordinator = factories.CoordinatorFactory()
    confirmed_device(coordinator)

    response = client.get(web_login(client, coordinator.email)["Location"])

    assert response.status_code == 302
    assert response["Location"].startswith("/account/mfa/verify/")


def test_pages_and_session_api_are_refused_until_the_code_is_given(client):
    coordinator = factories.CoordinatorFactory()
    confirmed_device(coordinator)
    web_login(client, coordinator.email)

    assert client.get("/approvals/").status_code == 302
    assert client.get("/admin/").status_code == 302
    assert client.get("/api/v1/me/").status_code == 403
    assert client.get("/account/mfa/verify/").status_code == 200


def test_the_right_code_opens_the_pages(client):
    coordinator = factories.CoordinatorFactory()
    device = confirmed_device(coordinator)
    web_login(client, coordinator.email)

    response = client.post("/account/mfa/verify/", {"otp": code_for(device), "next": "/approvals/"})

    assert response.status_code == 302
    assert response["Location"] == "/approvals/"
    assert client.get("/approvals/").status_code == 200


def test_a_wrong_code_keeps_the_pages_closed(client):
    coordinator = factories.CoordinatorFactory()
    device = confirmed_device(coordinator)
    web_login(client, coordinator.email)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = client.post("/account/mfa/verify/", {"otp": wrong})

    assert response.status_code == 200
    assert client.get("/approvals/").status_code == 302


def test_a_pending_coordinator_may_not_replace_their_device_with_a_password_alone(client):
    coordinator = factories.CoordinatorFactory()
    confirmed_device(coordinator)
    web_login(client, coordinator.email)

    response = client.get("/account/mfa/setup/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/mfa/verify/")


def test_setting_up_a_device_shows_the_secret_and_qr_code_and_confirms_with_a_code(client):
    coordinator = factories.CoordinatorFactory()
    web_login(client, coordinator.email)

    page = client.get("/account/mfa/setup/")
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    body = page.content.decode()
    assert "otpauth://totp/" in body
    assert "<svg" in body
    response = client.post("/account/mfa/setup/", {"otp": code_for(device), "next": "/"})

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/approvals/").status_code == 200


def test_a_specialist_logs_in_without_a_second_factor(client):
    specialist = factories.UserFactory()
    web_login(client, specialist.email)

    assert client.get("/needs/").status_code == 200


def test_a_specialist_who_opted_in_is_asked_for_the_code(client):
    specialist = factories.UserFactory()
    confirmed_device(specialist)
    web_login(client, specialist.email)

    assert client.get("/needs/")["Location"].startswith("/account/mfa/verify/")


def test_a_specialist_may_turn_the_second_factor_off_but_a_coordinator_may_not(client):
    specialist = factories.UserFactory()
    coordinator = factories.CoordinatorFactory()
    confirmed_device(specialist)
    confirmed_device(coordinator)

    client.force_login(specialist)
    client.post("/account/security/", {"action": "mfa-off"})
    client.force_login(coordinator)
    client.post("/account/security/", {"action": "mfa-off"})

    assert not TOTPDevice.objects.filter(user=specialist).exists()
    assert TOTPDevice.objects.filter(user=coordinator).exists()


def test_api_token_login_of_a_coordinator_without_otp_is_400_naming_otp(api_client):
    coordinator = factories.CoordinatorFactory()
    confirmed_device(coordinator)

    response = api_client.post(TOKEN_URL, {"email": coordinator.email, "password": PASSWORD})

    assert response.status_code == 400
    assert "otp" in response.json()


def test_api_token_login_of_a_coordinator_without_a_device_says_to_set_it_up(api_client):
    coordinator = factories.CoordinatorFactory()

    response = api_client.post(
        TOKEN_URL, {"email": coordinator.email, "password": PASSWORD, "otp": "123456"}
    )

    assert response.status_code == 400
    assert "Set it up on the web" in response.json()["otp"][0]


def test_api_token_login_of_an_admin_with_the_right_code_gives_a_token(api_client):
    admin = factories.AdminFactory()
    device = confirmed_device(admin)

    response = api_client.post(
        TOKEN_URL, {"email": admin.email, "password": PASSWORD, "otp": code_for(device)}
    )

    assert response.status_code == 200
    assert response.json()["token"]


def test_api_token_login_with_a_wrong_code_is_400_naming_otp(api_client):
    admin = factories.AdminFactory()
    device = confirmed_device(admin)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = api_client.post(
        TOKEN_URL, {"email": admin.email, "password": PASSWORD, "otp": wrong}
    )

    assert response.status_code == 400
    assert "otp" in response.json()


def test_api_token_login_of_a_specialist_needs_no_code(api_client):
    specialist = factories.UserFactory()

    response = api_client.post(TOKEN_URL, {"email": specialist.email, "password": PASSWORD})

    assert response.status_code == 200


def test_pages_after_the_code_do_not_read_the_device_again(client):
    """The session's device is read when a page asks whether the session is verified; once
    the second factor is given, no page does, so none pays a query for it."""
    coordinator = factories.CoordinatorFactory()
    device = confirmed_device(coordinator)
    web_login(client, coordinator.email)
    client.post("/account/mfa/verify/", {"otp": code_for(device), "next": "/"})

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/needs/").status_code == 200

    device_table = TOTPDevice._meta.db_table
    assert not [q["sql"] for q in queries.captured_queries if device_table in q["sql"]]


def test_the_verify_page_still_knows_a_verified_session(client):
    coordinator = factories.CoordinatorFactory()
    device = confirmed_device(coordinator)
    web_login(client, coordinator.email)
    client.post("/account/mfa/verify/", {"otp": code_for(device), "next": "/"})

    response = client.get("/account/mfa/verify/")

    assert response.status_code == 302  # already verified: nothing left to give
