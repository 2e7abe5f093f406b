import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from notifications.kinds import NotificationKind
from notifications.messages import notification_text


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Agency webhook")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    DIGEST = "digest", _("Waiting for the digest")
    DIGESTED = "digested", _("Sent in a digest")
    SUPPRESSED = "suppressed", _("Suppressed (address bounced)")


class Notification(models.Model):
    """One event told to one user; shown in the app once its in-app delivery has run.

    It keeps the event's kind and context; its words are rendered when shown, in the
    reader's language. `title` and `body` hold text only on rows written before that.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    title = models.CharField(max_length=250, blank=True, default="")
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    context = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    in_app_at = models.DateTimeField(_("shown in the app at"), null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(in_app_at__isnull=False),
                name="notification_inbox_idx",
            ),
            models.Index(fields=["kind", "created_at"], name="notification_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    def text_in(self, language: str) -> tuple[str, str]:
        """Title and body in `language` (see `notifications.messages`)."""
        return notification_text(
            kind=self.kind,
            context=self.context,
            language=language,
            title=self.title,
            body=self.body,
        )

    @property
    def shown_title(self) -> str:
        return self.text_in(translation.get_language() or "")[0]

    @property
    def shown_body(self) -> str:
        return self.text_in(translation.get_language() or "")[1]


def _new_idempotency_key() -> str:
    return uuid.uuid4().hex


class Delivery(models.Model):
    """The outbox: one row per notification and channel (or per agency for webhooks).

    Written in the caller's transaction, delivered by a worker after commit, and re-sent
    by the sweep while still pending; the idempotency key travels with the message so a
    receiver can drop a repeat.
    """

    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    idempotency_key = models.CharField(max_length=64, unique=True, default=_new_idempotency_key)
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    payload = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    digest = models.ForeignKey(
        Notification,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digested_deliveries",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_status_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"],
                condition=Q(notification__isnull=False),
                name="delivery_one_per_notification_channel",
            ),
            models.CheckConstraint(
                condition=(
                    Q(channel="webhook", agency__isnull=False, notification__isnull=True)
                    | (~Q(channel="webhook") & Q(agency__isnull=True, notification__isnull=False))
                ),
                name="delivery_webhook_to_agency_else_to_notification",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind} ({self.status})"


class NotificationPreference(models.Model):
    """A user's choice for one kind; without a row the kind's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=True)
    digest = models.BooleanField(
        default=False, help_text="Email in the daily digest instead of immediately."
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_one_per_user_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"


class SuppressedAddress(models.Model):
    """An email address that bounced: nothing more is mailed to it until an admin removes it."""

    email = models.EmailField(unique=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email


class ProposalFollow(models.Model):
    """A coordinator answers for proposals of one agency's needs or of one skill area.

    A nomination is told to the coordinators who follow the need's agency or one of its
    skills' categories; only when nobody does, `NOTIFICATIONS_PROPOSAL_FALLBACK` decides.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposal_follows"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    skill_category = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["user", "agency", "skill_category"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(agency__isnull=False, skill_category="")
                    | Q(agency__isnull=True) & ~Q(skill_category="")
                ),
                name="proposal_follow_agency_or_skill_category",
            ),
            models.UniqueConstraint(
                fields=["user", "agency", "skill_category"], name="proposal_follow_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.agency_id or self.skill_category}"
