"""Notifications API: the caller's own inbox, read state and preferences.

Only the caller's own notifications are ever visible (the selectors filter by recipient);
another user's notification answers 404.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications import selectors, services
from notifications.api.serializers import (
    MarkedSerializer,
    NotificationSerializer,
    PreferencesSerializer,
    UnreadCountSerializer,
)
from notifications.models import Notification

UNREAD_HEADER = "X-Unread-Count"
NOT_FOUND = OpenApiResponse(description="Missing or not the caller's own notification.")


class NotificationListView(GenericAPIView):
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; reads go through the selector

    @extend_schema(
        tags=["notifications"],
        summary="The caller's in-app notifications, newest first",
        description=f"The `{UNREAD_HEADER}` response header carries the unread count.",
        parameters=[
            OpenApiParameter(
                "unread", OpenApiTypes.BOOL, description="Only unread (true) or read (false)."
            ),
            OpenApiParameter(
                UNREAD_HEADER,
                OpenApiTypes.INT,
                location=OpenApiParameter.HEADER,
                response=True,
                description="How many of the caller's notifications are unread.",
            ),
        ],
        responses={
            200: NotificationSerializer(many=True),
            400: OpenApiResponse(description="`unread` is not true or false."),
        },
    )
    def get(self, request: Request) -> Response:
        unread = request.query_params.get("unread")
        if unread not in (None, "", "true", "false", "1", "0"):
            raise serializers.ValidationError({"unread": [_("Use true or false.")]})
        flag = None if unread in (None, "") else unread in ("true", "1")
        queryset = selectors.notification_inbox(user=request.user, unread=flag)
        page = self.paginate_queryset(queryset)
        response = self.get_paginated_response(NotificationSerializer(page, many=True).data)
        response[UNREAD_HEADER] = str(selectors.notification_unread_count(user=request.user))
        return response


class NotificationUnreadCountView(APIView):
    @extend_schema(
        tags=["notifications"],
        summary="How many of the caller's notifications are unread",
        responses={200: UnreadCountSerializer},
    )
    def get(self, request: Request) -> Response:
        return Response({"unread_count": selectors.notification_unread_count(user=request.user)})


class NotificationReadView(APIView):
    @extend_schema(
        tags=["notifications"],
        summary="Mark one of the caller's notifications read",
        request=None,
        responses={200: NotificationSerializer, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        notification = services.notification_mark_read(user=request.user, notification_id=pk)
        return Response(NotificationSerializer(notification).data)


class NotificationReadAllView(APIView):
    @extend_schema(
        tags=["notifications"],
        summary="Mark all the caller's notifications read",
        request=None,
        responses={200: MarkedSerializer},
    )
    def post(self, request: Request) -> Response:
        return Response({"marked": services.notifications_mark_all_read(user=request.user)})


class NotificationPreferencesView(APIView):
    @extend_schema(
        tags=["notifications"],
        summary="The caller's notification preferences per event kind",
        responses={200: PreferencesSerializer},
    )
    def get(self, request: Request) -> Response:
        return Response(selectors.preferences_get(user=request.user))

    @extend_schema(
        tags=["notifications"],
        summary="Change channels or digest for some event kinds",
        description=(
            'Send only what changes, e.g. `{"match_proposed": {"email": false}}` or '
            '`{"match_approved": {"digest": true}}` (email goes to the daily digest).'
        ),
        request=PreferencesSerializer,
        responses={
            200: PreferencesSerializer,
            400: OpenApiResponse(description="Field-level messages per kind."),
        },
    )
    def patch(self, request: Request) -> Response:
        data = PreferencesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(services.preferences_update(user=request.user, changes=data.validated_data))
