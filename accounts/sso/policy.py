"""The rules of a login through an agency's identity provider, the same for every protocol.

- The person is matched by their email, which the provider must have verified and which
  must lie in one of the agency's domains; someone of another agency is refused.
- Nobody new is created unless the agency allows it; then they become a specialist of
  that agency.
- Roles come from the provider only through the agency's group mapping: without one the
  provider never grants a role above specialist, and with one it decides the roles it maps
  for the agency's users (a group left at the provider is a role lost at the next login).
  Administrators are never made or unmade by a provider.
- Deactivated accounts are refused.
- Whether the provider's second factor replaces the local one-time code is decided from
  the values it asserts (`identity_mfa_asserted`); accounts.mfa then asks or not.

Every login, creation and refusal is written to the audit trail.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_record
from accounts.models import IdentityProtocol, IdentityProvider, IdentityProviderDomain, Role, User

logger = logging.getLogger(__name__)

# Roles a group mapping may grant, lowest first; administrators are never granted this way.
MAPPABLE_ROLES = (Role.SPECIALIST, Role.MANAGER, Role.COORDINATOR)

# Values that assert a second factor when the provider's configuration names none.
DEFAULT_MFA_VALUES = {
    IdentityProtocol.OIDC: (
        # amr (RFC 8176) and the acr values of REFEDS and Sweden Connect's LoA 3 and 4.
        "mfa",
        "https://refeds.org/profile/mfa",
        "http://id.elegnamnden.se/loa/1.0/loa3",
        "http://id.elegnamnden.se/loa/1.0/loa4",
    ),
    IdentityProtocol.SAML: (
        "https://refeds.org/profile/mfa",
        "http://id.elegnamnden.se/loa/1.0/loa3",
        "http://id.elegnamnden.se/loa/1.0/loa4",
        "http://id.swedenconnect.se/loa/1.0/uncertified-loa3",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI",
        "http://schemas.microsoft.com/claims/multipleauthn",
    ),
}
DEFAULT_EMAIL_ATTRIBUTE = {IdentityProtocol.OIDC: "email", IdentityProtocol.SAML: "mail"}
DEFAULT_GROUPS_ATTRIBUTE = {IdentityProtocol.OIDC: "groups", IdentityProtocol.SAML: "isMemberOf"}

REFUSALS = {
    "disabled": _("Single sign-on is switched off for your agency."),
    "email_missing": _("Your agency's identity provider did not send your email address."),
    "email_unverified": _("Your agency's identity provider has not verified your email address."),
    "domain": _("Your email address is not in a domain your agency's identity provider serves."),
    "other_agency": _(
        "Your account belongs to another agency. Log in through that agency's provider."
    ),
    "inactive": _("Your account is deactivated. Contact your agency's manager."),
    "no_account": _(
        "You have no account yet, and your agency does not create accounts at the first "
        "login. Ask your agency's manager for an invitation."
    ),
}


class SsoRefused(Exception):
    """A login the agency's rules refuse; `message` says why, in the reader's language."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = REFUSALS[reason]


@dataclass(frozen=True)
class SsoIdentity:
    """What a provider asserted about the person, whatever the protocol."""

    subject: str
    email: str
    email_verified: bool
    name: str = ""
    groups: frozenset[str] = field(default_factory=frozenset)
    mfa: bool = False


def email_domain(email: str) -> str:
    return email.strip().lower().rpartition("@")[2]


def provider_for_email(email: str) -> IdentityProvider | None:
    """The enabled identity provider that serves the email's domain, if any."""
    domain = email_domain(email or "")
    if not domain:
        return None
    return (
        IdentityProvider.objects.filter(enabled=True, domains__domain=domain)
        .select_related("agency")
        .first()
    )


def provider_by_slug(slug: str, *, protocol: str | None = None) -> IdentityProvider | None:
    """The enabled identity provider of the agency with this slug (of that protocol)."""
    providers = IdentityProvider.objects.filter(enabled=True, agency__slug=slug)
    if protocol is not None:
        providers = providers.filter(protocol=protocol)
    return providers.select_related("agency").first()


def password_login_allowed(user: User) -> bool:
    """Whether `user` may log in with a password (web, admin and the API token alike).

    An agency whose provider switches password login off has its users log in only
    through that provider. Administrators keep their password (and second factor): they
    must be able to fix a broken provider.
    """
    if user.agency_id is None or user.is_admin:
        return True
    return not IdentityProvider.objects.filter(
        agency_id=user.agency_id, enabled=True, password_login_allowed=False
    ).exists()


def attribute_name(provider: IdentityProvider, kind: str) -> str:
    """The claim or attribute holding the email (`kind="email"`) or the groups."""
    configured = provider.email_attribute if kind == "email" else provider.groups_attribute
    defaults = DEFAULT_EMAIL_ATTRIBUTE if kind == "email" else DEFAULT_GROUPS_ATTRIBUTE
    return configured or defaults[provider.protocol]


def mfa_asserted(provider: IdentityProvider, asserted: Iterable[str]) -> bool:
    """Whether any asserted amr/acr or AuthnContextClassRef value counts as a second factor."""
    accepted = set(provider.mfa_values or DEFAULT_MFA_VALUES[provider.protocol])
    return any(str(value) in accepted for value in asserted)


def role_mapping_errors(mapping: object) -> list[str]:
    """What is wrong with a group → role mapping (empty when it is fine)."""
    if not isinstance(mapping, dict):
        return ["The mapping must be an object of group names to roles."]
    allowed = [str(role) for role in MAPPABLE_ROLES]
    return [
        f"{group!r}: {role!r} is not one of {allowed}."
        for group, role in mapping.items()
        if role not in allowed or not str(group).strip()
    ]


def _mapped_role(provider: IdentityProvider, groups: frozenset[str]) -> str:
    granted = [
        role
        for group, role in (provider.role_mapping or {}).items()
        if group in groups and role in MAPPABLE_ROLES
    ]
    return max(granted, key=MAPPABLE_ROLES.index, default=Role.SPECIALIST)


def _provider_audit(provider: IdentityProvider, identity: SsoIdentity) -> dict:
    return {
        "provider": provider.pk,
        "agency": provider.agency_id,
        "protocol": provider.protocol,
        "subject": identity.subject,
        "mfa": identity.mfa,
    }


@transaction.atomic
def _user_for(*, provider: IdentityProvider, identity: SsoIdentity, language: str) -> User:
    if not provider.enabled:
        raise SsoRefused("disabled")
    email = User.objects.normalize_email(identity.email or "").strip().lower()
    if not email or "@" not in email:
        raise SsoRefused("email_missing")
    if not (identity.email_verified or provider.assume_email_verified):
        raise SsoRefused("email_unverified")
    if not IdentityProviderDomain.objects.filter(
        provider=provider, domain=email_domain(email)
    ).exists():
        raise SsoRefused("domain")

    user = User.objects.select_for_update().filter(email__iexact=email).first()
    mapped = provider.role_mapping and _mapped_role(provider, identity.groups)
    if user is None:
        if not provider.jit_provisioning:
            raise SsoRefused("no_account")
        user = User(
            email=email,
            name=(identity.name or email.partition("@")[0]).strip()[:200],
            role=mapped or Role.SPECIALIST,
            agency=provider.agency,
            language=language if language in ("sv", "en") else "sv",
        )
        user.set_unusable_password()
        user.save()
        audit_record(
            actor=user,
            action="user.sso_provision",
            target=user,
            after={
                "email": user.email,
                "name": user.name,
                "role": user.role,
                "agency": user.agency_id,
                **_provider_audit(provider, identity),
            },
        )
        logger.info("user %s created at first login through provider %s", user.pk, provider.pk)
    else:
        if user.agency_id not in (None, provider.agency_id):
            raise SsoRefused("other_agency")
        if not user.is_active:
            raise SsoRefused("inactive")
        if (
            mapped
            and user.agency_id == provider.agency_id
            and user.role in MAPPABLE_ROLES
            and user.role != mapped
        ):
            audit_record(
                actor=user,
                action="user.sso_role_change",
                target=user,
                before={"role": user.role},
                after={"role": mapped, **_provider_audit(provider, identity)},
            )
            user.role = mapped
            user.save(update_fields=["role"])
    audit_record(
        actor=user, action="user.sso_login", target=user, after=_provider_audit(provider, identity)
    )
    return user


@transaction.atomic
def _refusal_record(
    *, provider: IdentityProvider, identity: SsoIdentity, refusal: SsoRefused
) -> None:
    audit_record(
        actor=None,
        action="identity_provider.login_refused",
        target=provider,
        after={
            "email": identity.email,
            "reason": refusal.reason,
            **_provider_audit(provider, identity),
        },
    )


def sso_login(*, provider: IdentityProvider, identity: SsoIdentity, language: str = "sv") -> User:
    """The user `identity` logs in as under the agency's rules; SsoRefused when it may not.

    The returned user carries `sso_authenticated` and `idp_asserted_mfa`, which
    accounts.mfa reads when the session starts. A refusal is recorded in the audit trail
    (in its own transaction: the refused attempt's writes are rolled back).
    """
    try:
        try:
            user = _user_for(provider=provider, identity=identity, language=language)
        except IntegrityError:
            # The same person's first login in another tab created the account meanwhile.
            user = _user_for(provider=provider, identity=identity, language=language)
    except SsoRefused as refusal:
        _refusal_record(provider=provider, identity=identity, refusal=refusal)
        logger.info("login through provider %s refused: %s", provider.pk, refusal.reason)
        raise
    user.sso_authenticated = True
    user.idp_asserted_mfa = identity.mfa
    return user
