"""Reading the audit trail: coordinators and admins only."""

import django_filters
from django.db.models import QuerySet

from accounts.errors import Forbidden
from accounts.models import User
from marketplace.models import AuditEvent
from marketplace.permissions import audit_event_visibility, can_read_audit_trail
from marketplace.selectors.matches import IdFilter


class AuditEventFilter(django_filters.FilterSet):
    """Query filters of the audit trail."""

    actor = IdFilter(field_name="actor_id")
    action = django_filters.CharFilter()
    object_type = django_filters.CharFilter()
    object_id = django_filters.CharFilter()
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "object_type", "object_id"]


def audit_event_list(*, user: User) -> QuerySet[AuditEvent]:
    """The trail the user may see, newest first; Forbidden for all but coordinators and admins."""
    if not can_read_audit_trail(user):
        raise Forbidden("Only coordinators and admins may read the audit trail.")
    return AuditEvent.objects.filter(audit_event_visibility(user)).order_by("-created_at", "-id")
