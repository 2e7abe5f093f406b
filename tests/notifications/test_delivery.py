"""The delivery engine in-process: claims, retries, bounces, webhooks, sweep, digest."""

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.utils import timezone

from notifications import delivery, tasks
from notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    SuppressedAddress,
)
from notifications.services import delivery_retry, email_bounce_record, notify
from tests import factories
from tests.notifications.conftest import prefer

pytestmark = pytest.mark.django_db

CONTEXT = {"title": "Accepted", "need_title": "Säkerhetsanalys", "specialist_name": "Bo Ek"}


def _email_delivery(user=None) -> Delivery:
    [notification] = notify(
        kind=NotificationKind.MATCH_ACCEPTED,
        recipients=[user or factories.UserFactory()],
        context=CONTEXT,
        link="/matches/9/",
    )
    return notification.deliveries.get(channel=Channel.EMAIL)


def test_email_has_text_and_html_in_the_recipients_language(locmem_email):
    email = _email_delivery(factories.UserFactory(language="en", name="Eve"))

    delivery.delivery_send(delivery_id=email.pk)

    [message] = locmem_email.outbox
    assert message.subject == "Engagement confirmed: Bo Ek for Säkerhetsanalys"
    assert "Hello Eve" in message.body
    assert "http://127.0.0.1:8000/matches/9/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "<a href=" in html
    assert message.extra_headers["Idempotency-Key"] == email.idempotency_key


def test_swedish_recipient_gets_swedish_email(locmem_email):
    email = _email_delivery(factories.UserFactory(language="sv", name="Åsa"))

    delivery.delivery_send(delivery_id=email.pk)

    assert "Hej Åsa" in locmem_email.outbox[0].body
    assert locmem_email.outbox[0].subject.startswith("Uppdrag bekräftat")


def test_sending_the_same_delivery_twice_sends_one_email(locmem_email):
    email = _email_delivery()

    first = delivery.delivery_send(delivery_id=email.pk)
    second = delivery.delivery_send(delivery_id=email.pk)

    assert (first, second) == (DeliveryStatus.SENT, "skipped")
    assert len(locmem_email.outbox) == 1


def test_a_delivery_claimed_by_another_run_is_not_sent(locmem_email):
    email = _email_delivery()
    Delivery.objects.filter(pk=email.pk).update(
        status=DeliveryStatus.SENDING, claimed_at=timezone.now()
    )

    assert delivery.delivery_send(delivery_id=email.pk) == "skipped"
    assert locmem_email.outbox == []


def test_in_app_delivery_shows_the_notification_once():
    [notification] = notify(
        kind=NotificationKind.MATCH_ACCEPTED, recipients=[factories.UserFactory()], context={}
    )
    in_app = notification.deliveries.get(channel=Channel.IN_APP)

    assert delivery.deliveries_in_app_show(delivery_ids=[in_app.pk]) == 1
    assert delivery.deliveries_in_app_show(delivery_ids=[in_app.pk]) == 0
    notification.refresh_from_db()
    assert notification.in_app_at is not None


def test_temporary_smtp_failure_schedules_a_retry_with_the_error(smtp_server):
    smtp_server.mode = "451"
    email = _email_delivery()

    outcome = delivery.delivery_send(delivery_id=email.pk)

    email.refresh_from_db()
    assert outcome == DeliveryStatus.PENDING
    assert email.attempts == 1
    assert email.next_attempt_at > timezone.now()
    assert "451" in email.last_error


def test_smtp_failure_after_the_last_attempt_marks_the_delivery_failed(smtp_server, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    smtp_server.mode = "451"
    email = _email_delivery()

    delivery.delivery_send(delivery_id=email.pk)
    Delivery.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    outcome = delivery.delivery_send(delivery_id=email.pk)

    email.refresh_from_db()
    assert outcome == DeliveryStatus.FAILED
    assert (email.status, email.attempts) == (DeliveryStatus.FAILED, 2)
    assert "451" in email.last_error
    assert smtp_server.messages == []


def test_working_smtp_server_receives_the_message(smtp_server):
    email = _email_delivery(factories.UserFactory(email="anna@example.se"))

    assert delivery.delivery_send(delivery_id=email.pk) == DeliveryStatus.SENT
    assert len(smtp_server.messages) == 1
    assert email.idempotency_key.encode() in smtp_server.messages[0]


def test_bounce_suppresses_the_address_and_shows_the_message_in_app(smtp_server):
    smtp_server.mode = "bounce"
    user = factories.UserFactory(email="borta@example.se")
    prefer(user, NotificationKind.MATCH_ACCEPTED, in_app=False)
    email = _email_delivery(user)

    outcome = delivery.delivery_send(delivery_id=email.pk)

    assert outcome == DeliveryStatus.SUPPRESSED
    assert SuppressedAddress.objects.filter(email="borta@example.se").exists()
    assert Notification.objects.get(pk=email.notification_id).in_app_at is not None


def test_reported_bounce_suppresses_waiting_email_and_falls_back_to_in_app(locmem_email):
    user = factories.UserFactory(email="dsn@example.se")
    prefer(user, NotificationKind.MATCH_ACCEPTED, in_app=False)
    email = _email_delivery(user)

    email_bounce_record(email="DSN@example.se", reason="550 user unknown")
    delivery.delivery_send(delivery_id=email.pk)

    email.refresh_from_db()
    assert email.status == DeliveryStatus.SUPPRESSED
    assert locmem_email.outbox == []
    assert email.notification.in_app_at is not None


def test_retry_delay_doubles_with_jitter(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 10
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 1000

    delays = [[delivery.retry_delay(attempt) for _ in range(50)] for attempt in (1, 2, 3)]

    for attempt, samples in enumerate(delays, start=1):
        ceiling = 10 * 2 ** (attempt - 1)
        assert all(ceiling / 2 <= d <= ceiling for d in samples)
        assert len(set(samples)) > 1


def test_webhook_body_is_signed_with_the_agencys_secret(webhook_receiver):
    agency = factories.AgencyFactory(webhook_url=webhook_receiver.url, webhook_secret="hemligt")
    notify(kind=NotificationKind.MATCH_ACCEPTED, recipients=[], context=CONTEXT, agencies=[agency])
    hook = Delivery.objects.get(channel=Channel.WEBHOOK)

    assert delivery.delivery_send(delivery_id=hook.pk) == DeliveryStatus.SENT

    [(headers, body)] = webhook_receiver.requests
    expected = "sha256=" + hmac.new(b"hemligt", body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Signature"], expected)
    event = json.loads(body)
    assert event["id"] == hook.idempotency_key == headers["Idempotency-Key"]
    assert event["event"] == "match_accepted"
    assert abs(event["timestamp"] - timezone.now().timestamp()) < 60


def test_webhook_answering_500_is_retried(webhook_receiver):
    webhook_receiver.status = 500
    agency = factories.AgencyFactory(webhook_url=webhook_receiver.url, webhook_secret="s")
    notify(kind=NotificationKind.MATCH_ACCEPTED, recipients=[], context={}, agencies=[agency])
    hook = Delivery.objects.get(channel=Channel.WEBHOOK)

    assert delivery.delivery_send(delivery_id=hook.pk) == DeliveryStatus.PENDING
    hook.refresh_from_db()
    assert "HTTP 500" in hook.last_error


def test_sweep_reclaims_a_send_whose_worker_died(settings, locmem_email):
    settings.NOTIFICATIONS_SWEEP_GRACE_SECONDS = 0
    email = _email_delivery()
    long_ago = timezone.now() - dt.timedelta(hours=2)
    Delivery.objects.filter(pk=email.pk).update(status=DeliveryStatus.SENDING, claimed_at=long_ago)

    tasks.sweep()

    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENT
    assert len(locmem_email.outbox) == 1


def test_sweep_leaves_fresh_rows_to_their_own_task(settings, locmem_email):
    settings.NOTIFICATIONS_SWEEP_GRACE_SECONDS = 60
    _email_delivery()

    assert tasks.sweep() == 0
    assert locmem_email.outbox == []


def test_digest_bundles_waiting_emails_into_one_message(
    locmem_email, django_capture_on_commit_callbacks
):
    user = factories.UserFactory(language="en")
    prefer(user, NotificationKind.MATCH_ACCEPTED, digest=True)
    first = _email_delivery(user)
    _email_delivery(user)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.digest() == 1

    [message] = locmem_email.outbox
    assert message.subject == "Your daily digest (2)"
    assert message.body.count("Engagement confirmed") == 2
    first.refresh_from_db()
    assert first.status == DeliveryStatus.DIGESTED and first.digest.kind == "digest"
    assert tasks.digest() == 0


def test_admin_retry_gives_a_failed_delivery_new_attempts(
    locmem_email, django_capture_on_commit_callbacks
):
    email = _email_delivery()
    Delivery.objects.filter(pk=email.pk).update(status=DeliveryStatus.FAILED, attempts=6)

    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_retry(delivery_ids=[email.pk]) == 1

    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENT
    assert len(locmem_email.outbox) == 1
