"""Saved searches: a person's own directory and needs-board searches that alert them."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.input_limits import CRITERIA_MAX_ITEMS, CRITERION_MAX_LENGTH
from marketplace.models import SavedSearch, SavedSearchKind
from marketplace.selectors.saved_searches import saved_search_list, saved_search_page
from marketplace.services.saved_searches import (
    NAME_MAX_LENGTH,
    saved_search_create,
    saved_search_delete,
)

CRITERIA_HELP = (
    "The search's query parameters, as `GET specialists/` (directory) or `GET needs/` "
    '(needs board) takes them, e.g. `{"skill": "12", "min_level": "4"}`. A board '
    "search watches open needs."
)


class SavedSearchSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=SavedSearchKind.choices)
    name = serializers.CharField(max_length=NAME_MAX_LENGTH)
    criteria = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=CRITERION_MAX_LENGTH),
        required=False,
        help_text=CRITERIA_HELP,
    )
    page = serializers.SerializerMethodField(help_text="The web page of the search's results.")

    class Meta:
        model = SavedSearch
        fields = ["id", "name", "kind", "criteria", "page", "created_at"]
        read_only_fields = ["id", "page", "created_at"]

    def get_page(self, search: SavedSearch) -> str:
        return saved_search_page(search)

    def validate_criteria(self, criteria: dict[str, str]) -> dict[str, str]:
        if len(criteria) > CRITERIA_MAX_ITEMS:
            raise serializers.ValidationError(f"At most {CRITERIA_MAX_ITEMS} parameters.")
        if any(len(name) > CRITERION_MAX_LENGTH for name in criteria):
            raise serializers.ValidationError("A parameter name this long is not a filter.")
        return criteria


class SavedSearchListCreateView(generics.ListCreateAPIView):
    serializer_class = SavedSearchSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SavedSearch.objects.none()
        return saved_search_list(user=self.request.user)

    @extend_schema(
        summary="Save a search that alerts",
        description=(
            "Managers, coordinators and admins save directory searches; anyone saves "
            "needs-board searches. From then on the owner is told (through their "
            "`saved_search_match` preference) of each specialist or need that starts to "
            "fit, once per search."
        ),
        responses={
            201: SavedSearchSerializer,
            400: OpenApiResponse(description="Field-level messages."),
            403: OpenApiResponse(description="The role may not save this kind of search."),
        },
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        search = saved_search_create(
            actor=request.user,
            kind=data["kind"],
            name=data["name"],
            criteria=data.get("criteria") or {},
        )
        return Response(self.get_serializer(search).data, status=status.HTTP_201_CREATED)


class SavedSearchDetailView(APIView):
    @extend_schema(
        summary="Delete one of your saved searches",
        responses={
            204: OpenApiResponse(description="Deleted."),
            404: OpenApiResponse(description="Not yours, or missing."),
        },
    )
    def delete(self, request: Request, pk: int) -> Response:
        saved_search_delete(actor=request.user, search_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
