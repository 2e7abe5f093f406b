"""Rate limits of the API and the answer to a locked-out login.

DRF throttles count requests per anonymous address and per user (token logins per email
and address, see LoginThrottle); django-axes counts
failed logins (password or one-time code) per email and address. Both answer 429 with
`Retry-After`, on the web as a page and in the API as `{"detail": ...}`.
"""

import hashlib
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework.throttling import (
    AnonRateThrottle,
    BaseThrottle,
    SimpleRateThrottle,
    UserRateThrottle,
)

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


class _LoginCounter(SimpleRateThrottle):
    """One count of token logins (DRF's sliding window in the cache) under a given key."""

    def __init__(self, key: str, rate: str) -> None:
        self.key, self.rate = key, rate
        self.num_requests, self.duration = self.parse_rate(rate)

    def get_cache_key(self, request: "Request", view: "APIView") -> str:
        return self.key


class LoginThrottle(BaseThrottle):
    """Slows password guessing at token login without handing anyone a lockout.

    Counted per email and address together (settings.LOGIN_THROTTLE_RATE), so a stranger
    elsewhere cannot keep the owner's own address at 429. Every attempt also counts for
    the email from all addresses; past settings.LOGIN_THROTTLE_ACCOUNT_RATE (many
    addresses guessing one account) each address is slowed to
    settings.LOGIN_THROTTLE_SLOWED_RATE for that email, the owner's included: slower,
    never shut out, and no CAPTCHA. Failed passwords are also counted by django-axes.
    """

    def allow_request(self, request: "Request", view: "APIView") -> bool:
        email = _login_email(request)
        address = self.get_ident(request)
        if not email:
            return self._check(
                request, view, f"login:address:{address}", settings.LOGIN_THROTTLE_RATE
            )
        digest = hashlib.sha256(email.encode()).hexdigest()[:32]
        account = _LoginCounter(f"login:account:{digest}", settings.LOGIN_THROTTLE_ACCOUNT_RATE)
        busy = not account.allow_request(request, view)
        if busy:
            account.history.insert(0, account.now)  # refused attempts keep it slowed
            account.cache.set(account.key, account.history, account.duration)
        rate = settings.LOGIN_THROTTLE_SLOWED_RATE if busy else settings.LOGIN_THROTTLE_RATE
        scope = "slowed" if busy else "pair"
        return self._check(request, view, f"login:{scope}:{digest}:{address}", rate)

    def _check(self, request: "Request", view: "APIView", key: str, rate: str) -> bool:
        counter = _LoginCounter(key, rate)
        allowed = counter.allow_request(request, view)
        self._wait = None if allowed else counter.wait()
        return allowed

    def wait(self) -> float | None:
        return self._wait


def _login_email(request: "Request") -> str:
    data = request.data  # a body the parser refuses is a 400 from here on
    value = data.get("email", "") if isinstance(data, Mapping) else ""
    return str(value).strip().lower()
