"""Notification delivery throughput of one Celery worker, beside a no-op task's rate.

    REDIS_URL=redis://127.0.0.1:6379/5 DATABASE_URL=postgres://postgres@127.0.0.1:5432/h5 \
        .venv/bin/python -m benchmarks.notifications --fanout 10000

Writes one event for `--fanout` users in one transaction (the outbox: a notification, an
in-app and an email delivery each), then measures how long one worker (solo pool, a
thread in this process, consuming the `notifications` and `default` queues of the real
Redis broker) takes from the commit until every delivery is `sent`. Email goes to
Django's locmem backend, so the figure is our cost (claim, render two templates in the
recipient's language, build the MIME message, record), not an SMTP server's. Then it
sends `--pings` `marketplace.ping` tasks to the same worker and times them the same way.
Prints both rates and their ratio. Cleans up the rows it made.
"""

from __future__ import annotations

import argparse
import threading
import time
import uuid

from benchmarks.synthetic import setup_django


def wait_until(predicate, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fanout", type=int, default=10_000)
    parser.add_argument("--pings", type=int, default=5_000)
    parser.add_argument("--timeout", type=float, default=1800.0)
    args = parser.parse_args()

    setup_django()
    import logging

    # Per-task INFO lines would measure the console, not the worker.
    logging.getLogger("celery").setLevel(logging.WARNING)
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.conf import settings
    from django.core import mail
    from django.db import transaction

    from accounts.models import Agency, Role, User
    from marketplace.celery import app, ping
    from notifications.models import Delivery, DeliveryStatus, Notification, NotificationKind
    from notifications.services import notify

    if not settings.REDIS_URL:
        raise SystemExit("Set REDIS_URL: the benchmark needs a real broker and worker.")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    app.conf.task_always_eager = False
    with app.connection_for_write() as connection:
        for queue in ("default", "notifications"):
            connection.default_channel.queue_purge(queue)

    tag = uuid.uuid4().hex[:8]
    agency = Agency.objects.create(
        name=f"Benchmark {tag}",
        slug=f"bench-{tag}",
        org_number=f"bench-{tag}"[:11],
        contact_email="bench@example.invalid",
    )
    users = User.objects.bulk_create(
        User(
            email=f"bench-{tag}-{i}@example.invalid",
            name=f"Mottagare {i}",
            role=Role.SPECIALIST,
            agency=agency,
            language="en" if i % 2 else "sv",
            password="!",
        )
        for i in range(args.fanout)
    )
    context = {
        "title": "Approved: Molnarkitekt",
        "match_id": 1,
        "need_title": "Molnarkitekt",
        "specialist_name": "Anna Svensson",
        "start": "2027-01-11",
        "end": "2027-03-31",
        "capacity_percent": 40,
    }

    pings_done = 0
    lock = threading.Lock()

    def count(sender=None, **_) -> None:
        nonlocal pings_done
        if sender is not None and sender.name == "marketplace.ping":
            with lock:
                pings_done += 1

    task_postrun.connect(count, weak=False)
    try:
        with start_worker(
            app,
            pool="solo",
            concurrency=1,
            perform_ping_check=False,
            shutdown_timeout=60,
            queues=["default", "notifications"],
            loglevel="WARNING",
        ):
            # The outbox write, in the caller's transaction.
            started = time.perf_counter()
            with transaction.atomic():
                notifications = notify(
                    kind=NotificationKind.MATCH_APPROVED,
                    recipients=users,
                    context=context,
                    link="/matches/1/",
                )
                written = time.perf_counter()
            committed = time.perf_counter()  # after the on-commit hand-off to the broker
            ids = [n.pk for n in notifications]
            deliveries = Delivery.objects.filter(notification_id__in=ids)
            total = 2 * len(ids)

            def all_sent() -> bool:
                return deliveries.filter(status=DeliveryStatus.SENT).count() >= total

            finished = wait_until(all_sent, args.timeout, interval=0.25)
            delivered = time.perf_counter()
            if not finished:
                raise SystemExit("Timed out before every delivery was sent.")
            emails = len(mail.outbox)

            # The floor: a no-op task on the same worker, sent and consumed the same way.
            ping_started = time.perf_counter()
            for _ in range(args.pings):
                ping.delay()
            ping_sent = time.perf_counter()
            if not wait_until(lambda: pings_done >= args.pings, args.timeout, interval=0.01):
                raise SystemExit("Timed out waiting for the pings.")
            ping_done = time.perf_counter()
    finally:
        task_postrun.disconnect(count)
        Notification.objects.filter(recipient__agency=agency).delete()
        User.objects.filter(agency=agency).delete()
        agency.delete()

    fanout = len(ids)
    deliver_seconds = delivered - written
    notification_rate = fanout / deliver_seconds
    ping_seconds = ping_done - ping_started
    ping_rate = args.pings / ping_seconds
    print(f"database: {settings.DATABASES['default']['ENGINE']}  broker: {settings.REDIS_URL}")
    print(f"fan-out: {fanout} recipients, {total} deliveries (in-app + email), {emails} emails")
    print(f"  notify() outbox write ........ {written - started:8.2f} s")
    print(f"  commit + hand-off to broker .. {committed - written:8.2f} s")
    print(
        f"  commit -> all delivered ...... {deliver_seconds:8.2f} s  "
        f"= {notification_rate:8.1f} notifications/s ({2 * notification_rate:.1f} deliveries/s)"
    )
    print(
        f"no-op marketplace.ping x{args.pings}: {ping_seconds:8.2f} s "
        f"(publish {ping_sent - ping_started:.2f} s) = {ping_rate:8.1f} tasks/s"
    )
    print(f"ratio notifications/s : no-op tasks/s = {notification_rate / ping_rate:.3f}")


if __name__ == "__main__":
    main()
