"""Real faults for the fault tests: a Redis server of the test's own, stopped and started
again, and PostgreSQL connections of the test database terminated under load."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator

import psycopg
import redis
from django.conf import settings
from django.core import mail
from django.db import connection

from marketplace.models import Match
from notifications.models import Channel, Delivery, DeliveryStatus
from tests import factories
from tests.security.reliability.conftest import wait_for


def free_port(first: int = 6390, last: int = 6499) -> int:
    for port in range(first, last + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for a Redis server of the test's own")


class OwnRedis:
    """A redis-server on a free port, without persistence: a restart loses every queued
    message, as a crashed Redis without AOF would. Never the shared server on 6379."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        assert wait_for(answers, timeout=10), "redis-server did not start"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def caches_on(url: str) -> dict:
    options = {"socket_connect_timeout": 0.2, "socket_timeout": 0.5}
    return {
        **settings.CACHES,
        "default": {
            "BACKEND": "fastpaths.redis_cache.DegradingRedisCache",
            "LOCATION": url,
            "OPTIONS": options,
        },
        "sessions": {
            "BACKEND": "fastpaths.redis_cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": options,
        },
    }


@contextlib.contextmanager
def live_worker_on_broker() -> Iterator[None]:
    from celery.contrib.testing.worker import start_worker

    from marketplace.celery import app

    app.conf.task_always_eager = False
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=30,
        queues=["default", "matching", "notifications"],
        loglevel="WARNING",
    ):
        yield


class Terminator(threading.Thread):
    """Terminates every other connection to the test database `times` times, evenly over
    `seconds` (only this database's: other worktrees share the server)."""

    def __init__(self, *, times: int, seconds: float) -> None:
        super().__init__(daemon=True)
        self.times, self.seconds, self.terminated = times, seconds, 0
        params = connection.get_connection_params()
        self.dsn = {k: params[k] for k in ("dbname", "user", "host", "port") if k in params}

    def run(self) -> None:
        with psycopg.connect(**self.dsn, autocommit=True) as own:
            for _ in range(self.times):
                time.sleep(self.seconds / self.times)
                rows = own.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).fetchall()
                self.terminated += len(rows)


def proposed_matches(count: int) -> tuple[list[Match], object]:
    """`count` proposed matches, each its own need and specialist; and a coordinator."""
    lender, borrower = factories.AgencyFactory(), factories.AgencyFactory()
    factories.ManagerFactory(agency=lender)
    factories.ManagerFactory(agency=borrower)
    matches = []
    for index in range(count):
        specialist = factories.SpecialistFactory(agency=lender)
        factories.AvailabilityFactory(specialist=specialist, capacity_percent=100)
        need = factories.NeedFactory(agency=borrower, capacity_percent=40, title=f"Behov {index}")
        matches.append(factories.MatchFactory(need=need, specialist=specialist))
    return matches, factories.CoordinatorFactory()


def email_figures(kind: str) -> dict[str, int]:
    """Expected, delivered, doubled and lost emails of one kind, per recipient."""
    expected = Counter(
        Delivery.objects.filter(channel=Channel.EMAIL, notification__kind=kind).values_list(
            "notification__recipient__email", flat=True
        )
    )
    delivered = Counter(message.to[0] for message in mail.outbox)
    return {
        "expected": sum(expected.values()),
        "delivered": sum(delivered.values()),
        "doubled": sum(max(0, delivered[r] - expected[r]) for r in delivered),
        "lost": sum(max(0, expected[r] - delivered[r]) for r in expected),
    }


def all_emails_sent(kind: str) -> bool:
    pending = Delivery.objects.filter(channel=Channel.EMAIL, notification__kind=kind).exclude(
        status=DeliveryStatus.SENT
    )
    return not pending.exists()


def need_body(**changes: object) -> dict:
    """A valid `POST needs/` body, with `changes`."""
    body = {
        "title": "Molnarkitekt till migreringen",
        "description": "Flytt av e-tjänster till egen molnplattform.",
        "skills": [],
        "start": "2031-03-04",
        "end": "2031-06-27",
        "capacity_percent": 50,
        "headcount": 1,
        "clearance_required": 0,
        "languages": ["sv"],
        "region": "",
        "remote_ok": True,
        "allow_own_agency": False,
    }
    return {**body, **changes}
