import os

import pytest
from django.test import Client

from tests import factories

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to be
# called from a thread with a running loop unless told it is safe (it is: one thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives Debian's Chromium through Playwright (needs /usr/bin/chromium)"
    )


@pytest.fixture
def web_client_for():
    """A browser-like test client logged in (by session) as the given user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def borrowing_manager(db):
    return factories.ManagerFactory(language="sv")


@pytest.fixture
def lending_agency(db):
    return factories.AgencyFactory()


@pytest.fixture
def lending_manager(lending_agency):
    return factories.ManagerFactory(agency=lending_agency)


@pytest.fixture
def coordinator(db):
    return factories.CoordinatorFactory()


@pytest.fixture
def specialist(lending_agency):
    return factories.SpecialistFactory(agency=lending_agency)


@pytest.fixture
def open_need(borrowing_manager):
    return factories.NeedFactory(agency=borrowing_manager.agency)


@pytest.fixture
def proposed_match(open_need, specialist):
    factories.AvailabilityFactory(specialist=specialist, capacity_percent=100)
    return factories.MatchFactory(need=open_need, specialist=specialist)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Factories hash a password for every user; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
