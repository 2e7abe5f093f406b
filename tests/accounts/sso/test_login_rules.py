"""The agency's login rules, each tested by a real round trip through both protocols.

Every test runs twice: against django-oauth-toolkit's OpenID Connect provider and against
pysaml2's SAML IdP, both started on localhost by the tests (see fixtures.py).
"""

import pytest
from django.contrib.auth import get_user
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import PENDING_SESSION_KEY
from accounts.models import Role, User
from marketplace.models import AuditEvent
from tests import factories
from tests.accounts.sso.fixtures import Browser

pytestmark = pytest.mark.django_db

PASSWORD = "idp-lösenord-123"
DOMAIN = "skatteverket.se"


@pytest.fixture
def agency():
    return factories.AgencyFactory(name="Skatteverket", slug="skatteverket")


def _actions(target) -> set[str]:
    return set(
        AuditEvent.objects.filter(
            object_type=target._meta.label_lower, object_id=str(target.pk)
        ).values_list("action", flat=True)
    )


def _log_in(sso, client, email: str, **person) -> object:
    sso.add_user(email=email, password=PASSWORD, name=person.pop("name", "Kim Berg"), **person)
    return sso.log_in(Browser(client), slug="skatteverket", email=email, password=PASSWORD)


def test_first_login_provisions_a_specialist_of_the_agency(sso, client, agency):
    provider = sso.provider_for(agency, domains=(DOMAIN,), jit_provisioning=True)

    page = _log_in(sso, client, "ny.anstalld@skatteverket.se", name="Ny Anställd")

    user = User.objects.get(email="ny.anstalld@skatteverket.se")
    assert (user.role, user.agency, user.name) == (Role.SPECIALIST, agency, "Ny Anställd")
    assert not user.has_usable_password()
    assert get_user(client) == user
    assert page.url == "http://testserver/" and "Ny Anställd" in page.text
    assert {"user.sso_provision", "user.sso_login"} <= _actions(user)
    event = AuditEvent.objects.get(action="user.sso_provision", object_id=str(user.pk))
    assert event.after["provider"] == provider.pk and event.after["agency"] == agency.pk


def test_existing_user_logs_in_as_themselves_without_a_new_account(sso, client, agency):
    sso.provider_for(agency, domains=(DOMAIN,), jit_provisioning=True)
    anna = factories.UserFactory(agency=agency, email="anna.berg@skatteverket.se", name="Anna")

    page = _log_in(sso, client, "Anna.Berg@Skatteverket.se")

    assert page.status == 200
    assert get_user(client) == anna
    assert User.objects.filter(email__iexact="anna.berg@skatteverket.se").count() == 1
    assert "user.sso_provision" not in _actions(anna)
    assert "user.sso_login" in _actions(anna)


def test_email_outside_the_agencys_domains_is_refused(sso, client, agency):
    provider = sso.provider_for(agency, domains=(DOMAIN,), jit_provisioning=True)

    page = _log_in(sso, client, "privat@gmail.com")

    assert not get_user(client).is_authenticated
    assert not User.objects.filter(email="privat@gmail.com").exists()
    assert page.url.startswith("http://testserver/login/")
    assert "domain your agency" in page.text or "domän" in page.text
    refusal = AuditEvent.objects.get(action="identity_provider.login_refused")
    assert (refusal.object_id, refusal.after["reason"]) == (str(provider.pk), "domain")


def test_deactivated_user_is_refused(sso, client, agency):
    sso.provider_for(agency, domains=(DOMAIN,), jit_provisioning=True)
    factories.UserFactory(agency=agency, email="slutat@skatteverket.se", is_active=False)

    page = _log_in(sso, client, "slutat@skatteverket.se")

    assert not get_user(client).is_authenticated
    assert "deactivated" in page.text or "inaktiverat" in page.text
    assert AuditEvent.objects.filter(
        action="identity_provider.login_refused", after__reason="inactive"
    ).exists()


def test_unknown_person_is_refused_when_the_agency_creates_no_accounts(sso, client, agency):
    sso.provider_for(agency, domains=(DOMAIN,), jit_provisioning=False)

    _log_in(sso, client, "okand@skatteverket.se")

    assert not get_user(client).is_authenticated
    assert not User.objects.filter(email="okand@skatteverket.se").exists()


def test_user_of_another_agency_is_refused(sso, client, agency):
    sso.provider_for(agency, domains=(DOMAIN,), jit_provisioning=True)
    stranger = factories.UserFactory(email="lanad@skatteverket.se")  # of another agency

    _log_in(sso, client, "lanad@skatteverket.se")

    assert not get_user(client).is_authenticated
    stranger.refresh_from_db()
    assert stranger.agency != agency


def test_groups_grant_no_role_without_the_agencys_mapping(sso, client, agency):
    sso.provider_for(agency, domains=(DOMAIN,), jit_provisioning=True)

    _log_in(sso, client, "chef@skatteverket.se", groups=("delad-chefer", "Domain Admins"))

    assert User.objects.get(email="chef@skatteverket.se").role == Role.SPECIALIST


def test_a_mapped_group_grants_its_role_and_no_other(sso, client, agency):
    sso.provider_for(
        agency,
        domains=(DOMAIN,),
        jit_provisioning=True,
        role_mapping={"delad-chefer": Role.MANAGER},
    )

    _log_in(sso, client, "chef@skatteverket.se", groups=("delad-chefer",))
    _log_in(sso, Client(), "admin@skatteverket.se", groups=("Domain Admins",))

    assert User.objects.get(email="chef@skatteverket.se").role == Role.MANAGER
    assert User.objects.get(email="admin@skatteverket.se").role == Role.SPECIALIST


def test_with_a_mapping_a_group_left_at_the_provider_is_a_role_lost(sso, client, agency):
    sso.provider_for(
        agency,
        domains=(DOMAIN,),
        jit_provisioning=True,
        role_mapping={"delad-chefer": Role.MANAGER},
    )
    former = factories.ManagerFactory(agency=agency, email="fd.chef@skatteverket.se")

    _log_in(sso, client, "fd.chef@skatteverket.se", groups=())

    former.refresh_from_db()
    assert former.role == Role.SPECIALIST
    change = AuditEvent.objects.get(action="user.sso_role_change", object_id=str(former.pk))
    assert (change.before, change.after["role"]) == ({"role": "manager"}, "specialist")


def test_coordinator_skips_the_local_code_when_the_provider_asserts_mfa(sso, client, agency):
    sso.provider_for(agency, domains=(DOMAIN,))
    coordinator = factories.CoordinatorFactory(agency=agency, email="samordnare@skatteverket.se")

    page = _log_in(sso, client, coordinator.email, mfa=True)

    assert get_user(client) == coordinator
    assert page.url == "http://testserver/" and page.status == 200
    assert not client.session.get(PENDING_SESSION_KEY)
    assert client.get("/approvals/").status_code == 200


def test_coordinator_gives_the_local_code_when_the_provider_does_not_assert_mfa(
    sso, client, agency
):
    sso.provider_for(agency, domains=(DOMAIN,))
    coordinator = factories.CoordinatorFactory(agency=agency, email="samordnare@skatteverket.se")
    TOTPDevice.objects.create(user=coordinator, name="Authenticator", confirmed=True)

    page = _log_in(sso, client, coordinator.email, mfa=False)

    assert page.url.startswith("http://testserver/account/mfa/verify/")
    assert client.session.get(PENDING_SESSION_KEY)
    assert client.get("/approvals/").status_code == 302


def test_specialist_needs_no_local_code_either_way(sso, client, agency):
    sso.provider_for(agency, domains=(DOMAIN,), jit_provisioning=True)

    page = _log_in(sso, client, "specialist@skatteverket.se", mfa=False)

    assert page.url == "http://testserver/"
    assert not client.session.get(PENDING_SESSION_KEY)


def test_login_returns_to_the_page_asked_for(sso, client, agency):
    sso.provider_for(agency, domains=(DOMAIN,), jit_provisioning=True)
    sso.add_user(email="ny@skatteverket.se", password=PASSWORD, name="Ny")

    page = sso.log_in(
        Browser(client),
        slug="skatteverket",
        email="ny@skatteverket.se",
        password=PASSWORD,
        start="/sso/skatteverket/login/?next=/needs/",
    )

    assert page.url == "http://testserver/needs/" and page.status == 200


def test_new_users_language_is_the_one_they_logged_in_with(sso, client, agency, settings):
    sso.provider_for(agency, domains=(DOMAIN,), jit_provisioning=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = _log_in(sso, client, "english@skatteverket.se")

    assert User.objects.get(email="english@skatteverket.se").language == "en"
    assert "Welcome" in page.text
