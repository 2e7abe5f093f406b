"""Calendars: a person's subscription feed by its secret link, and one match as a file."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.errors import NotFound
from fastpaths.json_renderer import JSONRenderer
from marketplace.ics import calendar_render, ics_response, match_filename
from marketplace.selectors.calendar import (
    calendar_engagements,
    calendar_feed_owner,
    calendar_match,
)

ICALENDAR = OpenApiResponse(OpenApiTypes.STR, description="An iCalendar document (RFC 5545).")
NOT_FOUND = OpenApiResponse(description="Missing, revoked or replaced, or not visible.")


class ICalendarRenderer(BaseRenderer):
    """Lets `Accept: text/calendar` through content negotiation; views write the bytes."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return data if isinstance(data, bytes) else b""


class CalendarFeedView(APIView):
    """The token is the credential: calendar programs subscribe without logging in."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer, ICalendarRenderer]

    @extend_schema(
        summary="A person's engagements as a calendar subscription",
        description=(
            "The private link from the person's calendar page. A specialist's engagements, "
            "a manager's agency's lent and borrowed ones; cancelled ones stay, marked "
            "STATUS:CANCELLED. A revoked or replaced link answers 404."
        ),
        responses={(200, "text/calendar"): ICALENDAR, 404: NOT_FOUND},
        auth=[],
    )
    def get(self, request: Request, token: str):
        owner = calendar_feed_owner(token=token)
        if owner is None:
            raise NotFound(_("No such calendar."))
        return ics_response(calendar_render(calendar_engagements(user=owner), reader=owner))


class MatchCalendarView(APIView):
    renderer_classes = [JSONRenderer, ICalendarRenderer]

    @extend_schema(
        summary="One match as an iCalendar file",
        responses={(200, "text/calendar"): ICALENDAR, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int):
        match = calendar_match(user=request.user, match_id=pk)
        return ics_response(
            calendar_render([match], reader=request.user), filename=match_filename(match)
        )
