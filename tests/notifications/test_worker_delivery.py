"""End to end on a real Redis broker and a real Celery worker (marked `redis`)."""

import hashlib
import hmac
import json

import pytest
from django.db import transaction

from notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    SuppressedAddress,
)
from notifications.services import notify
from notifications.tasks import deliver, digest, sweep
from tests import factories
from tests.notifications.conftest import broker_unreachable, prefer, wait_for

pytestmark = pytest.mark.redis

CONTEXT = {"title": "Approved", "need_title": "Molnmigrering", "specialist_name": "Kim Berg"}


def _notify_committed(recipients, **kwargs) -> list[Notification]:
    with transaction.atomic():
        return notify(
            kind=NotificationKind.MATCH_APPROVED,
            recipients=recipients,
            context=CONTEXT,
            link="/matches/1/",
            **kwargs,
        )


def _status(pk: int) -> str:
    return Delivery.objects.get(pk=pk).status


def test_committed_notify_delivers_in_app_and_email_to_exactly_the_recipients(
    live_worker, locmem_email
):
    recipients = factories.UserFactory.create_batch(3)
    bystander = factories.UserFactory()

    _notify_committed(recipients)

    assert wait_for(lambda: len(locmem_email.outbox) == 3)
    assert wait_for(lambda: Notification.objects.filter(in_app_at__isnull=False).count() == 3)
    assert sorted(m.to[0] for m in locmem_email.outbox) == sorted(u.email for u in recipients)
    assert not Notification.objects.filter(recipient=bystander).exists()
    # The worker hands the mail over before it records the delivery as sent.
    assert wait_for(
        lambda: set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    )


def test_delivery_raised_while_the_broker_is_down_is_sent_by_the_sweep(
    live_worker, locmem_email, settings
):
    settings.NOTIFICATIONS_SWEEP_GRACE_SECONDS = 0
    user = factories.UserFactory()

    with broker_unreachable():
        [notification] = _notify_committed([user])
    email = notification.deliveries.get(channel=Channel.EMAIL)

    assert not wait_for(lambda: len(locmem_email.outbox) > 0, timeout=1.5)
    assert _status(email.pk) == DeliveryStatus.PENDING

    sweep.delay()

    assert wait_for(lambda: _status(email.pk) == DeliveryStatus.SENT)
    assert len(locmem_email.outbox) == 1
    notification.refresh_from_db()
    assert notification.in_app_at is not None


def test_running_the_same_delivery_task_twice_sends_one_email(live_worker, locmem_email):
    user = factories.UserFactory()
    prefer(user, NotificationKind.MATCH_APPROVED, in_app=False)
    with broker_unreachable():
        [notification] = _notify_committed([user])
    email = notification.deliveries.get(channel=Channel.EMAIL)

    deliver.delay([email.pk])
    deliver.delay([email.pk])
    marker = factories.UserFactory()
    _notify_committed([marker])

    assert wait_for(lambda: any(m.to == [marker.email] for m in locmem_email.outbox))
    assert [m.to for m in locmem_email.outbox].count([user.email]) == 1
    assert _status(email.pk) == DeliveryStatus.SENT


def test_webhook_receiver_gets_a_body_whose_signature_verifies(live_worker, webhook_receiver):
    agency = factories.AgencyFactory(webhook_url=webhook_receiver.url, webhook_secret="s3cret")

    _notify_committed([], agencies=[agency])

    assert wait_for(lambda: len(webhook_receiver.requests) == 1)
    headers, body = webhook_receiver.requests[0]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Signature"], expected)
    event = json.loads(body)
    assert event["event"] == "match_approved"
    assert event["data"]["need_title"] == "Molnmigrering"
    hook = Delivery.objects.get(channel=Channel.WEBHOOK)
    assert event["id"] == hook.idempotency_key
    assert wait_for(lambda: _status(hook.pk) == DeliveryStatus.SENT)


def test_failing_smtp_server_leads_to_retries_then_failed(live_worker, smtp_server, fast_retries):
    smtp_server.mode = "451"
    user = factories.UserFactory()

    [notification] = _notify_committed([user])
    email = notification.deliveries.get(channel=Channel.EMAIL)

    assert wait_for(lambda: _status(email.pk) == DeliveryStatus.FAILED)
    email.refresh_from_db()
    assert email.attempts == 3
    assert "451" in email.last_error
    assert smtp_server.sessions == 3
    assert smtp_server.messages == []


def test_smtp_server_that_recovers_gets_the_message_on_a_retry(
    live_worker, smtp_server, fast_retries
):
    smtp_server.mode = "451"
    user = factories.UserFactory()

    [notification] = _notify_committed([user])
    email = notification.deliveries.get(channel=Channel.EMAIL)
    assert wait_for(lambda: smtp_server.sessions >= 1)
    smtp_server.mode = "ok"

    assert wait_for(lambda: _status(email.pk) == DeliveryStatus.SENT)
    assert len(smtp_server.messages) == 1


def test_digest_preference_sends_one_digest_instead_of_immediate_email(live_worker, locmem_email):
    user = factories.UserFactory(language="en")
    prefer(user, NotificationKind.MATCH_APPROVED, digest=True)
    marker = factories.UserFactory()

    _notify_committed([user])
    _notify_committed([user])
    _notify_committed([marker])
    assert wait_for(lambda: any(m.to == [marker.email] for m in locmem_email.outbox))
    assert not any(m.to == [user.email] for m in locmem_email.outbox)

    digest.delay()

    assert wait_for(lambda: any(m.to == [user.email] for m in locmem_email.outbox))
    [message] = [m for m in locmem_email.outbox if m.to == [user.email]]
    assert message.subject == "Your daily digest (2)"


def test_bounce_suppresses_the_address_and_falls_back_to_in_app(live_worker, smtp_server):
    smtp_server.mode = "bounce"
    user = factories.UserFactory(email="finns-inte@example.se")
    prefer(user, NotificationKind.MATCH_APPROVED, in_app=False)

    [first] = _notify_committed([user])

    assert wait_for(lambda: SuppressedAddress.objects.filter(email=user.email).exists())
    assert wait_for(lambda: Notification.objects.get(pk=first.pk).in_app_at is not None)
    sessions = smtp_server.sessions

    [second] = _notify_committed([user])
    in_app = second.deliveries.get(channel=Channel.IN_APP)
    assert wait_for(lambda: _status(in_app.pk) == DeliveryStatus.SENT)
    assert second.deliveries.get(channel=Channel.EMAIL).status == DeliveryStatus.SUPPRESSED
    assert smtp_server.sessions == sessions


def test_sweep_function_returns_how_many_it_handed_out(live_worker, locmem_email, settings):
    settings.NOTIFICATIONS_SWEEP_GRACE_SECONDS = 0
    with broker_unreachable():
        _notify_committed(factories.UserFactory.create_batch(2))

    assert sweep() == 4
    assert wait_for(lambda: len(locmem_email.outbox) == 2)


def test_large_fan_out_is_split_by_the_worker_and_fully_delivered(
    live_worker, locmem_email, settings
):
    settings.NOTIFICATIONS_BATCH_SIZE = 1  # 12 email batches: more than are sent inline
    recipients = factories.UserFactory.create_batch(12)

    _notify_committed(recipients)

    assert wait_for(lambda: len(locmem_email.outbox) == 12)
    assert wait_for(lambda: not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists())
