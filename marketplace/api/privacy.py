"""GDPR endpoints: a person's own data as a JSON download, and an admin's erasure."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.selectors.specialists import specialist_get
from marketplace.services import privacy

ERROR = inline_serializer("PrivacyError", fields={"detail": serializers.CharField()})
ERASURE = inline_serializer(
    "SpecialistErasure",
    fields={
        "specialist": serializers.IntegerField(),
        "user": serializers.IntegerField(),
        "erased": serializers.BooleanField(),
        "matches_cancelled": serializers.ListField(child=serializers.IntegerField()),
        "matches_kept": serializers.IntegerField(),
        "engagements_kept": serializers.IntegerField(),
        "availability_deleted": serializers.IntegerField(),
        "notifications_deleted": serializers.IntegerField(),
    },
)


class PersonalDataExportView(APIView):
    @extend_schema(
        tags=["privacy"],
        summary="Download everything the product holds about me",
        description="GDPR right of access: the account, specialist profile, skills, "
        "availability, matches, engagements, notifications, preferences and the audit "
        "events about the caller, as one JSON attachment.",
        responses={
            200: OpenApiResponse(description="A JSON file (Content-Disposition: attachment)."),
            401: OpenApiResponse(ERROR, description="Not signed in."),
        },
    )
    def get(self, request: Request) -> HttpResponse:
        data = privacy.personal_data_export(user=request.user)
        stamp = timezone.localdate().isoformat()
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="delad-kompetens-mina-uppgifter-{request.user.pk}-{stamp}.json"'
        )
        response["Cache-Control"] = "no-store"
        return response


class SpecialistEraseView(APIView):
    @extend_schema(
        tags=["privacy"],
        summary="Erase a specialist's personal data",
        description="Admins only. Anonymises the account, removes the profile's personal "
        "data, availability and notifications, cancels active matches, and keeps matches "
        "and engagements (hours, ratings) for the statistics. Audited.",
        request=None,
        responses={
            200: ERASURE,
            403: OpenApiResponse(ERROR, description="Visible, but the caller is not an admin."),
            404: OpenApiResponse(ERROR, description="Missing or not visible to the caller."),
            409: OpenApiResponse(ERROR, description="Already erased."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        specialist = specialist_get(user=request.user, specialist_id=pk)
        summary = privacy.specialist_erase(actor=request.user, specialist=specialist)
        return Response(summary)
