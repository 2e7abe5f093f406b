"""Engagements API: changes to a running engagement, its early end and the specialist's feedback.

The views parse input, load the match through the visibility-aware selector and call the
services in `marketplace.services.engagements`, which decide who may do what.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.errors import Forbidden
from marketplace.api.matches import (
    BAD_INPUT,
    CONFLICT,
    FORBIDDEN,
    NOT_FOUND,
    EngagementSerializer,
    MatchSerializer,
)
from marketplace.models import MatchChange
from marketplace.permissions import (
    can_end_engagement_early,
    can_give_specialist_consent,
    can_manage_need,
)
from marketplace.selectors.matches import match_get
from marketplace.services import engagements as services


class MatchChangeSerializer(serializers.ModelSerializer):
    match = serializers.IntegerField(source="match_id", read_only=True)

    class Meta:
        model = MatchChange
        fields = [
            "id",
            "match",
            "kind",
            "status",
            "old_start",
            "old_end",
            "old_capacity_percent",
            "new_start",
            "new_end",
            "new_capacity_percent",
            "grows",
            "approved_at",
            "specialist_consent_at",
            "release_at",
            "decided_at",
            "comment",
            "created_at",
        ]
        read_only_fields = fields


class ChangeInputSerializer(serializers.Serializer):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    capacity_percent = serializers.IntegerField(min_value=1, max_value=100, required=False)

    def validate(self, attrs: dict) -> dict:
        if not attrs:
            raise serializers.ValidationError("Give a new start, end or capacity_percent.")
        return attrs


class ChangeDeclineInputSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class EndEarlyInputSerializer(serializers.Serializer):
    last_day = serializers.DateField()


class FeedbackInputSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True)


def _schema(summary: str, description: str, request=None, response=MatchChangeSerializer) -> dict:
    responses = {200: response, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}
    if request is not None:
        responses[400] = BAD_INPUT
    return {
        "tags": ["engagements"],
        "summary": summary,
        "description": description,
        "request": request,
        "responses": responses,
    }


class MatchChangeView(APIView):
    @extend_schema(
        **_schema(
            "Change a running engagement's period or share",
            "Managers of the need's agency, on an accepted match. A change that only "
            "shrinks the reservation applies at once (`status: applied`); one that grows it "
            "on any day is checked against free capacity (409 naming the short days) and "
            "waits (`status: pending`) for a coordinator's approval and the consent of the "
            "specialist and their home manager. The start moves only before it begins.",
            ChangeInputSerializer,
        )
    )
    def post(self, request: Request, pk: int) -> Response:
        match = match_get(user=request.user, match_id=pk)
        # The rule before the body: a caller who may never do this learns that first.
        if not can_manage_need(request.user, match.need):
            raise Forbidden(_("Only the need's managers may change the engagement."))
        data = ChangeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.match_change_request(
            actor=request.user, match=match, **data.validated_data
        )
        return Response(MatchChangeSerializer(change).data)


class MatchChangeAcceptView(APIView):
    @extend_schema(
        **_schema(
            "Say yes to the engagement's pending change",
            "A coordinator approves it, the specialist consents, a manager of their home "
            "agency releases; the last yes applies it. Each is checked against free "
            "capacity (409).",
        )
    )
    def post(self, request: Request, pk: int) -> Response:
        match = match_get(user=request.user, match_id=pk)
        change = services.match_change_consent(actor=request.user, match=match)
        return Response(MatchChangeSerializer(change).data)


class MatchChangeDeclineView(APIView):
    @extend_schema(
        **_schema(
            "Decline (or withdraw) the engagement's pending change",
            "The coordinator, the specialist, their home managers or the need's managers. "
            "The engagement stays as it was.",
            ChangeDeclineInputSerializer,
        )
    )
    def post(self, request: Request, pk: int) -> Response:
        match = match_get(user=request.user, match_id=pk)
        data = ChangeDeclineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.match_change_decline(
            actor=request.user, match=match, comment=data.validated_data.get("comment", "")
        )
        return Response(MatchChangeSerializer(change).data)


class MatchEndEarlyView(APIView):
    @extend_schema(
        **_schema(
            "End a running engagement early",
            "Managers of either agency, on an accepted match: `last_day` on or after its "
            "start and before its end. The days after it are released at once.",
            EndEarlyInputSerializer,
            MatchSerializer,
        )
    )
    def post(self, request: Request, pk: int) -> Response:
        match = match_get(user=request.user, match_id=pk)
        if not can_end_engagement_early(request.user, match):
            raise Forbidden(_("Only the managers of either agency may end the engagement early."))
        data = EndEarlyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        match = services.match_end_early(
            actor=request.user, match=match, last_day=data.validated_data["last_day"]
        )
        return Response(MatchSerializer(match).data)


class MatchFeedbackView(APIView):
    @extend_schema(
        **_schema(
            "The specialist's feedback on a completed engagement",
            "The specialist, once, after completion: a rating 1–5 and a comment.",
            FeedbackInputSerializer,
            EngagementSerializer,
        )
    )
    def post(self, request: Request, pk: int) -> Response:
        match = match_get(user=request.user, match_id=pk)
        if not can_give_specialist_consent(request.user, match):
            raise Forbidden(_("Only the specialist gives their feedback on the assignment."))
        data = FeedbackInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        engagement = services.engagement_feedback_give(
            actor=request.user,
            match=match,
            rating=data.validated_data["rating"],
            comment=data.validated_data.get("comment", ""),
        )
        return Response(EngagementSerializer(engagement).data)
