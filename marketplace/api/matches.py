"""Matches API: the list, nomination and one view per status transition.

Each view parses its input, loads the match through the visibility-aware selector and
calls the service, which decides who may do what; the views only render the result.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.errors import Forbidden, NotFound
from marketplace.api.middleware import MAX_ID
from marketplace.models import DeclineReason, Engagement, Match, Need, Specialist
from marketplace.permissions import (
    can_complete_match,
    can_give_release,
    can_give_specialist_consent,
    can_nominate_for_some_need,
    can_review_match,
)
from marketplace.selectors.matches import MatchFilter, match_get, match_list
from marketplace.services import matches as services

ERROR = inline_serializer("MatchError", fields={"detail": serializers.CharField()})
BAD_INPUT = OpenApiResponse(description="Field-level messages: `{field: [message, ...]}`.")
FORBIDDEN = OpenApiResponse(ERROR, description="Visible but not allowed for the caller.")
NOT_FOUND = OpenApiResponse(ERROR, description="Missing or not visible to the caller.")
CONFLICT = OpenApiResponse(
    ERROR, description="The match's (or need's) status does not allow this, or capacity is short."
)


class MatchSerializer(serializers.ModelSerializer):
    need = serializers.IntegerField(source="need_id", read_only=True)
    specialist = serializers.IntegerField(source="specialist_id", read_only=True)
    # Declared so the schema allows the blank it holds until someone declines.
    decline_reason = serializers.ChoiceField(
        choices=DeclineReason.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Match
        fields = [
            "id",
            "need",
            "specialist",
            "status",
            "score",
            "breakdown",
            "capacity_percent",
            "start",
            "end",
            "proposed_by",
            "approved_at",
            "specialist_consent_at",
            "release_at",
            "accepted_at",
            "decline_reason",
            "closed_at",
            "created_at",
        ]
        read_only_fields = fields


class EngagementSerializer(serializers.ModelSerializer):
    match = serializers.IntegerField(source="match_id", read_only=True)
    rating = serializers.IntegerField(source="need_rating", read_only=True, allow_null=True)
    comment = serializers.CharField(source="need_comment", read_only=True)
    specialist_rating = serializers.IntegerField(read_only=True, allow_null=True)
    specialist_comment = serializers.CharField(read_only=True)

    class Meta:
        model = Engagement
        fields = [
            "id",
            "match",
            "hours",
            "rating",
            "comment",
            "specialist_rating",
            "specialist_comment",
            "completed_at",
        ]
        read_only_fields = fields


class NominateInputSerializer(serializers.Serializer):
    need = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    specialist = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class RejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class DeclineInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=[
            choice
            for choice in DeclineReason.choices
            if choice[0] in services.DECLINE_REASONS_FOR_PEOPLE
        ]
    )
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class CompleteInputSerializer(serializers.Serializer):
    hours = serializers.DecimalField(max_digits=8, decimal_places=1, min_value=0)
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    last_day = serializers.DateField(required=False)


class MatchListView(generics.ListAPIView):
    serializer_class = MatchSerializer
    filterset_class = MatchFilter
    ordering_fields = ["created_at", "score", "start", "status", "id"]

    def get_queryset(self) -> QuerySet[Match]:
        if getattr(self, "swagger_fake_view", False):
            return Match.objects.none()
        return match_list(user=self.request.user)

    @extend_schema(
        tags=["matches"],
        summary="List the matches the caller may see",
        responses={200: MatchSerializer(many=True), 400: BAD_INPUT},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["matches"],
        summary="Nominate a specialist for one of your agency's open needs",
        description=(
            "Managers of the need's agency (and admins). The specialist must be shared and, "
            "unless the need allows it, from another agency."
        ),
        request=NominateInputSerializer,
        responses={
            201: MatchSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        # Role checks come before the body so a caller who may never do this learns
        # "forbidden", not "bad input"; the service repeats the full rule per object.
        if not can_nominate_for_some_need(request.user):
            raise Forbidden(_("Only agency managers nominate candidates."))
        data = NominateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        need = Need.objects.filter(pk=data.validated_data["need"]).first()
        if need is None:
            raise NotFound(_("Need not found."))
        specialist = Specialist.objects.filter(pk=data.validated_data["specialist"]).first()
        if specialist is None:
            raise NotFound(_("Specialist not found."))
        match = services.match_nominate(actor=request.user, need=need, specialist=specialist)
        return Response(MatchSerializer(match).data, status=status.HTTP_201_CREATED)


class MatchDetailView(APIView):
    @extend_schema(
        tags=["matches"],
        summary="One match",
        responses={200: MatchSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(MatchSerializer(match_get(user=request.user, match_id=pk)).data)


def _transition_schema(
    summary: str, description: str, request=None, response=MatchSerializer
) -> dict:
    responses = {200: response, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}
    if request is not None:
        responses[400] = BAD_INPUT
    return {
        "tags": ["matches"],
        "summary": summary,
        "description": description,
        "request": request,
        "responses": responses,
    }


class MatchApproveView(APIView):
    @extend_schema(
        **_transition_schema(
            "Approve a proposed match",
            "Coordinators. Reserves the specialist's capacity for the period; 409 when it "
            "does not fit on every day, naming the days and the free percentages.",
        )
    )
    def post(self, request: Request, pk: int) -> Response:
        match = match_get(user=request.user, match_id=pk)
        match = services.match_approve(actor=request.user, match=match)
        return Response(MatchSerializer(match).data)


class MatchRejectView(APIView):
    @extend_schema(
        **_transition_schema(
            "Reject a proposed match", "Coordinators, with a reason.", RejectInputSerializer
        )
    )
    def post(self, request: Request, pk: int) -> Response:
        match = match_get(user=request.user, match_id=pk)
        if not can_review_match(request.user):
            raise Forbidden(_("Only coordinators may reject matches."))
        data = RejectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        match = services.match_reject(
            actor=request.user, match=match, reason=data.validated_data["reason"]
        )
        return Response(MatchSerializer(match).data)


class MatchAcceptView(APIView):
    @extend_schema(
        **_transition_schema(
            "Consent to an approved match",
            "The specialist gives their own consent; a manager of the specialist's agency "
            "gives the release. The match is accepted once both have said yes.",
        )
    )
    def post(self, request: Request, pk: int) -> Response:
        match = match_get(user=request.user, match_id=pk)
        match = services.match_accept(actor=request.user, match=match)
        return Response(MatchSerializer(match).data)


class MatchDeclineView(APIView):
    @extend_schema(
        **_transition_schema(
            "Decline a proposed or approved match",
            "The specialist or a manager of their agency, with a reason code. Releases "
            "reserved capacity.",
            DeclineInputSerializer,
        )
    )
    def post(self, request: Request, pk: int) -> Response:
        match = match_get(user=request.user, match_id=pk)
        user = request.user
        if not (can_give_specialist_consent(user, match) or can_give_release(user, match)):
            raise Forbidden(_("Only the specialist and their home agency's managers may decline."))
        data = DeclineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        match = services.match_decline(
            actor=request.user,
            match=match,
            reason=data.validated_data["reason"],
            comment=data.validated_data.get("comment", ""),
        )
        return Response(MatchSerializer(match).data)


class MatchCompleteView(APIView):
    @extend_schema(
        **_transition_schema(
            "Complete an accepted match",
            "Managers of the need's agency, on or after its start: records the engagement "
            "(hours, optional rating 1–5 and comment). Before its end, `last_day` (default "
            "today) becomes its end and the rest of the reservation is released.",
            CompleteInputSerializer,
            EngagementSerializer,
        )
    )
    def post(self, request: Request, pk: int) -> Response:
        match = match_get(user=request.user, match_id=pk)
        if not can_complete_match(request.user, match):
            raise Forbidden(_("Only the need's managers may complete the match."))
        data = CompleteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        engagement = services.match_complete(
            actor=request.user,
            match=match,
            hours=data.validated_data["hours"],
            rating=data.validated_data.get("rating"),
            comment=data.validated_data.get("comment", ""),
            last_day=data.validated_data.get("last_day"),
        )
        return Response(EngagementSerializer(engagement).data)


class MatchCancelView(APIView):
    @extend_schema(
        **_transition_schema(
            "Withdraw an active match",
            "Managers of the need's agency. Releases reserved capacity.",
        )
    )
    def post(self, request: Request, pk: int) -> Response:
        match = match_get(user=request.user, match_id=pk)
        match = services.match_cancel(actor=request.user, match=match)
        return Response(MatchSerializer(match).data)
