import pytest
from django.utils import timezone

from notifications.models import Channel, Delivery, DeliveryStatus, Notification
from tests import factories

pytestmark = pytest.mark.django_db


def test_admin_lists_failed_deliveries_with_their_last_error(client):
    admin = factories.AdminFactory()
    notification = Notification.objects.create(
        recipient=factories.UserFactory(),
        kind="match_approved",
        title="T",
        in_app_at=timezone.now(),
    )
    Delivery.objects.create(
        notification=notification,
        channel=Channel.EMAIL,
        kind="match_approved",
        status=DeliveryStatus.FAILED,
        attempts=6,
        last_error="SMTPSenderRefused: 451 try again later",
    )
    client.force_login(admin)

    response = client.get("/admin/notifications/delivery/?status__exact=failed")

    assert response.status_code == 200
    assert "451 try again later" in response.content.decode()
