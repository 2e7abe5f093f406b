"""The ranked shortlist for one need: `GET /api/v1/needs/{id}/candidates/`."""

from django.utils.translation import gettext, ngettext
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api.middleware import MAX_ID
from marketplace.explanations import exclusions_in_words
from marketplace.matching.explain import explain_breakdown, language_names
from marketplace.matching.shortlist import Candidate
from marketplace.models import Region, Specialist
from marketplace.selectors.candidates import (
    CandidateProfile,
    candidate_exclusion,
    candidate_list,
)

MAX_LIMIT = 200


class CandidateQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=20)
    explain = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class CandidateSpecialistSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.name")
    agency = serializers.IntegerField(source="agency_id")
    agency_name = serializers.CharField(source="agency.name")

    class Meta:
        model = Specialist
        fields = ["id", "name", "title", "agency", "agency_name", "region", "languages"]


class CandidateSerializer(serializers.Serializer):
    specialist = serializers.IntegerField(help_text="The specialist's id.")
    specialist_profile = CandidateSpecialistSerializer(
        help_text="What a manager needs to recognise the candidate (no contact details)."
    )
    score = serializers.FloatField(help_text="In [0, 1]; see the formula in the README.")
    breakdown = serializers.DictField(
        help_text="terms (skill, availability, language, region, each in [0, 1]), "
        "weights, and the facts behind them."
    )
    explanation = serializers.CharField(help_text="The breakdown in words.")


class ExclusionReasonSerializer(serializers.Serializer):
    constraint = serializers.ChoiceField(
        choices=[
            "clearance",
            "required_skill",
            "capacity",
            "shareable",
            "max_share",
            "own_agency",
            "unknown_specialist",
        ]
    )
    facts = serializers.DictField()
    text = serializers.CharField()


class ExclusionCheckSerializer(serializers.Serializer):
    specialist = serializers.IntegerField(help_text="The specialist's id.")
    specialist_profile = CandidateSpecialistSerializer()
    eligible = serializers.BooleanField()
    reasons = ExclusionReasonSerializer(many=True)
    score = serializers.FloatField(allow_null=True)
    breakdown = serializers.DictField(allow_null=True)
    explanation = serializers.CharField(allow_null=True)


REGION_NAMES = dict(Region.choices)  # proper names, the same in every language


def _explanation(candidate: Candidate, languages: dict[str, str]) -> str:
    return explain_breakdown(
        candidate.breakdown,
        region_names=REGION_NAMES,
        languages=languages,
        gettext=gettext,
        ngettext=ngettext,
    )


def _specialist(profile: CandidateProfile) -> dict:
    # Built by hand rather than through CandidateSpecialistSerializer (which documents
    # it): serializer machinery for 20–200 rows was a visible share of the response time.
    return {
        "id": profile.id,
        "name": profile.name,
        "title": profile.title,
        "agency": profile.agency_id,
        "agency_name": profile.agency_name,
        "region": profile.region,
        "languages": profile.languages,
    }


class NeedCandidatesView(APIView):
    @extend_schema(
        summary="Ranked candidates for a need",
        description=(
            "The need's best candidates by match score, each with its breakdown and the "
            "breakdown in words. Only specialists passing every hard constraint appear. "
            "With `explain=<specialist id>` the answer instead says whether that "
            "specialist is eligible and which hard constraints exclude them. For the "
            "need's managers and coordinators."
        ),
        parameters=[
            OpenApiParameter("limit", int, description="How many candidates (1–200).", default=20),
            OpenApiParameter(
                "explain", int, description="A specialist id: why are they (not) a candidate?"
            ),
        ],
        responses={
            200: PolymorphicProxySerializer(
                component_name="CandidatesOrExclusionCheck",
                serializers=[CandidateSerializer(many=True), ExclusionCheckSerializer],
                resource_type_field_name=None,
                many=False,
            ),
            400: OpenApiResponse(description="Bad `limit` or `explain`; the body names it."),
            403: OpenApiResponse(description="Visible need, but not one of yours."),
            404: OpenApiResponse(description="Need (or explained specialist) not visible."),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        query = CandidateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if "explain" in query.validated_data:
            return self._explain(request, pk, query.validated_data["explain"])
        rows = candidate_list(user=request.user, need_id=pk, limit=query.validated_data["limit"])
        languages = language_names(gettext)
        return Response(
            [
                {
                    "specialist": row.specialist.id,
                    "specialist_profile": _specialist(row.specialist),
                    "score": round(row.candidate.score, 4),
                    "breakdown": row.candidate.breakdown,
                    "explanation": _explanation(row.candidate, languages),
                }
                for row in rows
            ]
        )

    def _explain(self, request: Request, pk: int, specialist_id: int) -> Response:
        check = candidate_exclusion(user=request.user, need_id=pk, specialist_id=specialist_id)
        candidate = check.candidate
        texts = exclusions_in_words(check.reasons)
        data = {
            "specialist": check.specialist.pk,
            "specialist_profile": check.specialist,
            "eligible": not check.reasons,
            "reasons": [
                {"constraint": reason.constraint, "facts": reason.facts, "text": text}
                for reason, text in zip(check.reasons, texts, strict=True)
            ],
            "score": round(candidate.score, 4) if candidate else None,
            "breakdown": candidate.breakdown if candidate else None,
            "explanation": _explanation(candidate, language_names(gettext)) if candidate else None,
        }
        return Response(ExclusionCheckSerializer(data).data)
