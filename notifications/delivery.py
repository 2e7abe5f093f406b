"""Delivering the outbox: claim a row, send it once, record the outcome, retry or give up.

A delivery is claimed with one guarded UPDATE (pending -> sending), so a task that runs
twice, or a sweep racing a task, sends nothing the second time. Each message the channel
accepts goes into the sent log at once (`notifications.sent_log`); the batch's rows are
marked `sent` together, and that mark is retried on a fresh database connection before the
task gives up. The worker renews a short lease on the rows it holds while it sends; a row
still `sending` after its lease (its worker died, or the database never took the mark) is
checked against the sent log by the sweep: marked sent if the channel took it, else sent
again. The idempotency key also travels in the Message-ID and the webhook's
`Idempotency-Key` header, for receivers that deduplicate themselves.

This module runs deliveries and never queues them: what is to be handed to the workers
(a retry, the sweep's rows, a digest) it returns or passes to the caller's `retry_later`,
and `notifications.tasks` queues it (tasks are queued from one module, run from another).
"""

import contextlib
import datetime as dt
import logging
import random
import time
from collections.abc import Callable

from django.conf import settings
from django.core.mail import get_connection
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from notifications import channels
from notifications.mail_log import mail_log_accepted
from notifications.messages import language_of, notification_text
from notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    SuppressedAddress,
)
from notifications.sent_log import sent_log_lookup, sent_log_record

logger = logging.getLogger(__name__)

PREFERENCES_PATH = "/notifications/preferences/"

# `retry_later(delivery_id, seconds)`: asks for one more attempt after the backoff.
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
    ids twice sends nothing the second time. A row that fails for now is pending again
    with its next attempt due after the backoff; `retry_later` (the delivery task's)
    schedules that attempt, and without it the sweep makes it.
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
    lease = _Lease([delivery.pk for delivery in claimed])
    sent: list[int] = []
    # One SMTP session for the batch; a failure closes it and the next message reopens it.
    mail_connection = get_connection()
    try:
        for delivery in claimed:
            lease.renew_if_due()
            outcome = _send_claimed(delivery, suppressed, mail_connection, retry_later)
            lease.release(delivery.pk)
            if outcome == DeliveryStatus.SENT:
                sent.append(delivery.pk)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    finally:
        with contextlib.suppress(Exception):
            mail_connection.close()
        deliveries_mark_sent(delivery_ids=sent)
    return {key: count for key, count in outcomes.items() if count}


class _Lease:
    """The claim on a batch's unsent rows, renewed every third of the lease while sending."""

    def __init__(self, delivery_ids: list[int]) -> None:
        self.held = set(delivery_ids)
        self.renewed = time.monotonic()

    def release(self, delivery_id: int) -> None:
        self.held.discard(delivery_id)

    def renew_if_due(self) -> None:
        if not self.held or time.monotonic() - self.renewed < _lease_seconds() / 3:
            return
        self.renewed = time.monotonic()
        try:
            Delivery.objects.filter(pk__in=self.held, status=DeliveryStatus.SENDING).update(
                claimed_at=timezone.now()
            )
        except (OperationalError, InterfaceError):
            # Sending goes on; the sweep checks the sent log before handing any row out again.
            logger.warning("Could not renew the lease of %d deliveries", len(self.held))
            _reconnect()


def _lease_seconds() -> float:
    return float(setting("SENDING_LEASE_SECONDS", 60.0))


def _reconnect() -> None:
    # A fresh connection for the next query, unless a caller's transaction holds this one.
    if not connection.in_atomic_block:
        connection.close()


def deliveries_mark_sent(*, delivery_ids: list[int]) -> None:
    """Mark sent what the channels accepted, retrying on a fresh connection.

    Gives up (raises) only after about half a minute of refusals; the rows then stay
    `sending`, and the sweep finds them in the sent log instead of sending them again.
    """
    if not delivery_ids:
        return
    delays = (0.1, 0.3, 1.0, 2.0, 4.0, 8.0, 15.0)
    for delay in (*delays, None):
        try:
            _mark_sent(delivery_ids)
            return
        except (OperationalError, InterfaceError):
            if delay is None or connection.in_atomic_block:
                raise
            logger.warning("Sent mark of %d deliveries refused; retrying", len(delivery_ids))
            connection.close()
            time.sleep(delay)


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
    except channels.Undeliverable as exc:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, last_error=str(exc)[:2000]
        )
        return DeliveryStatus.FAILED
    except channels.DeliveryError as exc:
        return _failed_attempt(delivery, str(exc), retry_later)
    except Exception as exc:
        # A bug must not leave the row `sending` until the lease; count it as an attempt.
        logger.exception("Delivery %s crashed", delivery.pk)
        return _failed_attempt(delivery, f"{type(exc).__name__}: {exc}", retry_later)
    sent_log_record(idempotency_key=delivery.idempotency_key)
    return DeliveryStatus.SENT


@transaction.atomic
def _mark_sent(delivery_ids: list[int]) -> None:
    if connection.vendor == "postgresql":
        # Without waiting for the WAL flush: a worker dying now still leaves the mark (the
        # server writes it within a fraction of a second); only a database crash in that
        # moment could lose it, and then the lease re-sends with the same idempotency key.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
    Delivery.objects.filter(pk__in=delivery_ids, status=DeliveryStatus.SENDING).update(
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
    title, body = notification.text_in(language)
    context = {
        "notification": notification,
        "title": title,
        "body": body,
        "user": notification.recipient,
        "link_url": absolute_url(notification.link),
        "preferences_url": absolute_url(PREFERENCES_PATH),
        "items": [_digest_item(item, language) for item in notification.context.get("items", [])],
        "lang": language,
    }
    template = "digest" if notification.kind == NotificationKind.DIGEST else "message"
    text = render_to_string(f"notifications/email/{template}.{language}.txt", context)
    html = render_to_string(f"notifications/email/{template}.{language}.html", context)
    return title, text, html


def _digest_item(item: dict, language: str) -> dict:
    title, body = notification_text(
        kind=item.get("kind", ""),
        context=item.get("context", {}),
        language=language,
        title=item.get("title", ""),
        body=item.get("body", ""),
    )
    return {**item, "title": title, "body": body}


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


def deliveries_sweep(*, now: dt.datetime | None = None, limit: int = 5000) -> list[tuple[int, str]]:
    """Rows to hand out again, as (id, channel): those still pending (the broker was down,
    a retry was lost) and stale sends reclaimed (see `deliveries_reclaim`)."""
    now = now or timezone.now()
    again = deliveries_reclaim(now=now)
    # The grace period leaves freshly written rows to the task sent at their commit.
    grace = dt.timedelta(seconds=setting("SWEEP_GRACE_SECONDS", 60))
    due = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now - grace)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "channel")[:limit]
    )
    return again + [row for row in due if row not in set(again)]


def deliveries_reclaim(*, now: dt.datetime | None = None) -> list[tuple[int, str]]:
    """Rows `sending` past their lease: sent if the sent log (or, for email, the mail
    server's log) has them, else pending again (returned, to be handed out now).

    While the sent log cannot be read they stay as they are: better late than twice.
    """
    now = now or timezone.now()
    stale = Delivery.objects.filter(
        status=DeliveryStatus.SENDING,
        claimed_at__lt=now - dt.timedelta(seconds=_lease_seconds()),
    )
    rows = {
        pk: (key, channel)
        for pk, key, channel in stale.values_list("pk", "idempotency_key", "channel")[:5000]
    }
    accepted = sent_log_lookup(idempotency_keys=[key for key, _ in rows.values()])
    if accepted is None:
        return []
    accepted |= mail_log_accepted(
        idempotency_keys=[
            key
            for key, channel in rows.values()
            if channel == Channel.EMAIL and key not in accepted
        ]
    )
    sent_ids = [pk for pk, (key, _) in rows.items() if key in accepted]
    again = [(pk, channel) for pk, (key, channel) in rows.items() if key not in accepted]
    marked = stale.filter(pk__in=sent_ids).update(
        status=DeliveryStatus.SENT, sent_at=now, last_error=""
    )
    reset = stale.filter(pk__in=[pk for pk, _ in again]).update(
        status=DeliveryStatus.PENDING, next_attempt_at=now
    )
    if marked or reset:
        logger.warning("Reclaimed stale sends: %d found sent, %d due again", marked, reset)
    return again


def digests_send(*, now: dt.datetime | None = None) -> list[int]:
    """Bundle each user's waiting digest emails into one digest notification each; returns
    the digests' email deliveries (committed), to be handed to the workers."""
    now = now or timezone.now()
    user_ids = (
        Delivery.objects.filter(status=DeliveryStatus.DIGEST, created_at__lte=now)
        .values_list("notification__recipient_id", flat=True)
        .distinct()
    )
    digests = [digest_send(user_id=user_id, now=now) for user_id in list(user_ids)]
    return [delivery_id for delivery_id in digests if delivery_id is not None]


@transaction.atomic
def digest_send(*, user_id: int, now: dt.datetime) -> int | None:
    """One user's digest; returns its email delivery's id (None if nothing waited)."""
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
    digest = Notification.objects.create(
        recipient=recipient,
        kind=NotificationKind.DIGEST,
        context={
            "count": len(items),
            "items": [
                {
                    "kind": item.kind,
                    "context": item.context,
                    # Only rows from before kind-and-context storage carry text.
                    "title": item.title,
                    "body": item.body,
                    "link": absolute_url(item.link),
                    "created_at": item.created_at.isoformat(),
                }
                for item in items
            ],
        },
    )
    delivery = Delivery.objects.create(
        notification=digest, channel=Channel.EMAIL, kind=NotificationKind.DIGEST
    )
    Delivery.objects.filter(pk__in=[pk for pk, _ in waiting]).update(
        status=DeliveryStatus.DIGESTED, digest=digest, sent_at=now
    )
    return delivery.pk
