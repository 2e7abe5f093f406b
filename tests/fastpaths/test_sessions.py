"""Sessions read through Redis, with the database as their record (fastpaths/sessions.py)."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client

from fastpaths.sessions import SessionStore
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

UNREACHABLE = {
    "BACKEND": "fastpaths.redis_cache.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"socket_connect_timeout": 0.2},
}


@pytest.fixture
def signed_in(client: Client):
    client.force_login(factories.ManagerFactory())
    return client


def _key(client: Client) -> str:
    return client.cookies["sessionid"].value


def test_a_page_reads_its_session_from_the_cache(settings, signed_in):
    settings.SESSION_ENGINE = "fastpaths.sessions"
    key = _key(signed_in)
    assert signed_in.get("/").status_code == 200
    assert caches["default"].get(SessionStore.cache_key_prefix + key) is not None


def test_logging_out_drops_the_cached_copy_and_the_row(settings, signed_in):
    settings.SESSION_ENGINE = "fastpaths.sessions"
    key = _key(signed_in)
    signed_in.get("/")

    signed_in.post("/logout/")

    assert caches["default"].get(SessionStore.cache_key_prefix + key) is None
    assert not Session.objects.filter(session_key=key).exists()
    again = Client()
    again.cookies["sessionid"] = key
    assert again.get("/").status_code == 302  # to the login page


def test_pages_open_from_the_database_while_the_cache_does_not_answer(settings, signed_in):
    settings.SESSION_ENGINE = "fastpaths.sessions"
    settings.CACHES = {**settings.CACHES, "sessions": UNREACHABLE}
    settings.SESSION_CACHE_ALIAS = "sessions"

    assert signed_in.get("/").status_code == 200


def test_a_logout_the_cache_cannot_hear_keeps_the_session_whole(settings, signed_in):
    """Deleting only the row would leave a cached copy to come back with the cache."""
    settings.SESSION_ENGINE = "fastpaths.sessions"
    key = _key(signed_in)
    signed_in.get("/")
    settings.CACHES = {**settings.CACHES, "sessions": UNREACHABLE}
    settings.SESSION_CACHE_ALIAS = "sessions"

    with pytest.raises(Exception):  # noqa: B017 - the cache client's connection error
        SessionStore(key).delete()

    assert Session.objects.filter(session_key=key).exists()
