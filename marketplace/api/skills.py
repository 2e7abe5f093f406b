"""The skill taxonomy and what its levels mean."""

from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api.filters import SkillFilter
from marketplace.models import SKILL_LEVEL_DESCRIPTIONS, Skill
from marketplace.selectors.specialists import skill_list
from marketplace.selectors.taxonomy import skill_list_cached


class SkillSerializer(serializers.ModelSerializer):
    label = serializers.CharField(
        read_only=True, help_text="The name in the language of the answer (`name` is the key)."
    )
    description = serializers.CharField(source="description_text", read_only=True)

    class Meta:
        model = Skill
        fields = ["id", "name", "label", "category", "description"]


class SkillListView(generics.ListAPIView):
    serializer_class = SkillSerializer
    filterset_class = SkillFilter
    ordering_fields = ["name", "category", "id"]

    def get_queryset(self):
        return skill_list()

    @extend_schema(summary="List the skill taxonomy", responses={200: SkillSerializer(many=True)})
    def get(self, request: Request, *args, **kwargs) -> Response:
        # The same for every user, so one cached copy per language and query string (and
        # host, for links).
        data = skill_list_cached(
            variant=f"{get_language()} {request.build_absolute_uri()}",
            build=lambda: self.list(request, *args, **kwargs).data,
        )
        return Response(data)


class SkillDetailView(generics.RetrieveAPIView):
    serializer_class = SkillSerializer

    def get_queryset(self):
        return skill_list()

    @extend_schema(summary="One skill", responses={200: SkillSerializer, 404: None})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


LEVELS_RESPONSE = inline_serializer(
    name="SkillLevelDescription",
    fields={"level": serializers.IntegerField(), "description": serializers.CharField()},
    many=True,
)


class SkillLevelListView(APIView):
    @extend_schema(summary="What skill levels 1–5 mean", responses={200: LEVELS_RESPONSE})
    def get(self, request: Request) -> Response:
        return Response(
            [
                {"level": level, "description": str(text)}
                for level, text in sorted(SKILL_LEVEL_DESCRIPTIONS.items())
            ]
        )
