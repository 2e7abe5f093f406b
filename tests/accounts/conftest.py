import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _lenient_login_throttle(settings):
    # The throttle counts in the cache, which outlives a test (Redis in CI); only the
    # throttle's own test asks for a strict rate.
    settings.LOGIN_THROTTLE_RATE = "1000/minute"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every factory user hashes a password; the production hasher is slow by design.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin():
    return factories.AdminFactory(email="admin@example.se")


@pytest.fixture
def manager(agency):
    return factories.ManagerFactory(agency=agency, email="chef@example.se")


@pytest.fixture
def other_manager(other_agency):
    return factories.ManagerFactory(agency=other_agency, email="annan-chef@example.se")


@pytest.fixture
def specialist(agency):
    return factories.UserFactory(agency=agency, email="specialist@example.se")


@pytest.fixture
def colleague(agency):
    """Another specialist of the same agency as `specialist`."""
    return factories.UserFactory(agency=agency, email="kollega@example.se")


@pytest.fixture
def coordinator():
    return factories.CoordinatorFactory(email="samordnare@example.se")
