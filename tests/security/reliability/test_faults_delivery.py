"""Exactly-once email through faults: database connections terminated during a write
burst, and a worker killed (SIGKILL) in the middle of a batch.

Each test prints its figures (expected, delivered, doubled, lost), counted by Message-ID
at a real SMTP server, and asserts that every email of a committed notification arrived
exactly once and nothing else did.
"""

import os
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest
from django.db import InterfaceError, OperationalError, connection, transaction

from accounts.models import Role, User
from notifications import tasks
from notifications.models import Channel, Delivery, DeliveryStatus, NotificationKind
from notifications.services import notify
from tests import factories
from tests.security.reliability.conftest import wait_for
from tests.security.reliability.test_faults_worker import _database_url, _start_worker, _stop

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]
CONTEXT = {"need_title": "Molnarkitekt", "specialist_name": "Anna Ek", "match_id": 1}


def _message_id(key: str) -> str:
    return f"<{key}@notifications.delad-kompetens>"


def _figures(name: str, expected: set[str], smtp_server) -> dict[str, int]:
    arrived = Counter(smtp_server.message_ids())
    figures = {
        "expected": len(expected),
        "delivered": sum(1 for key in expected if arrived[key] >= 1),
        "doubled": sum(1 for key in expected if arrived[key] > 1),
        "lost": sum(1 for key in expected if arrived[key] == 0),
        "unexpected": sum(count for key, count in arrived.items() if key not in expected),
    }
    print(f"\n{name}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    return figures


def _committed_email_ids() -> set[str]:
    keys = Delivery.objects.filter(channel=Channel.EMAIL).values_list("idempotency_key", flat=True)
    return {_message_id(key) for key in keys}


def _all_emails_settled() -> bool:
    tasks.sweep()
    busy = Delivery.objects.filter(
        channel=Channel.EMAIL, status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]
    )
    return not busy.exists()


def _terminate_other_backends(times: int, seconds: float, stop: threading.Event) -> list[int]:
    """Terminate every other connection to the test database, `times` times over `seconds`."""
    killed = []
    with psycopg.connect(_database_url(), autocommit=True) as killer:
        for _ in range(times):
            if stop.wait(seconds / times):
                break
            rows = killer.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend'"
            ).fetchall()
            killed.append(len(rows))
    return killed


def test_connections_terminated_25_times_in_a_write_burst_send_every_email_once(
    live_worker, smtp_server, settings
):
    settings.NOTIFICATIONS_SENDING_LEASE_SECONDS = 2
    settings.NOTIFICATIONS_SWEEP_GRACE_SECONDS = 0
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 0.2
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 1
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 50
    agency = factories.AgencyFactory()
    stop = threading.Event()
    killed: list[int] = []
    killer = threading.Thread(
        target=lambda: killed.extend(_terminate_other_backends(25, 15.0, stop)), daemon=True
    )
    committed = refused = 0
    killer.start()
    n = 0
    try:
        while killer.is_alive():
            n += 1
            try:
                with transaction.atomic():
                    user = User.objects.create(
                        email=f"burst-{n}@example.se",
                        name=f"Mottagare {n}",
                        role=Role.SPECIALIST,
                        agency=agency,
                    )
                    notify(kind=NotificationKind.MATCH_APPROVED, recipients=[user], context=CONTEXT)
                committed += 1
            except (OperationalError, InterfaceError):
                refused += 1  # the request would answer 503; nothing of it may be sent
                connection.close()
    finally:
        stop.set()
        killer.join()
        connection.close()  # the last termination may have hit it after its last write

    assert len(killed) == 25 and sum(killed) > 0
    assert committed > 0 and refused > 0
    assert wait_for(_all_emails_settled, timeout=120)
    time.sleep(1)
    expected = _committed_email_ids()
    figures = _figures("database connections terminated", expected, smtp_server)
    assert figures["expected"] == committed  # every committed write, and only those, notified
    assert figures["doubled"] == figures["lost"] == figures["unexpected"] == 0


def _start_notifications_worker(name: str, smtp_port: int) -> subprocess.Popen:
    return _start_worker(
        name,
        queue="notifications",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        NOTIFICATIONS_SENDING_LEASE_SECONDS="2",
    )


@pytest.fixture
def through_redis():
    """Tasks go through the real broker to the workers this test starts."""
    from marketplace.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("notifications")
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


def test_worker_killed_mid_batch_leaves_every_email_sent_once(
    through_redis, smtp_server, settings, tmp_path
):
    # The relay's log, which the sweep reads for a message accepted just before the kill.
    smtp_server.log_path = settings.NOTIFICATIONS_MAIL_LOG_FILE = str(tmp_path / "mail.log")
    settings.NOTIFICATIONS_SENDING_LEASE_SECONDS = 2
    settings.NOTIFICATIONS_SWEEP_GRACE_SECONDS = 0
    smtp_server.delay = 0.05  # a slow server: the batch takes seconds
    recipients = factories.UserFactory.create_batch(80)
    port = settings.EMAIL_PORT
    doomed = _start_notifications_worker("doomed", port)
    rescuer = None
    try:
        with transaction.atomic():
            notify(kind=NotificationKind.MATCH_APPROVED, recipients=recipients, context=CONTEXT)
        assert wait_for(lambda: len(smtp_server.messages) >= 20, timeout=60)
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=10)
        in_flight = Delivery.objects.filter(
            channel=Channel.EMAIL, status=DeliveryStatus.SENDING
        ).count()
        assert in_flight > 0  # killed in the middle of the batch, with rows claimed

        rescuer = _start_notifications_worker("rescuer", port)
        assert wait_for(_all_emails_settled, timeout=120)
        time.sleep(1)
    finally:
        _stop(doomed)
        if rescuer is not None:
            _stop(rescuer)

    expected = _committed_email_ids()
    figures = _figures("worker killed mid-batch", expected, smtp_server)
    assert figures["expected"] == 80
    assert figures["doubled"] == figures["lost"] == figures["unexpected"] == 0
