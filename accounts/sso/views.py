"""The login page's part of single sign-on: which agency's provider serves an email."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.models import IdentityProtocol
from accounts.sso.policy import provider_by_slug, provider_for_email

PROTOCOL_LOGIN_ROUTES = {
    IdentityProtocol.OIDC: "sso:oidc-login",
    IdentityProtocol.SAML: "sso:saml-login",
}


@require_GET
def sso_option(request: HttpRequest) -> HttpResponse:
    """The "Log in with …" button for the email typed so far (htmx), or nothing."""
    email = request.GET.get("username") or request.GET.get("email") or ""
    return render(
        request,
        "accounts/partials/sso_option.html",
        {
            "sso_provider": provider_for_email(email),
            "sso_email": email,
            "next": request.GET.get("next", ""),
        },
    )


@require_GET
def sso_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a login at the agency's provider, whichever protocol it speaks."""
    provider = provider_by_slug(slug)
    if provider is None:
        raise Http404("No such identity provider.")
    target = reverse(PROTOCOL_LOGIN_ROUTES[provider.protocol], args=[slug])
    query = request.GET.urlencode()
    return redirect(f"{target}?{query}" if query else target)
