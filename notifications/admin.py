from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from notifications import services
from notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    ProposalFollow,
    SuppressedAddress,
)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient", "shown_title", "in_app_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["recipient__email"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "created_at"

    @admin.display(description="title")
    def shown_title(self, notification: Notification) -> str:
        return notification.shown_title


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "channel",
        "kind",
        "status",
        "attempts",
        "recipient",
        "agency",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["idempotency_key", "notification__recipient__email", "last_error"]
    raw_id_fields = ["notification", "digest", "agency"]
    readonly_fields = ["idempotency_key", "claimed_at", "sent_at", "created_at"]
    actions = ["retry_failed"]

    @admin.display(description="recipient")
    def recipient(self, delivery: Delivery) -> str:
        return str(delivery.notification.recipient) if delivery.notification_id else ""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Delivery]:
        return super().get_queryset(request).select_related("notification__recipient", "agency")

    @admin.action(description="Retry the selected failed deliveries")
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = services.delivery_retry(delivery_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} deliveries queued again.", messages.SUCCESS)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "in_app", "email", "digest"]
    list_filter = ["kind"]
    raw_id_fields = ["user"]


@admin.register(ProposalFollow)
class ProposalFollowAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "skill_category"]
    raw_id_fields = ["user"]


@admin.register(SuppressedAddress)
class SuppressedAddressAdmin(admin.ModelAdmin):
    list_display = ["email", "created_at", "reason"]
    search_fields = ["email"]
