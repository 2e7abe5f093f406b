"""The audit trail, read-only, for coordinators and admins."""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from marketplace.api.pagination import CursorPagination
from marketplace.models import AuditEvent
from marketplace.selectors.audit import AuditEventFilter, audit_event_list

ERROR = inline_serializer("AuditError", fields={"detail": serializers.CharField()})


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.IntegerField(source="actor_id", read_only=True, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "actor",
            "action",
            "object_type",
            "object_id",
            "before",
            "after",
            "request_id",
            "created_at",
        ]
        read_only_fields = fields


class AuditEventListView(generics.ListAPIView):
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    ordering_fields = ["created_at", "id"]
    pagination_class = CursorPagination

    def get_queryset(self) -> QuerySet[AuditEvent]:
        if getattr(self, "swagger_fake_view", False):
            return AuditEvent.objects.none()
        return audit_event_list(user=self.request.user)

    @extend_schema(
        tags=["audit"],
        summary="Read the audit trail",
        description="Coordinators and admins. Newest first; filter by actor, action, object "
        "and a `created_after`/`created_before` window (ISO 8601).",
        responses={
            200: AuditEventSerializer(many=True),
            400: OpenApiResponse(description="Field-level messages for bad filter values."),
            403: OpenApiResponse(ERROR, description="Not a coordinator or admin."),
        },
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)
