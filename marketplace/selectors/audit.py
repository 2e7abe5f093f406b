"""Reading the audit trail: coordinators and admins only."""

import datetime as dt

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters.fields import IsoDateTimeField

from accounts.errors import Forbidden
from accounts.models import User
from marketplace.input_limits import validate_date_in_range
from marketplace.models import AuditEvent
from marketplace.permissions import audit_event_visibility, can_read_audit_trail
from marketplace.selectors.filtering import IdFilter, ListFilterSet


class _UtcIsoDateTimeField(IsoDateTimeField):
    """ISO 8601 in any offset Python accepts, handed to the database in UTC.

    PostgreSQL refuses offsets beyond ±15:59 (Python allows ±23:59), and a value at the
    edge of the calendar may not exist in UTC: both are bad input, never a 500.
    """

    def to_python(self, value: object) -> dt.datetime | None:
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(dt.UTC)
        except OverflowError as error:
            raise forms.ValidationError("Date and time out of range.", code="invalid") from error


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = _UtcIsoDateTimeField


class AuditEventFilter(ListFilterSet):
    """Query filters of the audit trail."""

    actor = IdFilter(field_name="actor_id")
    action = django_filters.CharFilter(max_length=100)
    object_type = django_filters.CharFilter(max_length=100)
    object_id = django_filters.CharFilter(max_length=100)
    created_after = UtcIsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", validators=[validate_date_in_range]
    )
    created_before = UtcIsoDateTimeFilter(
        field_name="created_at", lookup_expr="lt", validators=[validate_date_in_range]
    )

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "object_type", "object_id"]


def audit_event_list(*, user: User) -> QuerySet[AuditEvent]:
    """The trail the user may see, newest first; Forbidden for all but coordinators and admins."""
    if not can_read_audit_trail(user):
        raise Forbidden(_("Only coordinators and admins may read the audit trail."))
    return AuditEvent.objects.filter(audit_event_visibility(user)).order_by("-created_at", "-id")
