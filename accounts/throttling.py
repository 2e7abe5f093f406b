"""Rate limits of the API and the answer to a locked-out login.

DRF throttles count requests per anonymous address and per user; django-axes counts
failed logins (password or one-time code) per email and address. Both answer 429 with
`Retry-After`, on the web as a page and in the API as `{"detail": ...}`.
"""

import math
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

if TYPE_CHECKING:  # DRF imports its throttle classes while rest_framework.views loads
    from rest_framework.request import Request
    from rest_framework.views import APIView


class AnonThrottle(AnonRateThrottle):
    """Requests without credentials, per client address (settings.API_THROTTLE_RATE_ANON)."""

    def get_rate(self) -> str:
        return settings.API_THROTTLE_RATE_ANON

    def allow_request(self, request: "Request", view: "APIView") -> bool:
        # The rate is read per request, so a changed setting applies at once.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class UserThrottle(UserRateThrottle):
    """Requests of one authenticated user, from wherever (settings.API_THROTTLE_RATE_USER)."""

    def get_rate(self) -> str:
        return settings.API_THROTTLE_RATE_USER

    def allow_request(self, request: "Request", view: "APIView") -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


def axes_username(request: HttpRequest, credentials: dict | None) -> str:
    """The email a login attempt names, lower-cased, so `Anna@x.se` and `anna@x.se` count
    as one account."""
    value = (credentials or {}).get("username") or (credentials or {}).get("email") or ""
    if not value:
        value = request.POST.get("username", "") if request.method == "POST" else ""
    return str(value).strip().lower()


def lockout_seconds() -> int:
    return math.ceil(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_message() -> str:
    minutes = max(1, lockout_seconds() // 60)
    return _(
        "Too many failed login attempts for this account from your address. "
        "Try again in %(minutes)d minutes."
    ) % {"minutes": minutes}


def api_lockout_message() -> str:
    # The API speaks English whatever the caller's locale, like its other messages.
    with translation.override("en"):
        return lockout_message()


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """Axes' answer to a locked-out username and address: 429 with Retry-After."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": api_lockout_message()}, status=429)
    else:
        response = render(
            request, "accounts/lockout.html", {"message": lockout_message()}, status=429
        )
    response["Retry-After"] = str(lockout_seconds())
    return response
