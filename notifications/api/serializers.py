from django.utils.translation import gettext as _
from rest_framework import serializers

from notifications.models import Notification
from notifications.selectors import CONFIGURABLE_KINDS


class NotificationSerializer(serializers.ModelSerializer):
    """Title and body in the reader's language of this request, rendered from kind and context."""

    title = serializers.CharField(source="shown_title", read_only=True)
    body = serializers.CharField(source="shown_body", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "created_at", "read_at"]
        read_only_fields = fields


class UnreadCountSerializer(serializers.Serializer):
    unread_count = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications changed to read.")


class ChannelChoiceSerializer(serializers.Serializer):
    in_app = serializers.BooleanField(required=False, help_text="Show in the app.")
    email = serializers.BooleanField(required=False, help_text="Send by email.")
    digest = serializers.BooleanField(
        required=False, help_text="Email in the daily digest instead of immediately."
    )


class PreferencesSerializer(serializers.Serializer):
    """One entry per event kind; PATCH takes any subset of kinds and of their fields."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            kind.value: ChannelChoiceSerializer(required=False, help_text=str(kind.label))
            for kind in CONFIGURABLE_KINDS
        }

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - {kind.value for kind in CONFIGURABLE_KINDS})
            if unknown:
                raise serializers.ValidationError(
                    {kind: [_("Not a notification kind you can configure.")] for kind in unknown}
                )
        return super().to_internal_value(data)
