"""Needs: drafting, editing, publishing and ending them."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import cached_property
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.errors import Forbidden, InvalidInput
from accounts.models import Agency, User
from fastpaths.compiled_lists import CompiledKeysetListView
from marketplace.api.filters import NeedFilter
from marketplace.api.middleware import MAX_ID
from marketplace.api.pagination import BAD_CURSOR
from marketplace.api.representation import iso_date, iso_datetime
from marketplace.models import Clearance, Need, Region
from marketplace.permissions import can_manage_need
from marketplace.selectors.needs import (
    board_ordering,
    need_get,
    need_get_with_skills,
    need_list_with_json,
    need_skill_rows,
)
from marketplace.services.needs import (
    CLOSE_REASONS,
    NeedSkillSpec,
    need_cancel,
    need_close,
    need_create,
    need_delete,
    need_publish,
    need_update,
)

ERRORS = {
    400: OpenApiResponse(description="Invalid input; the body names the fields."),
    403: OpenApiResponse(description="Visible, but only the need's agency managers may do this."),
    404: OpenApiResponse(description="Missing or not visible to you (drafts of other agencies)."),
    409: OpenApiResponse(description="The need's status does not allow this; the body says why."),
}


class NeedSkillSerializer(serializers.Serializer):
    skill = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    min_level = serializers.IntegerField(min_value=1, max_value=5)
    required = serializers.BooleanField(default=True)


class NeedSkillOutputSerializer(serializers.Serializer):
    skill = serializers.IntegerField(source="skill_id")
    min_level = serializers.IntegerField()
    required = serializers.BooleanField()


class NeedOutputSerializer(serializers.ModelSerializer):
    agency = serializers.IntegerField(source="agency_id")
    skills = NeedSkillOutputSerializer(source="skill_requirements", many=True)

    class Meta:
        model = Need
        fields = [
            "id",
            "agency",
            "title",
            "description",
            "skills",
            "start",
            "end",
            "capacity_percent",
            "headcount",
            "clearance_required",
            "languages",
            "region",
            "remote_ok",
            "allow_own_agency",
            "status",
            "unfilled_reason",
            "published_at",
        ]

    # What a list reads per row (as values, not models): the output's columns and those of
    # every ordering, not who created the need or when it last changed.
    # Requirements and languages as JSON text (need_list_with_json).
    OWN_COLUMNS = (
        *("id", "agency_id", "title", "description", "start", "end", "capacity_percent"),
        *("headcount", "clearance_required", "region", "remote_ok"),
        *("allow_own_agency", "status", "unfilled_reason", "published_at", "created_at"),
    )
    LIST_COLUMNS = (*OWN_COLUMNS, "skills_json", "languages_json")

    @cached_property
    def _time_zone(self) -> dt.tzinfo:
        # Once per response: a list uses one instance for all its rows.
        return timezone.get_current_timezone()

    def to_representation(self, need: Need | dict) -> dict:
        # By hand, in the order of Meta.fields: walking DRF's fields per row cost more than
        # the queries on a page of 50. tests/marketplace/profiles/test_output_serializers.py
        # holds it equal to the declared fields.
        # A list page comes as rows of LIST_COLUMNS with `skills` and `languages` as JSON
        # the database wrote (NeedListCreateView.raw_json_columns); one need alone is a
        # model, with `skill_rows` or its requirements prefetched.
        row = need if isinstance(need, dict) else _need_row(need)
        return {
            "id": row["id"],
            "agency": row["agency_id"],
            "title": row["title"],
            "description": row["description"],
            "skills": row["skills"],
            "start": iso_date(row["start"]),
            "end": iso_date(row["end"]),
            "capacity_percent": row["capacity_percent"],
            "headcount": row["headcount"],
            "clearance_required": row["clearance_required"],
            "languages": row["languages"],
            "region": row["region"],
            "remote_ok": row["remote_ok"],
            "allow_own_agency": row["allow_own_agency"],
            "status": row["status"],
            "unfilled_reason": row["unfilled_reason"],
            "published_at": iso_datetime(row["published_at"], self._time_zone),
        }


def _need_row(need: Need) -> dict:
    row = {column: getattr(need, column) for column in NeedOutputSerializer.OWN_COLUMNS}
    skills = getattr(need, "skill_rows", None)
    row["skills"] = need_skill_rows(need.skill_requirements.all() if skills is None else skills)
    row["languages"] = need.languages
    return row


class NeedUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(allow_blank=True)
    skills = NeedSkillSerializer(many=True)
    start = serializers.DateField()
    end = serializers.DateField()
    capacity_percent = serializers.IntegerField(min_value=1, max_value=100)
    headcount = serializers.IntegerField(min_value=1, max_value=100)
    clearance_required = serializers.ChoiceField(choices=Clearance.choices)
    languages = serializers.ListField(child=serializers.CharField(max_length=10))
    region = serializers.ChoiceField(choices=Region.choices, allow_blank=True)
    remote_ok = serializers.BooleanField()
    allow_own_agency = serializers.BooleanField()


class NeedCreateSerializer(NeedUpdateSerializer):
    agency = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="Admins choose; managers get their own agency.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.required = name in ("title", "start", "end", "capacity_percent")


class NeedCloseSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=[(r.value, r.label) for r in CLOSE_REASONS])


def _split(data: dict) -> tuple[dict, list[NeedSkillSpec] | None]:
    data = dict(data)
    skills = data.pop("skills", None)
    if skills is not None:
        skills = [
            # A partial update skips nested defaults, so `required` may be absent here.
            NeedSkillSpec(
                skill_id=s["skill"], min_level=s["min_level"], required=s.get("required", True)
            )
            for s in skills
        ]
    return data, skills


def _output(request: Request, need_id: int) -> dict:
    return NeedOutputSerializer(need_get_with_skills(user=request.user, need_id=need_id)).data


def _managed_need(request: Request, pk: int) -> Need:
    need = need_get(user=request.user, need_id=pk)
    # Checked before validating the body so a reader learns "forbidden", not "bad input".
    if not can_manage_need(request.user, need):
        raise Forbidden("Only the need's agency managers may change it.")
    return need


class NeedListCreateView(CompiledKeysetListView):
    serializer_class = NeedOutputSerializer
    filterset_class = NeedFilter
    ordering_fields = ["id", "start", "end", "created_at", "published_at", "title", "status"]
    ordering = ["-created_at", "-id"]
    list_columns = NeedOutputSerializer.LIST_COLUMNS
    raw_json_columns = {"skills": "skills_json", "languages": "languages_json"}

    @classmethod
    def list_queryset(cls, *, user: User) -> QuerySet[Need]:
        return need_list_with_json(user=user)

    @classmethod
    def keyset_ordering(cls, queryset: QuerySet[Need], ordering: list[str]) -> list[str]:
        return board_ordering(queryset, ordering)

    @extend_schema(
        summary="List visible needs",
        description="Pages by cursor: follow `next` and `previous`; there is no total count.",
        responses={200: NeedOutputSerializer(many=True), 400: ERRORS[400], 404: BAD_CURSOR},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Create a draft need",
        description="Managers create drafts for their own agency; admins must name the agency.",
        request=NeedCreateSerializer,
        responses={201: NeedOutputSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def post(self, request: Request) -> Response:
        user = request.user
        if not (user.is_admin or user.is_manager):
            raise Forbidden("Only agency managers create needs.")
        serializer = NeedCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields, skills = _split(serializer.validated_data)
        agency_id = fields.pop("agency", None) or user.agency_id
        agency = Agency.objects.filter(pk=agency_id).first() if agency_id else None
        if agency is None:
            raise InvalidInput(field_errors={"agency": ["Name an existing agency."]})
        need = need_create(actor=user, agency=agency, fields=fields, skills=skills or ())
        return Response(_output(request, need.pk), status=status.HTTP_201_CREATED)


class NeedDetailView(generics.GenericAPIView):
    serializer_class = NeedOutputSerializer

    @extend_schema(summary="One need", responses={200: NeedOutputSerializer, 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_output(request, pk))

    @extend_schema(
        summary="Edit a draft or open need",
        description="`skills`, when given, replaces the whole list.",
        request=NeedUpdateSerializer,
        responses={200: NeedOutputSerializer, **ERRORS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        need = _managed_need(request, pk)
        serializer = NeedUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields, skills = _split(serializer.validated_data)
        need_update(actor=request.user, need=need, fields=fields, skills=skills)
        return Response(_output(request, pk))

    @extend_schema(
        summary="Delete a draft",
        request=None,
        responses={204: None, 403: ERRORS[403], 404: ERRORS[404], 409: ERRORS[409]},
    )
    def delete(self, request: Request, pk: int) -> Response:
        need_delete(actor=request.user, need=_managed_need(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class NeedPublishView(generics.GenericAPIView):
    serializer_class = NeedOutputSerializer

    @extend_schema(
        summary="Publish a draft (draft → open)",
        request=None,
        responses={200: NeedOutputSerializer, 403: ERRORS[403], 404: ERRORS[404], 409: ERRORS[409]},
    )
    def post(self, request: Request, pk: int) -> Response:
        return Response(NeedOutputSerializer(need_publish(actor=request.user, need_id=pk)).data)


class NeedCancelView(generics.GenericAPIView):
    serializer_class = NeedOutputSerializer

    @extend_schema(
        summary="Withdraw a draft or open need",
        description="Sets unfilled_reason `withdrawn` and cancels the need's active matches.",
        request=None,
        responses={200: NeedOutputSerializer, 403: ERRORS[403], 404: ERRORS[404], 409: ERRORS[409]},
    )
    def post(self, request: Request, pk: int) -> Response:
        need_cancel(actor=request.user, need=_managed_need(request, pk))
        return Response(_output(request, pk))


class NeedCloseView(generics.GenericAPIView):
    serializer_class = NeedOutputSerializer

    @extend_schema(
        summary="Close an open need that ends unfilled",
        description="Records why (`no_candidate` or `none_accepted`) and cancels active matches.",
        request=NeedCloseSerializer,
        responses={200: NeedOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        need = _managed_need(request, pk)
        serializer = NeedCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        need_close(actor=request.user, need=need, reason=serializer.validated_data["reason"])
        return Response(_output(request, pk))
