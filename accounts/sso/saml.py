"""SAML 2.0 login through each agency's own identity provider (djangosaml2 on pysaml2).

Each agency is its own service provider: `/sso/saml/<agency>/metadata/` is its entity id
and metadata, `/sso/saml/<agency>/acs/` receives the assertions. djangosaml2 builds the
pysaml2 configuration per request through `saml_sp_config` (settings.SAML_CONFIG_LOADER)
from the agency's stored IdP metadata, and does the protocol: the AuthnRequest, the
outstanding-request check, the signature (xmlsec1), audience, destination and validity of
the assertion. This module turns the assertion into an `SsoIdentity` for
`accounts.sso.policy`: the email and groups from the agency's attribute names, and the
AuthnContextClassRef to decide whether the provider did a second factor.
"""

import logging
import shutil
from typing import Any

import requests
import saml2
from django.conf import settings
from django.contrib import auth, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from djangosaml2.backends import Saml2Backend
from djangosaml2.views import AssertionConsumerServiceView, LoginView, MetadataView
from saml2.config import SPConfig
from saml2.md import entity_descriptor_from_string

from accounts.audit import audit_record
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

logger = logging.getLogger(__name__)

BACKEND_PATH = "accounts.sso.saml.AgencySaml2Backend"
LANGUAGE_KEY = "sso_language"
NAME_ATTRIBUTES = ("displayName", "cn")


def _provider_of(request: HttpRequest) -> IdentityProvider:
    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("slug") if match else None
    provider = provider_by_slug(slug or "", protocol=IdentityProtocol.SAML)
    if provider is None or not provider.saml_metadata_xml:
        raise Http404("No such identity provider.")
    return provider


def saml_sp_config(request: HttpRequest) -> SPConfig:
    """The service provider of the agency named in the URL, trusting only that agency's IdP."""
    provider = _provider_of(request)
    slug = provider.agency.slug
    acs = request.build_absolute_uri(reverse("sso:saml-acs", args=[slug]))
    config: dict[str, Any] = {
        "entityid": request.build_absolute_uri(reverse("sso:saml-metadata", args=[slug])),
        "xmlsec_binary": settings.SAML_XMLSEC_BINARY or shutil.which("xmlsec1"),
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "name": "Delad kompetens",
                "endpoints": {"assertion_consumer_service": [(acs, saml2.BINDING_HTTP_POST)]},
                "allow_unsolicited": False,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "authn_requests_signed": bool(settings.SAML_SP_KEY_FILE),
                "name_id_format_allow_create": True,
            }
        },
        "metadata": {"inline": [provider.saml_metadata_xml]},
    }
    if settings.SAML_SP_KEY_FILE and settings.SAML_SP_CERT_FILE:
        config["key_file"] = settings.SAML_SP_KEY_FILE
        config["cert_file"] = settings.SAML_SP_CERT_FILE
        config["encryption_keypairs"] = [
            {"key_file": settings.SAML_SP_KEY_FILE, "cert_file": settings.SAML_SP_CERT_FILE}
        ]
    sp_config = SPConfig()
    sp_config.load(config)
    return sp_config


def saml_entity_id(metadata_xml: str) -> str:
    """The entity id of the identity provider that `metadata_xml` describes."""
    try:
        descriptor = entity_descriptor_from_string(metadata_xml)
    except Exception as exc:  # pysaml2 raises many kinds for XML it cannot read
        raise ValidationError(
            _("The metadata is not SAML metadata: %(error)s") % {"error": exc}
        ) from exc
    if descriptor is None or not descriptor.entity_id or not descriptor.idpsso_descriptor:
        raise ValidationError(_("The metadata does not describe an identity provider."))
    return descriptor.entity_id


def saml_metadata_fetch(url: str) -> str:
    """The metadata document published at `url`."""
    try:
        response = requests.get(url, timeout=10)
        response.raise_for_status()
    except requests.RequestException as exc:
        raise ValidationError(
            _("The metadata could not be read from %(url)s: %(error)s") % {"url": url, "error": exc}
        ) from exc
    return response.text


@transaction.atomic
def identity_provider_saml_metadata_load(
    *, actor: User | None, provider: IdentityProvider, metadata_xml: str | None = None
) -> IdentityProvider:
    """Store the IdP's metadata (given, or read from its metadata URL) and its entity id."""
    if metadata_xml is None:
        metadata_xml = saml_metadata_fetch(provider.saml_metadata_url)
    entity_id = saml_entity_id(metadata_xml)
    before = {"saml_entity_id": provider.saml_entity_id}
    provider.saml_metadata_xml = metadata_xml
    provider.saml_entity_id = entity_id
    if provider.pk:
        provider.save(update_fields=["saml_metadata_xml", "saml_entity_id", "updated_at"])
        audit_record(
            actor=actor,
            action="identity_provider.saml_metadata",
            target=provider,
            before=before,
            after={"saml_entity_id": entity_id},
        )
    return provider


def identity_from_session_info(provider: IdentityProvider, session_info: dict) -> SsoIdentity:
    """The person as the assertion describes them; the IdP vouches for the email it sends."""
    attributes = session_info.get("ava") or {}

    def values(name: str) -> list[str]:
        found = attributes.get(name) or []
        return [str(value) for value in (found if isinstance(found, list) else [found])]

    emails = values(attribute_name(provider, "email"))
    name = next((values(attr)[0] for attr in NAME_ATTRIBUTES if values(attr)), "")
    if not name:
        name = " ".join(value for attr in ("givenName", "sn") for value in values(attr)[:1])
    name_id = session_info.get("name_id")
    return SsoIdentity(
        subject=str(getattr(name_id, "text", "") or ""),
        email=emails[0] if emails else "",
        email_verified=True,
        name=name,
        groups=frozenset(values(attribute_name(provider, "groups"))),
        mfa=mfa_asserted(
            provider, [context for context, *_ in session_info.get("authn_info") or []]
        ),
    )


class AgencySaml2Backend(Saml2Backend):
    """Logs in the person of a verified assertion from the agency's own IdP."""

    def authenticate(
        self,
        request: HttpRequest | None,
        session_info: dict | None = None,
        attribute_mapping: dict | None = None,
        create_unknown_user: bool = False,
        assertion_info: dict | None = None,
        identity_provider: IdentityProvider | None = None,
        **kwargs: Any,
    ) -> User | None:
        if request is None or session_info is None or identity_provider is None:
            return None
        if session_info.get("issuer") != identity_provider.saml_entity_id:
            logger.warning(
                "assertion for provider %s issued by %r",
                identity_provider.pk,
                session_info.get("issuer"),
            )
            messages.error(request, _("The login through your agency's identity provider failed."))
            return None
        identity = identity_from_session_info(identity_provider, session_info)
        language = request.saml_session.get(LANGUAGE_KEY) or get_language() or "sv"
        try:
            return sso_login(provider=identity_provider, identity=identity, language=language)
        except SsoRefused as refusal:
            messages.error(request, refusal.message)
            return None

    def get_user(self, user_id: int) -> User | None:
        return session_user(user_id)


class SAMLLoginView(LoginView):
    """Sends the browser to the agency's IdP with an AuthnRequest."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        _provider_of(request)
        request.saml_session[LANGUAGE_KEY] = get_language()
        return super().get(request)


class SAMLAssertionConsumerView(AssertionConsumerServiceView):
    """Receives the IdP's response; a refused or broken one goes back to the login page."""

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        self.provider = _provider_of(request)
        response = super().post(request)
        if request.user.is_authenticated:
            response = login_language_cookie(request, response, request.user)
        return response

    def authenticate_user(
        self,
        request: HttpRequest,
        session_info: dict,
        attribute_mapping: dict,
        create_unknown_user: bool,
        assertion_info: dict,
    ) -> User:
        # The backend directly, not auth.authenticate(): the IdP has checked the person,
        # so a refusal is no failed password for django-axes to count.
        user = AgencySaml2Backend().authenticate(
            request, session_info=session_info, identity_provider=self.provider
        )
        if user is None:
            raise PermissionDenied("The assertion does not log anybody in.")
        user.backend = BACKEND_PATH
        auth.login(request, user)
        return user

    def handle_acs_failure(
        self, request: HttpRequest, exception: Exception | None = None, status: int = 403, **kwargs
    ) -> HttpResponse:
        if not isinstance(exception, PermissionDenied):
            logger.warning("SAML login through %s failed: %r", request.path, exception)
            messages.error(
                request, _("The login through your agency's identity provider failed. Try again.")
            )
        return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))


class SAMLMetadataView(MetadataView):
    """The agency's service-provider metadata, for its IdP administrators."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        return super().get(request)
