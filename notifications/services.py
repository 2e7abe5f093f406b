"""Writes: the one entry point the marketplace calls to tell people about an event, and the
user's own changes (read state, preferences)."""

import logging
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.errors import InvalidInput, NotFound
from accounts.json_values import json_plain
from accounts.models import Agency, User
from notifications import selectors
from notifications.delivery import absolute_url, in_app_fallback
from notifications.messages import message_render
from notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    NotificationPreference,
    SuppressedAddress,
)
from notifications.tasks import deliveries_enqueue

logger = logging.getLogger(__name__)


@transaction.atomic
def notify(
    *,
    kind: str,
    recipients: Iterable[User],
    context: dict[str, Any],
    link: str = "",
    agencies: Iterable[Agency] = (),
) -> list[Notification]:
    """Record an event for each distinct recipient and agency, inside the caller's transaction.

    Applies each recipient's preferences for `kind` and writes one `Notification` per
    recipient plus one `Delivery` (the outbox) per channel: in-app, email (immediate or
    held for the digest) and one webhook per agency in `agencies` that has a webhook URL.
    The deliveries are handed to the workers after commit, so a rolled-back change tells
    nobody. `context` holds plain values (strings, numbers, ISO dates) for the kind's
    templates. Returns the notifications written (recipients who turned the kind off
    entirely get none).
    """
    kind = str(kind)
    if kind not in NotificationKind.values:
        logger.warning("notify() called with unknown kind %r", kind)
    # Dates, decimals and lazy strings become JSON values once, here, for storage and webhooks.
    plain = json_plain(dict(context))
    users = {user.pk: user for user in recipients if user is not None and user.is_active}
    choices = selectors.preferences_for(user_ids=users.keys(), kind=kind)
    suppressed = set(
        SuppressedAddress.objects.filter(
            email__in=[user.email.strip().lower() for user in users.values()]
        ).values_list("email", flat=True)
    )

    notifications: list[Notification] = []
    plans: list[tuple[bool, str | None]] = []
    for user_id, user in users.items():
        choice = choices[user_id]
        wants_email = choice.email and bool(user.email)
        if not (choice.in_app or wants_email):
            continue
        bounced = wants_email and user.email.strip().lower() in suppressed
        email_status = None
        if wants_email:
            email_status = (
                DeliveryStatus.SUPPRESSED
                if bounced
                else DeliveryStatus.DIGEST
                if choice.digest
                else DeliveryStatus.PENDING
            )
        title, body = message_render(kind=kind, language=user.language, context=plain)
        notifications.append(
            Notification(
                recipient=user, kind=kind, title=title, body=body, link=link, context=plain
            )
        )
        # A suppressed address falls back to in-app even if the user turned in-app off.
        plans.append((choice.in_app or bounced, email_status))
    notifications = Notification.objects.bulk_create(notifications)

    deliveries: list[Delivery] = []
    for notification, (in_app, email_status) in zip(notifications, plans, strict=True):
        if in_app:
            deliveries.append(
                Delivery(notification=notification, channel=Channel.IN_APP, kind=kind)
            )
        if email_status is not None:
            deliveries.append(
                Delivery(
                    notification=notification,
                    channel=Channel.EMAIL,
                    kind=kind,
                    status=email_status,
                    last_error=(
                        "Address suppressed after a bounce; shown in the app instead."
                        if email_status == DeliveryStatus.SUPPRESSED
                        else ""
                    ),
                )
            )
    payload = {"event": kind, "link": absolute_url(link), "data": plain}
    for agency in {agency.pk: agency for agency in agencies if agency is not None}.values():
        if agency.webhook_url:
            deliveries.append(
                Delivery(agency=agency, channel=Channel.WEBHOOK, kind=kind, payload=payload)
            )
    deliveries = Delivery.objects.bulk_create(deliveries)

    due = [(d.pk, d.channel) for d in deliveries if d.status == DeliveryStatus.PENDING]
    if due:
        transaction.on_commit(partial(deliveries_enqueue, due), robust=True)
    return notifications


@transaction.atomic
def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read; anyone else's is not found."""
    notification = (
        selectors.notification_inbox(user=user).select_for_update().filter(pk=notification_id)
    ).first()
    if notification is None:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    """Mark all the user's unread notifications read; returns how many changed."""
    return selectors.notification_inbox(user=user, unread=True).update(read_at=timezone.now())


@transaction.atomic
def preferences_update(
    *, user: User, changes: Mapping[str, Mapping[str, bool]]
) -> dict[str, dict[str, bool]]:
    """Change the user's channels or digest choice for some kinds; the rest keep theirs."""
    configurable = {kind.value for kind in selectors.CONFIGURABLE_KINDS}
    unknown = sorted(set(changes) - configurable)
    if unknown:
        raise InvalidInput(
            field_errors={kind: ["Not a notification kind you can configure."] for kind in unknown}
        )
    current = selectors.preferences_get(user=user)
    for kind, change in changes.items():
        values = {**current[kind], **{k: bool(v) for k, v in change.items()}}
        NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults=values)
    return selectors.preferences_get(user=user)


@transaction.atomic
def email_bounce_record(*, email: str, reason: str = "") -> SuppressedAddress:
    """Suppress an address reported as bouncing (e.g. by a delivery status notification).

    Email still waiting for it is not sent; those messages are shown in the app instead.
    """
    address = email.strip().lower()
    suppressed, _ = SuppressedAddress.objects.get_or_create(
        email=address, defaults={"reason": reason}
    )
    waiting = Delivery.objects.filter(
        channel=Channel.EMAIL,
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.DIGEST],
        notification__recipient__email__iexact=address,
    )
    notification_ids = list(waiting.values_list("notification_id", flat=True))
    Delivery.objects.filter(pk__in=list(waiting.values_list("pk", flat=True))).update(
        status=DeliveryStatus.SUPPRESSED,
        last_error="Address suppressed after a bounce; shown in the app instead.",
    )
    in_app_fallback(notification_ids=notification_ids)
    return suppressed


@transaction.atomic
def delivery_retry(*, delivery_ids: list[int]) -> int:
    """Give failed deliveries a fresh set of attempts (the admin's "retry now")."""
    ids = list(
        Delivery.objects.filter(pk__in=delivery_ids, status=DeliveryStatus.FAILED).values_list(
            "pk", "channel"
        )
    )
    Delivery.objects.filter(pk__in=[pk for pk, _ in ids]).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    transaction.on_commit(partial(deliveries_enqueue, ids), robust=True)
    return len(ids)
