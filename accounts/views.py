"""Web pages of accounts: accepting an invitation, and the second factor of the login."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts import mfa, selectors, services
from accounts.errors import Forbidden, InvalidInput
from accounts.forms import OneTimeCodeForm


def _no_referrer(response: HttpResponse) -> HttpResponse:
    # The token is in the URL; keep it out of Referer headers sent to other sites.
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def invite_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = selectors.invited_user_from_link(uidb64=uidb64, token=token)
    if user is None:
        return _no_referrer(render(request, "accounts/invite_invalid.html", status=404))
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_set_password(user=user, password=form.cleaned_data["new_password1"])
        return redirect("accounts:invite-done")
    return _no_referrer(
        render(request, "accounts/invite_accept.html", {"form": form, "invited": user})
    )


def invite_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/invite_done.html", {"login_url": settings.LOGIN_URL})


CODE_INVALID = gettext_lazy("The code is not valid. Enter the 6 digits your app shows now.")


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@never_cache
@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """The second step of a password login: the current code of the user's device."""
    user = request.user
    if not mfa.mfa_enabled(user):
        return redirect(f"{reverse('accounts:mfa-setup')}?{request.GET.urlencode()}")
    next_url = _safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if user.is_verified():
        return redirect(next_url)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = mfa.totp_verify(user=user, token=form.cleaned_data["otp"])
        if device is not None:
            mfa.session_mfa_complete(request, device)
            return redirect(next_url)
        if mfa.session_mfa_failed(request, user):
            return redirect(settings.LOGIN_URL)
        form.add_error("otp", CODE_INVALID)
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: its secret as text and as a QR code, then a first code."""
    user = request.user
    if mfa.session_mfa_pending(request) and mfa.mfa_enabled(user) and not user.is_verified():
        # A password alone must not replace an existing second factor.
        return redirect(f"{reverse('accounts:mfa-verify')}?{request.GET.urlencode()}")
    next_url = _safe_next(request, reverse("accounts:security"))
    device = mfa.totp_device_start(user=user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = mfa.totp_device_confirm(
                user=user, device=device, token=form.cleaned_data["otp"]
            )
        except InvalidInput:
            form.add_error("otp", CODE_INVALID)
        else:
            mfa.session_mfa_complete(request, device)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(next_url)
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "next": next_url,
            "secret": mfa.totp_secret(device),
            "otpauth_uri": device.config_url,
            "qr_svg": mark_safe(mfa.totp_qr_svg(device)),
            "replacing": mfa.mfa_enabled(user),
        },
    )


@never_cache
@login_required
def security(request: HttpRequest) -> HttpResponse:
    """Two-factor authentication: on or off (off only for roles that may go without)."""
    user = request.user
    if request.method == "POST" and request.POST.get("action") == "mfa-off":
        try:
            mfa.totp_device_remove(user=user)
        except Forbidden:
            messages.error(request, _("Your role must keep two-factor authentication."))
        else:
            messages.success(request, _("Two-factor authentication is off."))
        return redirect("accounts:security")
    return render(
        request,
        "accounts/security.html",
        {"mfa_enabled": mfa.mfa_enabled(user), "mfa_required": mfa.mfa_required(user)},
    )


class LogoutView(auth_views.LogoutView):
    """Django's logout; with `revoke_token` ticked it ends the user's API token too (a
    shared computer, a script that should stop), audited like `POST auth/token/revoke/`."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated and request.POST.get("revoke_token"):
            services.auth_token_revoke(actor=request.user, user=request.user)
        return super().post(request, *args, **kwargs)
