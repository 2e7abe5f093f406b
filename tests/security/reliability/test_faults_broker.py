"""Redis unreachable when a match is approved: the approval stands, the outbox delivers later."""

import pytest

from marketplace.models import Match, MatchStatus
from notifications.models import Delivery, DeliveryStatus, Notification, NotificationKind
from notifications.tasks import sweep
from tests.security.reliability.conftest import broker_unreachable, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATIONS_SWEEP_GRACE_SECONDS = 0
    from django.core import mail

    mail.outbox = []
    return mail


def _approval_deliveries() -> list[Delivery]:
    return list(
        Delivery.objects.filter(notification__kind=NotificationKind.MATCH_APPROVED).order_by("pk")
    )


def _statuses() -> set[str]:
    return {delivery.status for delivery in _approval_deliveries()}


def test_approval_while_redis_is_down_succeeds_and_the_outbox_waits(
    market, client_for, live_worker, locmem_email
):
    with broker_unreachable():
        response = client_for(market["coordinator"]).post(
            f"/api/v1/matches/{market['match'].pk}/approve/"
        )

    assert response.status_code == 200
    assert Match.objects.get(pk=market["match"].pk).status == MatchStatus.APPROVED
    assert _approval_deliveries()
    assert not wait_for(lambda: _statuses() != {DeliveryStatus.PENDING}, timeout=1.5)
    assert locmem_email.outbox == []


def test_outbox_kept_while_redis_was_down_goes_out_with_the_next_sweep(
    market, client_for, live_worker, locmem_email
):
    with broker_unreachable():
        client_for(market["coordinator"]).post(f"/api/v1/matches/{market['match'].pk}/approve/")

    sweep.delay()

    assert wait_for(lambda: _statuses() == {DeliveryStatus.SENT})
    recipients = set(
        Notification.objects.filter(kind=NotificationKind.MATCH_APPROVED).values_list(
            "recipient__email", flat=True
        )
    )
    assert {m.to[0] for m in locmem_email.outbox} == recipients
    assert len(locmem_email.outbox) == len(recipients)
