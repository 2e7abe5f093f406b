"""Accounts API: token login, the caller's own user, user management and agencies.

Who may do what is decided in accounts.permissions and enforced by the selectors and
services these views call; the views only parse, call and render.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.api.serializers import (
    AgencySerializer,
    TokenObtainInputSerializer,
    TokenSerializer,
    UserInviteInputSerializer,
    UserSerializer,
    UserUpdateInputSerializer,
)
from accounts.errors import Forbidden
from accounts.models import User
from accounts.permissions import can_invite_users
from accounts.throttling import AnonThrottle, LoginThrottle

ERROR = inline_serializer("AccountsError", fields={"detail": serializers.CharField()})
FIELD_ERRORS = OpenApiResponse(
    description="Field-level messages: `{field: [message, ...]}`.",
)
UNAUTHENTICATED = OpenApiResponse(ERROR, description="No or invalid credentials.")
FORBIDDEN = OpenApiResponse(ERROR, description="Visible but not allowed.")
NOT_FOUND = OpenApiResponse(ERROR, description="Missing or not visible to the caller.")
THROTTLED = OpenApiResponse(
    ERROR, description="Too many requests; `Retry-After` says how many seconds to wait."
)


class TokenObtainView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [LoginThrottle, AnonThrottle]

    @extend_schema(
        tags=["auth"],
        summary="Log in: exchange email and password for an API token",
        request=TokenObtainInputSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                description="Missing fields, wrong email or password, or a missing or "
                "wrong `otp` (named in the answer; a coordinator or admin without a "
                "second factor is told to set it up on the web first)."
            ),
            429: OpenApiResponse(
                ERROR,
                description="Too many attempts: per account, per address, or locked out "
                "after AXES_FAILURE_LIMIT failed logins from this address (15 minutes); "
                "`Retry-After` gives the seconds to wait.",
            ),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = TokenObtainInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The plain Django request: django-axes reads the address and flags lockouts on it.
        token = services.auth_token_obtain(request=request._request, **data.validated_data)
        return Response({"token": token.key})


class TokenRotateView(APIView):
    @extend_schema(
        tags=["auth"],
        summary="Replace the caller's API token with a new one",
        description="The token used for this request stops working at once; use the "
        "returned one from now on.",
        request=None,
        responses={200: TokenSerializer, 401: UNAUTHENTICATED, 429: THROTTLED},
    )
    def post(self, request: Request) -> Response:
        token = services.auth_token_rotate(user=request.user)
        return Response({"token": token.key})


class TokenRevokeView(APIView):
    @extend_schema(
        tags=["auth"],
        summary="Log out of the API: delete the caller's token",
        request=None,
        responses={204: None, 401: UNAUTHENTICATED, 429: THROTTLED},
    )
    def post(self, request: Request) -> Response:
        services.auth_token_revoke(actor=request.user, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserTokenRevokeView(APIView):
    @extend_schema(
        tags=["users"],
        summary="Revoke a user's API token (admins)",
        description="Deletes the user's token, so every integration using it gets 401 "
        "until the user logs in again. Admins only; others get 403 (or 404 for users "
        "they may not see).",
        request=None,
        responses={204: None, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def delete(self, request: Request, pk: int) -> Response:
        user = selectors.user_get(actor=request.user, user_id=pk)
        services.auth_token_revoke(actor=request.user, user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(
        tags=["users"],
        summary="The authenticated user",
        responses={200: UserSerializer, 401: UNAUTHENTICATED},
    )
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(request.user).data)


class UserListView(generics.GenericAPIView):
    serializer_class = UserSerializer
    filterset_fields = ["role", "agency", "is_active"]
    ordering_fields = ["name", "email", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return User.objects.none()
        return selectors.user_list(actor=self.request.user)

    @extend_schema(
        tags=["users"],
        summary="Users the caller may see",
        description="Admins see everyone; managers their own agency's specialists and "
        "themselves; coordinators and specialists only themselves.",
        responses={200: UserSerializer(many=True), 400: FIELD_ERRORS, 401: UNAUTHENTICATED},
    )
    def get(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(UserSerializer(page, many=True).data)

    @extend_schema(
        tags=["users"],
        summary="Invite a user",
        description="Creates the user and emails them a one-time link to choose a password "
        "(Swedish and English). Admins may invite anyone and may set a password directly "
        "(then no email is sent). Managers invite specialists of their own agency: role and "
        "agency default to that, and asking for anything else is a 400 naming the field. "
        "Coordinators and specialists get 403.",
        request=UserInviteInputSerializer,
        responses={
            201: UserSerializer,
            400: FIELD_ERRORS,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
        },
    )
    def post(self, request: Request) -> Response:
        # Before the body, so coordinators and specialists get the documented 403.
        if not can_invite_users(request.user):
            raise Forbidden(_("You may not invite users."))
        data = UserInviteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = services.user_invite(
            actor=request.user,
            email=values["email"],
            name=values["name"],
            role=values.get("role"),
            agency=values.get("agency"),
            password=values.get("password"),
            language=values["language"],
        )
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class UserDetailView(APIView):
    @extend_schema(
        tags=["users"],
        summary="One user",
        responses={200: UserSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        user = selectors.user_get(actor=request.user, user_id=pk)
        return Response(UserSerializer(user).data)

    @extend_schema(
        tags=["users"],
        summary="Change a user",
        description="Everyone may change their own name and language; managers also the "
        "active flag of their agency's specialists; admins every field, including role, "
        "agency and password. A field the caller may not change is a 400 naming it.",
        request=UserUpdateInputSerializer,
        responses={
            200: UserSerializer,
            400: FIELD_ERRORS,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def patch(self, request: Request, pk: int) -> Response:
        user = selectors.user_get(actor=request.user, user_id=pk)
        data = UserUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = services.user_update(actor=request.user, user=user, data=data.validated_data)
        return Response(UserSerializer(user).data)


class AgencyListView(generics.ListAPIView):
    serializer_class = AgencySerializer
    filterset_fields = ["slug"]
    ordering_fields = ["name", "id"]

    def get_queryset(self):
        return selectors.agency_list()

    @extend_schema(
        tags=["agencies"],
        summary="Agencies in the network",
        responses={200: AgencySerializer(many=True), 401: UNAUTHENTICATED},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        # The same for every user, so one cached copy per query string (and host, for links).
        data = selectors.agency_list_cached(
            variant=request.build_absolute_uri(),
            build=lambda: self.list(request, *args, **kwargs).data,
        )
        return Response(data)


class AgencyDetailView(APIView):
    @extend_schema(
        tags=["agencies"],
        summary="One agency",
        responses={200: AgencySerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(AgencySerializer(selectors.agency_get(agency_id=pk)).data)
