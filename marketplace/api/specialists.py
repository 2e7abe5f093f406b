"""Specialist profiles: list with filters, create, read and edit."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.errors import Forbidden, InvalidInput
from accounts.models import User
from fastpaths.compiled_lists import CompiledKeysetListView
from marketplace.api.filters import SpecialistFilter
from marketplace.api.middleware import MAX_ID
from marketplace.api.pagination import BAD_CURSOR
from marketplace.api.representation import iso_date
from marketplace.input_limits import (
    LANGUAGES_MAX_ITEMS,
    SKILLS_MAX_ITEMS,
    SUMMARY_MAX_LENGTH,
    validate_date_in_range,
)
from marketplace.models import Clearance, Region, Specialist
from marketplace.permissions import can_create_specialists, can_edit_specialist_profile
from marketplace.selectors.specialists import specialist_get, specialist_list_with_json
from marketplace.services.specialists import SkillLevel, specialist_create, specialist_update

ERRORS = {
    400: OpenApiResponse(description="Invalid input; the body names the fields."),
    403: OpenApiResponse(description="Visible, but you may not do this."),
    404: OpenApiResponse(description="Missing or not visible to you."),
    409: OpenApiResponse(description="Reservations already hold more than the new maximum."),
}


class SkillLevelSerializer(serializers.Serializer):
    skill = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    level = serializers.IntegerField(min_value=1, max_value=5)


class SkillLevelOutputSerializer(serializers.Serializer):
    skill = serializers.IntegerField(source="skill_id")
    level = serializers.IntegerField()


class SpecialistOutputSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="user_id")
    agency = serializers.IntegerField(source="agency_id")
    name = serializers.CharField(source="user.name")
    email = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    skills = SkillLevelOutputSerializer(source="skill_levels", many=True)

    class Meta:
        model = Specialist
        fields = [
            "id",
            "user",
            "name",
            "email",
            "phone",
            "agency",
            "title",
            "summary",
            "skills",
            "clearance",
            "clearance_expires",
            "languages",
            "region",
            "remote_ok",
            "shareable",
            "max_share_percent",
        ]

    def to_representation(self, specialist: Specialist | dict) -> dict:
        # By hand, in the order of Meta.fields: walking DRF's fields per row cost more than
        # the queries on a page of 50. tests/marketplace/profiles/test_output_serializers.py
        # holds it equal to the declared fields.
        # A list page comes as rows of LIST_COLUMNS with `skills` and `languages` as JSON
        # the database wrote (SpecialistListCreateView.raw_json_columns); one specialist
        # alone is a model.
        row = specialist if isinstance(specialist, dict) else _specialist_row(specialist)
        # The selector annotates `contact_visible`; contact details never leave without it.
        contact = bool(row.get("contact_visible"))
        return {
            "id": row["id"],
            "user": row["user_id"],
            "name": row["user__name"],
            "email": row["user__email"] if contact else None,
            "phone": row["phone"] if contact else None,
            "agency": row["agency_id"],
            "title": row["title"],
            "summary": row["summary"],
            "skills": row["skills"],
            "clearance": row["clearance"],
            "clearance_expires": iso_date(row["clearance_expires"]),
            "languages": row["languages"],
            "region": row["region"],
            "remote_ok": row["remote_ok"],
            "shareable": row["shareable"],
            "max_share_percent": row["max_share_percent"],
        }

    # What a list reads per row (as values, not models): the output's columns and those of
    # every ordering (`name`), not the user's password hash, login times and the like;
    # skills and languages as JSON text (specialist_list_with_json).
    OWN_COLUMNS = (
        *("id", "user_id", "agency_id", "title", "summary", "phone", "clearance"),
        *("clearance_expires", "region", "remote_ok", "shareable", "max_share_percent"),
    )
    LIST_COLUMNS = (
        *OWN_COLUMNS,
        *("user__name", "user__email", "name", "contact_visible", "skills_json"),
        "languages_json",
    )

    # Documented in the schema as method fields; the rows above apply the same rule.
    def get_email(self, specialist: Specialist) -> str | None:
        return specialist.user.email if getattr(specialist, "contact_visible", False) else None

    def get_phone(self, specialist: Specialist) -> str | None:
        return specialist.phone if getattr(specialist, "contact_visible", False) else None


def _specialist_row(specialist: Specialist) -> dict:
    return {
        **{name: getattr(specialist, name) for name in SpecialistOutputSerializer.OWN_COLUMNS},
        "user__name": specialist.user.name,
        "user__email": specialist.user.email,
        "contact_visible": getattr(specialist, "contact_visible", False),
        "skills": [
            {"skill": skill.skill_id, "level": skill.level}
            for skill in specialist.skill_levels.all()
        ],
        "languages": specialist.languages,
    }


class SpecialistUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(allow_blank=True, max_length=SUMMARY_MAX_LENGTH)
    phone = serializers.CharField(max_length=40, allow_blank=True)
    languages = serializers.ListField(
        child=serializers.CharField(max_length=10), max_length=LANGUAGES_MAX_ITEMS
    )
    region = serializers.ChoiceField(choices=Region.choices, allow_blank=True)
    remote_ok = serializers.BooleanField()
    shareable = serializers.BooleanField()
    max_share_percent = serializers.IntegerField(min_value=1, max_value=100)
    clearance = serializers.ChoiceField(choices=Clearance.choices)
    clearance_expires = serializers.DateField(allow_null=True, validators=[validate_date_in_range])
    skills = SkillLevelSerializer(many=True, max_length=SKILLS_MAX_ITEMS)


class SpecialistCreateSerializer(SpecialistUpdateSerializer):
    user = serializers.IntegerField(min_value=1, max_value=MAX_ID)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.required = name in ("user", "title")


def _split(data: dict) -> tuple[dict, list[SkillLevel] | None]:
    data = dict(data)
    skills = data.pop("skills", None)
    if skills is not None:
        skills = [SkillLevel(skill_id=s["skill"], level=s["level"]) for s in skills]
    return data, skills


class SpecialistListCreateView(CompiledKeysetListView):
    serializer_class = SpecialistOutputSerializer
    filterset_class = SpecialistFilter
    ordering_fields = ["id", "name", "title", "agency", "region", "max_share_percent"]
    ordering = ["id"]
    list_columns = SpecialistOutputSerializer.LIST_COLUMNS
    raw_json_columns = {"skills": "skills_json", "languages": "languages_json"}

    @classmethod
    def list_queryset(cls, *, user: User) -> QuerySet[Specialist]:
        return specialist_list_with_json(user=user)

    @extend_schema(
        summary="List visible specialists",
        description="Email and phone are null unless you may see the specialist's contact "
        "details. Pages by cursor: follow `next` and `previous`; there is no total count.",
        responses={200: SpecialistOutputSerializer(many=True), 400: ERRORS[400], 404: BAD_CURSOR},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Create the profile of a specialist user",
        description="Managers for specialists of their own agency, and admins.",
        request=SpecialistCreateSerializer,
        responses={201: SpecialistOutputSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def post(self, request: Request) -> Response:
        # Before the body, so a role that may never create profiles learns "forbidden".
        if not can_create_specialists(request.user):
            raise Forbidden(_("Only agency managers create specialist profiles."))
        serializer = SpecialistCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields, skills = _split(serializer.validated_data)
        user = User.objects.filter(pk=fields.pop("user")).first()
        if user is None:
            raise InvalidInput(field_errors={"user": [_("Unknown user.")]})
        specialist = specialist_create(
            actor=request.user, user=user, fields=fields, skills=skills or ()
        )
        output = specialist_get(user=request.user, specialist_id=specialist.pk)
        return Response(SpecialistOutputSerializer(output).data, status=status.HTTP_201_CREATED)


class SpecialistDetailView(generics.GenericAPIView):
    serializer_class = SpecialistOutputSerializer

    @extend_schema(
        summary="One specialist",
        responses={200: SpecialistOutputSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        specialist = specialist_get(user=request.user, specialist_id=pk)
        return Response(SpecialistOutputSerializer(specialist).data)

    @extend_schema(
        summary="Edit a specialist's profile",
        description=(
            "Profile fields by the specialist and their agency's managers; `shareable`, "
            "`max_share_percent`, `clearance` and `clearance_expires` only by the managers. "
            "`skills`, when given, replaces the whole list."
        ),
        request=SpecialistUpdateSerializer,
        responses={200: SpecialistOutputSerializer, **ERRORS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        specialist = specialist_get(user=request.user, specialist_id=pk)
        if not can_edit_specialist_profile(request.user, specialist):
            raise Forbidden(_("You may not edit this specialist's profile."))
        serializer = SpecialistUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields, skills = _split(serializer.validated_data)
        specialist_update(actor=request.user, specialist=specialist, fields=fields, skills=skills)
        output = specialist_get(user=request.user, specialist_id=pk)
        return Response(SpecialistOutputSerializer(output).data)
