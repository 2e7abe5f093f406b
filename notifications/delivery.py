"""Delivering the outbox: claim a row, send it once, record the outcome, retry or give up.

A delivery is claimed with one guarded UPDATE (pending -> sending), so a task that runs
twice, or a sweep racing a task, sends nothing the second time. A worker killed between
sending and recording leaves the row `sending`; after a lease the sweep hands it out again,
which is the one case that can repeat a message, and why the idempotency key travels in
the Message-ID and the webhook's `Idempotency-Key` header.
"""

import contextlib
import datetime as dt
import logging
import random
import time
from collections.abc import Callable

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from notifications import channels
from notifications.messages import language_of, message_render
from notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    SuppressedAddress,
)

logger = logging.getLogger(__name__)

# Asks for another attempt at a delivery after so many seconds.
RetryLater = Callable[[int, float], None]


def setting(name: str, default: float) -> float:
    return getattr(settings, f"NOTIFICATIONS_{name}", default)


def retry_delay(attempts: int) -> float:
    """Exponential backoff with equal jitter: half fixed, half random, capped."""
    base = setting("RETRY_BASE_SECONDS", 30.0)
    ceiling = setting("RETRY_MAX_SECONDS", 3600.0)
    delay = min(ceiling, base * 2 ** max(attempts - 1, 0))
    return delay / 2 + random.uniform(0, delay / 2)


def absolute_url(link: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link
    return settings.SITE_URL.rstrip("/") + "/" + link.lstrip("/")


# Delivering ------------------------------------------------------------------------------


def deliveries_send(
    *, delivery_ids: list[int], retry_later: RetryLater | None = None
) -> dict[str, int]:
    """Deliver each given row that is still due; returns how many ended in each outcome.

    Rows that another run holds or that are already done are skipped, so sending the same
    ids twice sends nothing the second time. A failed attempt leaves its row pending until
    its next attempt is due; `retry_later(delivery_id, seconds)` (the delivery task's) asks
    for it then, and without it the sweep sends it.
    """
    channel_of = dict(Delivery.objects.filter(pk__in=delivery_ids).values_list("pk", "channel"))
    in_app_ids = [pk for pk, channel in channel_of.items() if channel == Channel.IN_APP]
    outcomes: dict[str, int] = {}
    if in_app_ids:
        shown = deliveries_in_app_show(delivery_ids=in_app_ids)
        outcomes[DeliveryStatus.SENT] = shown
        outcomes["skipped"] = len(in_app_ids) - shown
    claimed = deliveries_claim(delivery_ids=[pk for pk in channel_of if pk not in in_app_ids])
    outcomes["skipped"] = outcomes.get("skipped", 0) + len(channel_of) - len(in_app_ids)
    outcomes["skipped"] -= len(claimed)
    suppressed = set(
        SuppressedAddress.objects.filter(
            email__in=[
                d.notification.recipient.email.strip().lower() for d in claimed if d.notification
            ]
        ).values_list("email", flat=True)
    )
    # One SMTP session for the batch; a failure closes it and the next message reopens it.
    mail_connection = get_connection()
    try:
        for delivery in claimed:
            outcome = _send_claimed(delivery, suppressed, mail_connection, retry_later)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    finally:
        with contextlib.suppress(Exception):
            mail_connection.close()
    return {key: count for key, count in outcomes.items() if count}


def delivery_send(*, delivery_id: int) -> str:
    """Send one delivery at most once; returns its outcome (`skipped` if not due)."""
    outcomes = deliveries_send(delivery_ids=[delivery_id])
    return next(iter(outcomes), "skipped")


@transaction.atomic
def deliveries_in_app_show(*, delivery_ids: list[int]) -> int:
    """In-app delivery is a write in our own database, so it is done in bulk and atomically."""
    now = timezone.now()
    due = Delivery.objects.filter(
        pk__in=delivery_ids, channel=Channel.IN_APP, status=DeliveryStatus.PENDING
    )
    notification_ids = list(
        due.select_for_update(of=("self",)).values_list("notification_id", flat=True)
    )
    Notification.objects.filter(pk__in=notification_ids, in_app_at__isnull=True).update(
        in_app_at=now
    )
    return due.update(
        status=DeliveryStatus.SENT, sent_at=now, attempts=F("attempts") + 1, claimed_at=now
    )


def deliveries_claim(*, delivery_ids: list[int]) -> list[Delivery]:
    """Take the due pending rows among these for sending (pending -> sending).

    Rows locked or already taken by another run are left out, so each row is handed to
    exactly one sender.
    """
    if not delivery_ids:
        return []
    now = timezone.now()
    with transaction.atomic():
        due = list(
            Delivery.objects.select_for_update(of=("self",), skip_locked=True)
            .filter(
                pk__in=delivery_ids,
                status=DeliveryStatus.PENDING,
                # A retry scheduled with a countdown may arrive a moment early.
                next_attempt_at__lte=now + dt.timedelta(seconds=2),
            )
            .values_list("pk", flat=True)
        )
        # The status guard repeats the check for databases without row locks (SQLite).
        Delivery.objects.filter(pk__in=due, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(
        Delivery.objects.filter(pk__in=due, status=DeliveryStatus.SENDING, claimed_at=now)
        .select_related("notification__recipient", "agency")
        .order_by("pk")
    )


def _send_claimed(
    delivery: Delivery, suppressed: set[str], mail_connection, retry_later: RetryLater | None
) -> str:
    try:
        if delivery.channel == Channel.EMAIL:
            _email_deliver(delivery, suppressed, mail_connection)
        elif delivery.channel == Channel.WEBHOOK:
            _webhook_deliver(delivery)
        else:
            raise channels.DeliveryError(f"No sender for channel {delivery.channel!r}")
    except channels.AddressBounced as exc:
        _bounced(delivery, str(exc))
        return DeliveryStatus.SUPPRESSED
    except channels.DeliveryError as exc:
        return _failed_attempt(delivery, str(exc), retry_later)
    except Exception as exc:
        # A bug must not leave the row `sending` until the lease; count it as an attempt.
        logger.exception("Delivery %s crashed", delivery.pk)
        return _failed_attempt(delivery, f"{type(exc).__name__}: {exc}", retry_later)
    _mark_sent(delivery.pk)
    return DeliveryStatus.SENT


@transaction.atomic
def _mark_sent(delivery_id: int) -> None:
    if connection.vendor == "postgresql":
        # Without waiting for the WAL flush: a worker dying now still leaves the mark (the
        # server writes it within a fraction of a second); only a database crash in that
        # moment could lose it, and then the lease re-sends with the same idempotency key.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
    Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error=""
    )


def _failed_attempt(delivery: Delivery, error: str, retry_later: RetryLater | None) -> str:
    if delivery.attempts >= int(setting("MAX_ATTEMPTS", 6)):
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, last_error=error
        )
        logger.warning("Delivery %s failed for good: %s", delivery.pk, error)
        return DeliveryStatus.FAILED
    delay = retry_delay(delivery.attempts)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING,
        next_attempt_at=timezone.now() + dt.timedelta(seconds=delay),
        last_error=error,
    )
    if retry_later is not None:
        retry_later(delivery.pk, delay)
    return DeliveryStatus.PENDING


def _email_deliver(delivery: Delivery, suppressed: set[str], mail_connection) -> None:
    notification = delivery.notification
    user = notification.recipient
    address = user.email.strip().lower()
    if not address:
        raise channels.AddressBounced("The user has no email address.")
    if address in suppressed:
        raise channels.AddressBounced(f"{address} is suppressed after an earlier bounce.")
    subject, text, html = email_render(notification)
    channels.email_send(
        to=user.email,
        subject=subject,
        text=text,
        html=html,
        idempotency_key=delivery.idempotency_key,
        connection=mail_connection,
    )


def email_render(notification: Notification) -> tuple[str, str, str]:
    """Subject, text and HTML of a notification's email, in the recipient's language."""
    language = language_of(notification.recipient.language)
    context = {
        "notification": notification,
        "user": notification.recipient,
        "link_url": absolute_url(notification.link),
        "preferences_url": absolute_url("/notifications/preferences/"),
        "items": notification.context.get("items", []),
        "lang": language,
    }
    template = "digest" if notification.kind == NotificationKind.DIGEST else "message"
    text = render_to_string(f"notifications/email/{template}.{language}.txt", context)
    html = render_to_string(f"notifications/email/{template}.{language}.html", context)
    return notification.title, text, html


def _webhook_deliver(delivery: Delivery) -> None:
    agency = delivery.agency
    if not agency.webhook_url:
        raise channels.DeliveryError("The agency no longer has a webhook URL.")
    body = channels.webhook_body(
        payload=delivery.payload,
        idempotency_key=delivery.idempotency_key,
        timestamp=int(time.time()),
    )
    channels.webhook_post(
        url=agency.webhook_url,
        secret=agency.webhook_secret,
        body=body,
        idempotency_key=delivery.idempotency_key,
        timeout=float(setting("WEBHOOK_TIMEOUT_SECONDS", 10.0)),
    )


@transaction.atomic
def _bounced(delivery: Delivery, error: str) -> None:
    address = delivery.notification.recipient.email.strip().lower()
    if address:
        SuppressedAddress.objects.get_or_create(email=address, defaults={"reason": error})
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SUPPRESSED, last_error=error
    )
    in_app_fallback(notification_ids=[delivery.notification_id])


def in_app_fallback(*, notification_ids: list[int]) -> None:
    """A message that cannot be mailed is shown in the app instead (if it was not already)."""
    Notification.objects.filter(pk__in=notification_ids, in_app_at__isnull=True).update(
        in_app_at=timezone.now()
    )


# The sweep and the digest ----------------------------------------------------------------


def deliveries_due(*, now: dt.datetime | None = None, limit: int = 5000) -> list[tuple[int, str]]:
    """The rows to send again, with their channels: still pending (the broker was down, a
    retry was lost) or claimed by a send whose lease ran out, which are reclaimed."""
    now = now or timezone.now()
    lease = dt.timedelta(seconds=setting("SENDING_LEASE_SECONDS", 900))
    Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - lease).update(
        status=DeliveryStatus.PENDING
    )
    # The grace period leaves freshly written rows to the task sent at their commit.
    grace = dt.timedelta(seconds=setting("SWEEP_GRACE_SECONDS", 60))
    due = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now - grace)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "channel")[:limit]
    )
    return due


def digests_send(*, now: dt.datetime | None = None) -> list[int]:
    """Bundle each user's waiting digest emails into one digest notification each; returns
    the digests' email deliveries, for the caller to hand to the workers."""
    now = now or timezone.now()
    user_ids = (
        Delivery.objects.filter(status=DeliveryStatus.DIGEST, created_at__lte=now)
        .values_list("notification__recipient_id", flat=True)
        .distinct()
    )
    deliveries = (digest_send(user_id=user_id, now=now) for user_id in list(user_ids))
    return [delivery_id for delivery_id in deliveries if delivery_id is not None]


@transaction.atomic
def digest_send(*, user_id: int, now: dt.datetime) -> int | None:
    """One user's digest notification and its email delivery (its id; None without waiting
    items)."""
    waiting = list(
        Delivery.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(
            status=DeliveryStatus.DIGEST,
            created_at__lte=now,
            notification__recipient_id=user_id,
        )
        .values_list("pk", "notification_id")
    )
    if not waiting:
        return None
    items = list(
        Notification.objects.filter(pk__in=[n for _, n in waiting])
        .select_related("recipient")
        .order_by("created_at", "pk")
    )
    recipient = items[0].recipient
    title, body = message_render(
        kind=NotificationKind.DIGEST,
        language=recipient.language,
        context={"count": len(items)},
    )
    digest = Notification.objects.create(
        recipient=recipient,
        kind=NotificationKind.DIGEST,
        title=title,
        body=body,
        context={
            "items": [
                {
                    "title": item.title,
                    "body": item.body,
                    "link": absolute_url(item.link),
                    "created_at": item.created_at.isoformat(),
                }
                for item in items
            ]
        },
    )
    delivery = Delivery.objects.create(
        notification=digest, channel=Channel.EMAIL, kind=NotificationKind.DIGEST
    )
    Delivery.objects.filter(pk__in=[pk for pk, _ in waiting]).update(
        status=DeliveryStatus.DIGESTED, digest=digest, sent_at=now
    )
    return delivery.pk
