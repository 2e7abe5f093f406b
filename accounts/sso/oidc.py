"""OpenID Connect login through each agency's own provider (mozilla-django-oidc).

mozilla-django-oidc reads one provider from settings; here every agency has its own, so
the views and the backend take it from the agency's `IdentityProvider` instead: its
issuer's discovery document gives the endpoints, its client id and (encrypted) secret
the credentials. The library does the protocol: state, nonce and PKCE in the session,
the code exchange and the ID token's signature checked against the provider's keys.
This module adds what a multi-provider client must check itself (the token's issuer and
audience, the userinfo's subject) and hands the claims to `accounts.sso.policy`.

All agencies share one redirect URI, `/sso/oidc/callback/`; the provider of a login is
remembered with its state in the session.
"""

import hashlib
import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import absolutify
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from accounts.backends import session_user
from accounts.language import login_language_cookie
from accounts.models import IdentityProtocol, IdentityProvider, User
from accounts.sso.policy import (
    SsoIdentity,
    SsoRefused,
    attribute_name,
    mfa_asserted,
    provider_by_slug,
    sso_login,
)
from accounts.sso.secrets import secret_decrypt

logger = logging.getLogger(__name__)

DISCOVERY_CACHE_SECONDS = 3600
# The key under which the provider of a pending login is kept beside its state and nonce.
PROVIDER_KEY = "identity_provider"
BACKEND_PATH = "accounts.sso.oidc.AgencyOIDCBackend"


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read or does not fit its issuer."""


def _http_timeout() -> float:
    return float(getattr(settings, "OIDC_TIMEOUT", None) or 10)


def oidc_configuration(provider: IdentityProvider) -> dict[str, Any]:
    """The provider's discovery document (endpoints and keys), cached for an hour."""
    issuer = provider.issuer.rstrip("/")
    key = "sso:oidc:" + hashlib.sha256(issuer.encode()).hexdigest()
    document = cache.get(key)
    if document is not None:
        return document
    try:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=_http_timeout()
        )
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(str(exc)) from exc
    if str(document.get("issuer", "")).rstrip("/") != issuer:
        raise ProviderUnavailable(f"discovery document names another issuer than {issuer}")
    missing = [
        name
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint")
        if not document.get(name)
    ]
    if missing:
        raise ProviderUnavailable(f"discovery document lacks {missing}")
    cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def identity_from_claims(
    provider: IdentityProvider, id_token: dict[str, Any], userinfo: dict[str, Any]
) -> SsoIdentity:
    """The person as the provider describes them; amr/acr only from the signed ID token."""
    claims = {**userinfo, **id_token}
    email = claims.get(attribute_name(provider, "email")) or ""
    groups = claims.get(attribute_name(provider, "groups")) or []
    if isinstance(groups, str):
        groups = [groups]
    name = claims.get("name") or " ".join(
        part for part in (claims.get("given_name"), claims.get("family_name")) if part
    )
    amr = id_token.get("amr") or []
    asserted = [*(amr if isinstance(amr, list) else [amr]), id_token.get("acr") or ""]
    return SsoIdentity(
        subject=str(id_token.get("sub", "")),
        email=str(email),
        email_verified=claims.get("email_verified") in (True, "true"),
        name=str(name or ""),
        groups=frozenset(str(group) for group in groups),
        mfa=mfa_asserted(provider, asserted),
    )


def _callback_url(request: HttpRequest) -> str:
    return absolutify(request, reverse("sso:oidc-callback"))


class AgencyOIDCBackend(OIDCAuthenticationBackend):
    """Authenticates the code of an agency's provider; anything else is left to others."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The endpoints and credentials are the provider's, set per login (not settings).
        self.UserModel = get_user_model()
        self.provider: IdentityProvider | None = None

    def _configure(self, provider: IdentityProvider) -> None:
        document = oidc_configuration(provider)
        self.provider = provider
        self.OIDC_OP_TOKEN_ENDPOINT = document["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = document["userinfo_endpoint"]
        self.OIDC_OP_JWKS_ENDPOINT = document["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = secret_decrypt(provider.client_secret_encrypted)
        self.OIDC_RP_SIGN_ALGO = getattr(settings, "OIDC_RP_SIGN_ALGO", "RS256")
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(
        self,
        request: HttpRequest | None,
        identity_provider: IdentityProvider | None = None,
        nonce: str | None = None,
        code_verifier: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if (
            request is None
            or identity_provider is None
            or identity_provider.protocol != IdentityProtocol.OIDC
        ):
            return None
        code = request.GET.get("code")
        if not code:
            return None
        self.request = request
        self._configure(identity_provider)
        token_request = {
            "client_id": self.OIDC_RP_CLIENT_ID,
            "client_secret": self.OIDC_RP_CLIENT_SECRET,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": _callback_url(request),
        }
        if code_verifier is not None:
            token_request["code_verifier"] = code_verifier
        token = self.get_token(token_request)
        id_token, access_token = token.get("id_token"), token.get("access_token")
        if not id_token or not access_token:
            raise SuspiciousOperation("The token response lacks an ID or access token.")
        payload = self.verify_token(id_token, nonce=nonce)
        self._verify_issuer_and_audience(payload)
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if str(userinfo.get("sub")) != str(payload.get("sub")):
            raise SuspiciousOperation("The userinfo names another subject than the ID token.")
        identity = identity_from_claims(identity_provider, payload, userinfo)
        try:
            return sso_login(
                provider=identity_provider, identity=identity, language=get_language() or "sv"
            )
        except SsoRefused as refusal:
            messages.error(request, refusal.message)
            return None

    def _verify_issuer_and_audience(self, payload: dict[str, Any]) -> None:
        # The library leaves these to the client; with many providers they matter.
        if str(payload.get("iss", "")).rstrip("/") != self.provider.issuer.rstrip("/"):
            raise SuspiciousOperation("The ID token was issued by another provider.")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued to another client.")

    def get_user(self, user_id: int) -> User | None:
        return session_user(user_id)


class OIDCLoginView(OIDCAuthenticationRequestView):
    """Sends the browser to the agency's provider, with state, nonce and PKCE kept here."""

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the endpoint and client id are the agency's
        self.provider: IdentityProvider | None = None

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        provider = provider_by_slug(slug, protocol=IdentityProtocol.OIDC)
        if provider is None:
            raise Http404("No such identity provider.")
        try:
            document = oidc_configuration(provider)
        except ProviderUnavailable as exc:
            logger.warning("OIDC provider %s unavailable: %s", provider.pk, exc)
            messages.error(
                request, _("Your agency's identity provider does not answer. Try again later.")
            )
            return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))
        self.provider = provider
        self.OIDC_OP_AUTH_ENDPOINT = document["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = provider.client_id
        response = super().get(request)
        state = parse_qs(urlsplit(response.url).query)["state"][0]
        request.session["oidc_states"][state][PROVIDER_KEY] = provider.pk
        request.session.modified = True
        return response

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        params = {"scope": self.provider.scopes or "openid email profile"}
        email = request.GET.get("email", "").strip()
        if email:
            params["login_hint"] = email
        return params


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """Where every agency's provider sends the browser back with a code (or an error)."""

    @property
    def failure_url(self) -> str:
        return resolve_url(settings.LOGIN_URL)

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        return login_language_cookie(self.request, response, self.user)

    def get(self, request: HttpRequest) -> HttpResponse:
        # As the library's callback, except that the provider comes from the login's state.
        state = request.GET.get("state", "")
        pending = request.session.get("oidc_states") or {}
        entry = pending.pop(state, None) if state else None
        request.session.modified = True
        if request.GET.get("error"):
            messages.error(
                request, _("The login was cancelled at your agency's identity provider.")
            )
            if request.user.is_authenticated:
                auth.logout(request)
            return self.login_failure()
        if entry is None or "code" not in request.GET:
            messages.error(request, _("The login has expired. Start again."))
            return self.login_failure()
        provider = (
            IdentityProvider.objects.filter(
                pk=entry.get(PROVIDER_KEY), protocol=IdentityProtocol.OIDC, enabled=True
            )
            .select_related("agency")
            .first()
        )
        if provider is None:
            return self.login_failure()
        # Saved before the slow part, so a parallel tab's states are not overwritten.
        request.session.save()
        try:
            # The backend directly, not auth.authenticate(): the provider has checked the
            # person, so a refusal here is no failed password for django-axes to count.
            self.user = AgencyOIDCBackend().authenticate(
                request,
                identity_provider=provider,
                nonce=entry.get("nonce"),
                code_verifier=entry.get("code_verifier"),
            )
        except (SuspiciousOperation, requests.RequestException, ProviderUnavailable) as exc:
            logger.warning("OIDC login through provider %s failed: %s", provider.pk, exc)
            messages.error(
                request, _("The login through your agency's identity provider failed. Try again.")
            )
            return self.login_failure()
        if self.user is not None and self.user.is_active:
            self.user.backend = BACKEND_PATH
            return self.login_success()
        return self.login_failure()
