"""Multi-factor login with time-based one-time codes (TOTP, RFC 6238, django-otp).

Coordinators and admins must use a second factor; everyone else may opt in. A session
opened with a password (web login or Django admin login), or through an agency's identity
provider that did not assert multi-factor authentication, is held at the second-factor
step: until a code from a confirmed device is given, every page except setting up a
device, verifying, logging out and choosing a language is refused. The API's token
login asks for the code in the same request (`otp`).
"""

import functools
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import quote, urlencode

import qrcode
import qrcode.image.svg
from django.contrib.auth import logout
from django.contrib.auth.middleware import get_user
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import audit_record
from accounts.errors import Forbidden, InvalidInput
from accounts.models import User

# Set on a session opened with a password while its second factor is still owed.
PENDING_SESSION_KEY = "accounts_mfa_pending"
# Pages a session may reach while the second factor is owed.
OPEN_WHILE_PENDING = {
    "accounts:mfa-verify",
    "accounts:mfa-setup",
    "web:logout",
    "web:set_language",
    "web:accessibility",
}
DEVICE_NAME = "Authenticator"


def mfa_required(user: User) -> bool:
    """Coordinators and admins decide over every agency's data: they must use a second factor."""
    return bool(user.is_authenticated and (user.is_coordinator or user.is_admin))


def totp_device_of(user: User) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def mfa_enabled(user: User) -> bool:
    return totp_device_of(user) is not None


def totp_secret(device: TOTPDevice) -> str:
    """The device's key in base32, as authenticator apps take it when typed in."""
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth URI of `device` as an inline SVG QR code (no image request, no data: URI)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    label = escape(_("QR code for your authenticator app"))
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="qr-code" ', 1)


def _clean_token(token: str | None) -> str:
    return "".join(str(token or "").split())


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed TOTP device for `user` to add to their authenticator app.

    The same unconfirmed device is returned until it is confirmed, so reloading the setup
    page does not change the secret the user is typing in.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm `device` with a code from the app; it replaces any earlier device of the user."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(_clean_token(token)):
        raise InvalidInput(
            "The code is not valid.",
            field_errors={"otp": [_("The code is not valid. Enter the 6 digits shown now.")]},
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, action="user.mfa_on", target=user)
    return device


@transaction.atomic
def totp_device_remove(*, user: User) -> None:
    """Turn the second factor off; refused for the roles that must keep it."""
    if mfa_required(user):
        raise Forbidden("Coordinators and administrators must keep two-factor authentication.")
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    if deleted:
        audit_record(actor=user, action="user.mfa_off", target=user)


@transaction.atomic
def totp_device_demo(*, user: User, key_hex: str) -> TOTPDevice:
    """A confirmed device with a fixed, published key: for demo data only, never production."""
    TOTPDevice.objects.filter(user=user).exclude(key=key_hex).delete()
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, key=key_hex, defaults={"name": DEVICE_NAME, "confirmed": True}
    )
    return device


def totp_verify(*, user: User, token: str | None) -> TOTPDevice | None:
    """The user's confirmed device if `token` is its current code, else None.

    django-otp refuses a code used before and slows down repeated failures per device
    (exponential delay), which is what stops guessing across fresh password logins.
    """
    token = _clean_token(token)
    if not (len(token) == 6 and token.isdigit()):
        return None
    device = totp_device_of(user)
    if device is None or not device.verify_token(token):
        return None
    return device


def otpauth_uri(*, email: str, key_hex: str, issuer: str = "Delad kompetens") -> str:
    """The otpauth URI for a key (what a QR code holds), for printing demo logins."""
    secret = b32encode(unhexlify(key_hex)).decode("ascii").rstrip("=")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "digits": 6, "period": 30}, quote_via=quote
    )
    return f"otpauth://totp/{quote(issuer)}:{quote(email)}?{query}"


# Session helpers for the web login -------------------------------------------------------


def session_mfa_pending(request: HttpRequest) -> bool:
    return bool(request.session.get(PENDING_SESSION_KEY))


def session_mfa_complete(request: HttpRequest, device: TOTPDevice) -> None:
    """Mark the session as having passed the second factor."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)


def session_mfa_failed(request: HttpRequest, user: User) -> bool:
    """Count a wrong code as a failed login (django-axes); True when that locked the user
    out, in which case the half-open session is ended."""
    user_login_failed.send(sender=__name__, credentials={"username": user.email}, request=request)
    if getattr(request, "axes_locked_out", False):
        logout(request)
        return True
    return False


def login_owes_second_factor(user: User) -> bool:
    """Whether the way `user` just proved who they are still lacks a second factor.

    A password always does; a login through the agency's identity provider does unless
    the provider asserted multi-factor authentication (accounts.sso.policy).
    """
    if getattr(user, "password_authenticated", False):
        return True
    if getattr(user, "sso_authenticated", False):
        return not getattr(user, "idp_asserted_mfa", False)
    return False


@receiver(user_logged_in)
def _hold_login_at_second_factor(sender, request, user, **kwargs) -> None:
    if request is None or not login_owes_second_factor(user):
        return
    if mfa_required(user) or mfa_enabled(user):
        request.session[PENDING_SESSION_KEY] = True


class LazyOTPMiddleware(OTPMiddleware):
    """django-otp's middleware, reading the session's verified device only when asked.

    `user.is_verified()` (and `user.otp_device` after it) load the device on first use;
    a session past its second factor is never asked, so its pages skip that query.

    The user itself is loaded here rather than behind two lazy proxies (Django's and
    django-otp's): SecondFactorMiddleware asks who it is on every request anyway, and a
    page reads `request.user` a hundred times or more.
    """

    def _install_lazy_accessors(self, request: HttpRequest) -> None:
        super()._install_lazy_accessors(request)  # the async accessor, as django-otp has it
        request.user = self._verify_user_sync(request, get_user(request))

    def _verify_user_sync(self, request: HttpRequest, user: User) -> User:
        user.is_verified = functools.partial(self._load_and_verify, request, user)
        return user

    def _load_and_verify(self, request: HttpRequest, user: User) -> bool:
        if "otp_device" not in vars(user):  # django_otp.login may have set it already
            super()._verify_user_sync(request, user)
        return user.otp_device is not None


class SecondFactorMiddleware:
    """Refuses everything but the second-factor pages to a session that still owes a code."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and session_mfa_pending(request)
            and not user.is_verified()
            and not self._open_while_pending(request)
        ):
            message = _("Give the code from your authenticator app first.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=403)
            step = "accounts:mfa-verify" if mfa_enabled(user) else "accounts:mfa-setup"
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _open_while_pending(request: HttpRequest) -> bool:
        from django.conf import settings

        if request.path.startswith(settings.STATIC_URL):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in OPEN_WHILE_PENDING
