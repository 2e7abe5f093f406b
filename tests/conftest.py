import os
import shutil

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tests import factories


def _on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres`, `redis`, `browser`, `faketime` or `xmlsec` need those; CI must
    never skip them."""
    require = os.environ.get("REQUIRE_SERVICES") == "1"
    # PostgreSQL, a real broker and a real browser are not there in the embedded default;
    # these say what to provide. `.ci/run` provides all three and sets REQUIRE_SERVICES=1.
    skip_reasons = {
        "postgres": "needs PostgreSQL (row locks, query plans): set DATABASE_URL=postgres://...",
        "redis": "needs a real Celery worker on Redis: set REDIS_URL=redis://...",
        "browser": "needs Debian's Chromium at /usr/bin/chromium: apt-get install chromium",
        "faketime": "needs Debian's faketime for a whole-process clock: apt-get install faketime",
        "xmlsec": "needs Debian's xmlsec1 for SAML signatures: apt-get install xmlsec1",
    }
    available = {
        "postgres": _on_postgres(),
        "redis": bool(settings.REDIS_URL),
        "browser": os.path.exists("/usr/bin/chromium"),
        "faketime": shutil.which("faketime") is not None,
        "xmlsec": shutil.which("xmlsec1") is not None,
    }
    for item in items:
        for marker, reason in skip_reasons.items():
            if not available[marker] and item.get_closest_marker(marker):
                if require:
                    raise pytest.UsageError(f"REQUIRE_SERVICES=1 but the test {reason}")
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def agency():
    return factories.AgencyFactory()


@pytest.fixture
def other_agency():
    return factories.AgencyFactory()


@pytest.fixture
def client_for():
    """An API client authenticated as the given user (token auth, as integrations use)."""

    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture(autouse=True)
def _celery_in_process_unless_live_worker(request: pytest.FixtureRequest) -> None:
    """Tasks run in-process in unit tests; tests that ask for `live_worker` get a real one."""
    from marketplace.celery import app

    if "live_worker" in request.fixturenames:
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def live_worker(transactional_db):
    """A real Celery worker thread consuming every queue from the Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from marketplace.celery import app

    if not settings.REDIS_URL:
        pytest.skip("needs Redis; set REDIS_URL")
    app.conf.task_always_eager = False
    queues = ["default", "matching", "notifications"]
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=30,
        queues=queues,
        loglevel="WARNING",
    ) as worker:
        yield worker


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached lists (skills, agencies) outlive earlier tests' rolled-back rows, and cached
    page fragments other tests' URL settings: start clean."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser. One for the
    whole session: Playwright's sync API allows one at a time."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
