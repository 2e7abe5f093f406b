"""A specialist's availability windows."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.errors import Forbidden
from accounts.models import User
from marketplace.models import Availability, Specialist
from marketplace.permissions import can_edit_specialist_profile
from marketplace.selectors.specialists import availability_get, availability_list, specialist_get
from marketplace.services.availability import (
    availability_create,
    availability_delete,
    availability_update,
)

ERRORS = {
    400: OpenApiResponse(description="Invalid window (dates, capacity, overlap); names the field."),
    403: OpenApiResponse(description="Only the specialist and their agency's managers may write."),
    404: OpenApiResponse(description="Missing or not visible to you."),
    409: OpenApiResponse(description="Approved or accepted matches reserve this capacity."),
}


def _require_writer(user: User, specialist: Specialist) -> None:
    # Checked before validating the body so a reader learns "forbidden", not "bad input".
    if not can_edit_specialist_profile(user, specialist):
        raise Forbidden(
            _("Only the specialist and their agency's managers may change availability.")
        )


class AvailabilitySerializer(serializers.ModelSerializer):
    capacity_percent = serializers.IntegerField(min_value=1, max_value=100)

    class Meta:
        model = Availability
        fields = ["id", "start", "end", "capacity_percent"]
        read_only_fields = ["id"]


class SpecialistAvailabilityView(generics.ListAPIView):
    serializer_class = AvailabilitySerializer
    ordering_fields = ["start", "end", "capacity_percent"]
    filterset_class = None

    def get_queryset(self) -> QuerySet[Availability]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Availability.objects.none()
        return availability_list(user=self.request.user, specialist_id=self.kwargs["pk"])

    @extend_schema(
        summary="A specialist's availability windows",
        responses={200: AvailabilitySerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Add an availability window",
        request=AvailabilitySerializer,
        responses={
            201: AvailabilitySerializer,
            400: ERRORS[400],
            403: ERRORS[403],
            404: ERRORS[404],
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        specialist = specialist_get(user=request.user, specialist_id=pk)
        _require_writer(request.user, specialist)
        serializer = AvailabilitySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        window = availability_create(
            actor=request.user, specialist=specialist, **serializer.validated_data
        )
        return Response(AvailabilitySerializer(window).data, status=status.HTTP_201_CREATED)


class AvailabilityDetailView(generics.GenericAPIView):
    serializer_class = AvailabilitySerializer

    @extend_schema(
        summary="One availability window",
        responses={200: AvailabilitySerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(
            AvailabilitySerializer(availability_get(user=request.user, availability_id=pk)).data
        )

    @extend_schema(
        summary="Move or resize an availability window",
        request=AvailabilitySerializer(partial=True),
        responses={200: AvailabilitySerializer, **ERRORS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        window = availability_get(user=request.user, availability_id=pk)
        _require_writer(request.user, window.specialist)
        serializer = AvailabilitySerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        window = availability_update(
            actor=request.user, availability=window, **serializer.validated_data
        )
        return Response(AvailabilitySerializer(window).data)

    @extend_schema(
        summary="Remove an availability window",
        request=None,
        responses={204: None, 403: ERRORS[403], 404: ERRORS[404], 409: ERRORS[409]},
    )
    def delete(self, request: Request, pk: int) -> Response:
        window = availability_get(user=request.user, availability_id=pk)
        availability_delete(actor=request.user, availability=window)
        return Response(status=status.HTTP_204_NO_CONTENT)
