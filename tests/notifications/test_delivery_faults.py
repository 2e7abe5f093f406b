"""Permanent and temporary SMTP refusals at every stage, the sent log, the lease, the
sent mark retried on a fresh connection, and webhook URLs checked again at send time."""

import datetime as dt

import pytest
from django.db import OperationalError, connection
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
from notifications.sent_log import sent_log_lookup, sent_log_record
from notifications.services import notify
from tests import factories
from tests.notifications.conftest import prefer

pytestmark = pytest.mark.django_db

CONTEXT = {"need_title": "Säkerhetsanalys", "specialist_name": "Bo Ek"}


def _email_delivery(user) -> Delivery:
    [notification] = notify(
        kind=NotificationKind.MATCH_ACCEPTED, recipients=[user], context=CONTEXT
    )
    return notification.deliveries.get(channel=Channel.EMAIL)


@pytest.mark.parametrize("mode", ["550-mail", "552-data"], ids=["MAIL FROM", "end of DATA"])
def test_permanent_refusal_at_any_stage_suppresses_the_address_with_in_app_fallback(
    smtp_server, mode
):
    smtp_server.mode = mode
    user = factories.UserFactory(email="nej@example.se")
    prefer(user, NotificationKind.MATCH_ACCEPTED, in_app=False)
    email = _email_delivery(user)

    assert delivery.delivery_send(delivery_id=email.pk) == DeliveryStatus.SUPPRESSED
    assert SuppressedAddress.objects.filter(email="nej@example.se").exists()
    assert Notification.objects.get(pk=email.notification_id).in_app_at is not None


@pytest.mark.parametrize("mode", ["451", "452-data"], ids=["MAIL FROM", "end of DATA"])
def test_temporary_refusal_at_any_stage_is_retried(smtp_server, mode):
    smtp_server.mode = mode
    user = factories.UserFactory(email="sen@example.se")
    email = _email_delivery(user)

    assert delivery.delivery_send(delivery_id=email.pk) == DeliveryStatus.PENDING
    assert not SuppressedAddress.objects.exists()


def test_refused_server_connection_is_retried_without_suppressing(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    email = _email_delivery(factories.UserFactory())

    assert delivery.delivery_send(delivery_id=email.pk) == DeliveryStatus.PENDING
    assert not SuppressedAddress.objects.exists()


def test_one_refused_address_in_a_batch_does_not_stop_the_others(smtp_server):
    users = factories.UserFactory.create_batch(3)
    smtp_server.refuse = {users[1].email.lower()}
    emails = [_email_delivery(user) for user in users]

    outcomes = delivery.deliveries_send(delivery_ids=[email.pk for email in emails])

    assert outcomes == {DeliveryStatus.SENT: 2, DeliveryStatus.SUPPRESSED: 1}
    assert len(smtp_server.messages) == 2


def test_an_accepted_message_is_in_the_sent_log_under_its_message_id(smtp_server):
    email = _email_delivery(factories.UserFactory())

    delivery.delivery_send(delivery_id=email.pk)

    assert smtp_server.message_ids() == [f"<{email.idempotency_key}@notifications.delad-kompetens>"]
    assert sent_log_lookup(idempotency_keys=[email.idempotency_key]) == {email.idempotency_key}


def test_a_stale_send_the_channel_took_is_marked_sent_not_sent_again(locmem_email, settings):
    settings.NOTIFICATIONS_SWEEP_GRACE_SECONDS = 0
    email = _email_delivery(factories.UserFactory())
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    Delivery.objects.filter(pk=email.pk).update(status=DeliveryStatus.SENDING, claimed_at=long_ago)
    sent_log_record(idempotency_key=email.idempotency_key)

    tasks.sweep()

    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENT
    assert locmem_email.outbox == []


def test_a_send_within_its_lease_is_left_alone(locmem_email, settings):
    settings.NOTIFICATIONS_SWEEP_GRACE_SECONDS = 0
    settings.NOTIFICATIONS_SENDING_LEASE_SECONDS = 60
    email = _email_delivery(factories.UserFactory())
    recent = timezone.now() - dt.timedelta(seconds=30)
    Delivery.objects.filter(pk=email.pk).update(status=DeliveryStatus.SENDING, claimed_at=recent)

    tasks.sweep()

    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENDING
    assert locmem_email.outbox == []


def test_the_lease_is_renewed_while_a_batch_is_sent(locmem_email, settings, monkeypatch):
    settings.NOTIFICATIONS_SENDING_LEASE_SECONDS = 0.03  # renewed before each message
    emails = [_email_delivery(factories.UserFactory()) for _ in range(3)]
    renewals = []
    original = delivery._Lease.renew_if_due

    def counting(self):
        renewals.append(set(self.held))
        return original(self)

    monkeypatch.setattr(delivery._Lease, "renew_if_due", counting)
    monkeypatch.setattr(delivery.time, "monotonic", iter(range(0, 1000, 1)).__next__)

    delivery.deliveries_send(delivery_ids=[email.pk for email in emails])

    assert [len(held) for held in renewals] == [3, 2, 1]
    assert len(locmem_email.outbox) == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_sent_mark_refused_once_is_retried_on_a_fresh_connection(locmem_email, monkeypatch):
    real_mark = delivery._mark_sent
    calls = []

    def refuse_first(ids):
        calls.append(connection.connection)
        if len(calls) == 1:
            raise OperationalError("terminating connection due to administrator command")
        return real_mark(ids)

    monkeypatch.setattr(delivery, "_mark_sent", refuse_first)

    # Committed (no test transaction here): its task runs in-process at once.
    email = _email_delivery(factories.UserFactory())

    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENT
    assert len(calls) == 2 and calls[0] is not calls[1]
    assert len(locmem_email.outbox) == 1


def test_webhook_url_that_now_resolves_to_a_private_address_is_not_called(
    webhook_receiver, settings
):
    agency = factories.AgencyFactory(webhook_url="https://10.0.0.8/hook", webhook_secret="s")
    notify(kind=NotificationKind.MATCH_ACCEPTED, recipients=[], context={}, agencies=[agency])
    hook = Delivery.objects.get(channel=Channel.WEBHOOK)

    assert delivery.delivery_send(delivery_id=hook.pk) == DeliveryStatus.FAILED
    hook.refresh_from_db()
    assert "10.0.0.8" in hook.last_error  # "must point to a public address, not 10.0.0.8"


def test_a_stale_email_the_mail_server_logged_is_marked_sent_not_sent_again(
    locmem_email, settings, tmp_path
):
    settings.NOTIFICATIONS_SWEEP_GRACE_SECONDS = 0
    log = tmp_path / "mail.log"
    settings.NOTIFICATIONS_MAIL_LOG_FILE = str(log)
    logged, unlogged = (_email_delivery(factories.UserFactory()) for _ in range(2))
    log.write_text(
        "Dec  3 18:00:00 relay postfix/cleanup[4711]: 4F3A21: "
        f"message-id=<{logged.idempotency_key}@notifications.delad-kompetens>\n"
    )
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    Delivery.objects.filter(pk__in=[logged.pk, unlogged.pk]).update(
        status=DeliveryStatus.SENDING, claimed_at=long_ago
    )

    tasks.sweep()

    assert [m.extra_headers["Idempotency-Key"] for m in locmem_email.outbox] == [
        unlogged.idempotency_key
    ]
    logged.refresh_from_db()
    assert logged.status == DeliveryStatus.SENT
