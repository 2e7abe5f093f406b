"""Fixtures for the reliability tests: a small market, real outages, real workers."""

import contextlib
import socket
import time
from collections.abc import Callable, Iterator

import pytest
from django.db import connection
from django.urls import Resolver404, resolve

from tests import factories
from tests.notifications.conftest import smtp_server  # noqa: F401


def wait_for(predicate: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(autouse=True)
def _privacy_routes(settings) -> None:
    """Serve the privacy endpoints even while the API's url list does not include them yet."""
    try:
        resolve("/api/v1/me/export/")
    except Resolver404:
        settings.ROOT_URLCONF = "tests.security.reliability.urls"


@pytest.fixture
def market(db):
    """An open need of agency B, and agency A's shareable specialist proposed for it."""
    lender, borrower = factories.AgencyFactory(), factories.AgencyFactory()
    specialist = factories.SpecialistFactory(
        agency=lender, phone="070-123 45 67", summary="Molnarkitekt med tio års erfarenhet."
    )
    factories.AvailabilityFactory(specialist=specialist, capacity_percent=100)
    need = factories.NeedFactory(agency=borrower, capacity_percent=40)
    match = factories.MatchFactory(need=need, specialist=specialist)
    return {
        "lender": lender,
        "borrower": borrower,
        "specialist": specialist,
        "need": need,
        "match": match,
        "lender_manager": factories.ManagerFactory(agency=lender),
        "borrower_manager": factories.ManagerFactory(agency=borrower),
        "coordinator": factories.CoordinatorFactory(),
        "admin": factories.AdminFactory(),
    }


@contextlib.contextmanager
def database_refusing() -> Iterator[None]:
    """Point the default connection at a closed port: every new query is refused for real."""
    saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)
        connection.ensure_connection()


@contextlib.contextmanager
def broker_on(url: str) -> Iterator[None]:
    """Point the app's publishing side at another broker."""
    from marketplace.celery import app

    saved = (app.conf.broker_url, app._pool, app.amqp._producer_pool)
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_url, app._pool, app.amqp._producer_pool = saved


@contextlib.contextmanager
def broker_unreachable() -> Iterator[None]:
    """Point the app's publishing side at a closed port (a real refused connection)."""
    with broker_on(f"redis://127.0.0.1:{closed_port()}/0"):
        yield
