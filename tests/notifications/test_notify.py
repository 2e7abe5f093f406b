import pytest
from django.db import transaction
from django.utils import translation

from notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    SuppressedAddress,
)
from notifications.services import notify
from tests import factories
from tests.notifications.conftest import prefer

pytestmark = pytest.mark.django_db

CONTEXT = {
    "title": "Approved: Molnarkitekt",
    "match_id": 5,
    "need_title": "Molnarkitekt",
    "specialist_name": "Anna Svensson",
    "start": "2027-01-11",
    "end": "2027-03-31",
    "capacity_percent": 40,
}


def _notify(recipients, kind=NotificationKind.MATCH_APPROVED, **kwargs):
    return notify(kind=kind, recipients=recipients, context=CONTEXT, link="/matches/5/", **kwargs)


def test_notify_writes_in_app_and_email_delivery_per_recipient():
    users = factories.UserFactory.create_batch(2)

    notifications = _notify(users)

    assert {n.recipient_id for n in notifications} == {u.pk for u in users}
    deliveries = Delivery.objects.filter(notification__in=notifications)
    assert sorted(deliveries.values_list("channel", flat=True)) == sorted(
        [Channel.IN_APP, Channel.EMAIL] * 2
    )
    assert set(deliveries.values_list("status", flat=True)) == {DeliveryStatus.PENDING}


def test_notify_skips_inactive_missing_and_repeated_recipients():
    user = factories.UserFactory()
    inactive = factories.UserFactory(is_active=False)

    notifications = _notify([user, user, None, inactive])

    assert [n.recipient_id for n in notifications] == [user.pk]


def test_each_delivery_has_its_own_idempotency_key():
    _notify(factories.UserFactory.create_batch(3))

    keys = list(Delivery.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == 6 and len(set(keys)) == 6


def test_a_notification_stores_kind_and_context_not_text():
    [notification] = _notify([factories.UserFactory(language="sv")])

    notification.refresh_from_db()
    assert (notification.title, notification.body) == ("", "")
    assert notification.context["need_title"] == "Molnarkitekt"


def test_the_same_notification_reads_in_each_language_it_is_shown_in():
    [notification] = _notify([factories.UserFactory(language="sv")])

    swedish_title, _ = notification.text_in("sv")
    english_title, english_body = notification.text_in("en")

    assert swedish_title == "Matchning godkänd: Anna Svensson till Molnarkitekt"
    assert english_title == "Match approved: Anna Svensson for Molnarkitekt"
    assert "2027-01-11" in english_body
    with translation.override("en"):
        assert notification.shown_title == english_title


def test_a_row_written_with_text_before_kind_and_context_storage_keeps_its_text():
    [notification] = _notify([factories.UserFactory()])
    Notification.objects.filter(pk=notification.pk).update(title="Gammal titel", body="Text")
    notification.refresh_from_db()

    assert notification.text_in("en") == ("Gammal titel", "Text")


def test_unknown_kind_falls_back_to_the_callers_title():
    user = factories.UserFactory()

    [notification] = _notify([user], kind="something_new")

    assert notification.shown_title == "Approved: Molnarkitekt"


def test_need_published_fit_is_opt_in():
    silent, opted_in = factories.UserFactory.create_batch(2)
    prefer(opted_in, NotificationKind.NEED_PUBLISHED_FIT)

    notifications = _notify([silent, opted_in], kind=NotificationKind.NEED_PUBLISHED_FIT)

    assert [n.recipient_id for n in notifications] == [opted_in.pk]


def test_preference_without_email_writes_only_the_in_app_delivery():
    user = factories.UserFactory()
    prefer(user, NotificationKind.MATCH_APPROVED, email=False)

    [notification] = _notify([user])

    assert list(notification.deliveries.values_list("channel", flat=True)) == [Channel.IN_APP]


def test_preference_with_everything_off_writes_no_notification():
    user = factories.UserFactory()
    prefer(user, NotificationKind.MATCH_APPROVED, email=False, in_app=False)

    assert _notify([user]) == []
    assert not Notification.objects.exists()


def test_digest_preference_holds_the_email_for_the_digest():
    user = factories.UserFactory()
    prefer(user, NotificationKind.MATCH_APPROVED, digest=True)

    [notification] = _notify([user])

    email = notification.deliveries.get(channel=Channel.EMAIL)
    assert email.status == DeliveryStatus.DIGEST


def test_suppressed_address_gets_no_email_and_falls_back_to_in_app():
    user = factories.UserFactory(email="studsar@example.se")
    prefer(user, NotificationKind.MATCH_APPROVED, in_app=False)
    SuppressedAddress.objects.create(email="studsar@example.se")

    [notification] = _notify([user])

    statuses = dict(notification.deliveries.values_list("channel", "status"))
    assert statuses == {Channel.IN_APP: DeliveryStatus.PENDING, Channel.EMAIL: "suppressed"}


def test_webhook_delivery_per_agency_with_a_url_only():
    hooked = factories.AgencyFactory(webhook_url="https://hooks.example.se/x", webhook_secret="s")
    unhooked = factories.AgencyFactory()

    _notify([], agencies=[hooked, hooked, unhooked])

    webhook = Delivery.objects.get(channel=Channel.WEBHOOK)
    assert webhook.agency == hooked
    assert webhook.payload["event"] == "match_approved"
    assert webhook.payload["data"]["match_id"] == 5
    assert webhook.payload["link"].endswith("/matches/5/")


def test_context_dates_are_stored_as_plain_values():
    import datetime as dt

    user = factories.UserFactory()

    [notification] = notify(
        kind=NotificationKind.MATCH_APPROVED,
        recipients=[user],
        context={**CONTEXT, "start": dt.date(2027, 1, 11)},
    )

    notification.refresh_from_db()
    assert notification.context["start"] == "2027-01-11"


def test_deliveries_are_handed_to_workers_only_after_commit(
    django_capture_on_commit_callbacks, locmem_email
):
    user = factories.UserFactory()

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        _notify([user])
        assert len(locmem_email.outbox) == 0

    assert len(callbacks) == 1
    assert len(locmem_email.outbox) == 1
    assert Notification.objects.get().in_app_at is not None


def test_rolled_back_transaction_leaves_no_notification_and_sends_nothing(
    django_capture_on_commit_callbacks, locmem_email
):
    user = factories.UserFactory()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _notify([user])
        raise RuntimeError("the state change failed")

    assert callbacks == []
    assert not Notification.objects.exists()
    assert locmem_email.outbox == []


def test_large_fan_out_is_handed_over_as_one_task_and_delivered(
    django_capture_on_commit_callbacks, locmem_email, settings
):
    settings.NOTIFICATIONS_BATCH_SIZE = 1
    users = factories.UserFactory.create_batch(12)

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _notify(users)

    assert sorted(m.to[0] for m in locmem_email.outbox) == sorted(u.email for u in users)
