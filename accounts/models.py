from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_org_number


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    org_number = models.CharField(
        _("organisation number"), max_length=11, unique=True, validators=[validate_org_number]
    )
    contact_email = models.EmailField(_("contact email"))
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    webhook_secret = models.CharField(_("webhook secret"), max_length=128, blank=True)
    # Reports: what this agency charges others per hour of a lent specialist, and what it
    # would pay a consultant per skill category ({"cloud": 1450}); blank = the settings.
    internal_hourly_rate = models.PositiveIntegerField(
        _("internal hourly rate (SEK)"), null=True, blank=True
    )
    consultant_rate_overrides = models.JSONField(
        _("consultant hourly rates per skill category (SEK)"), default=dict, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    SPECIALIST = "specialist", _("Specialist")
    MANAGER = "manager", _("Agency manager")
    COORDINATOR = "coordinator", _("Coordinator")
    ADMIN = "admin", _("Administrator")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("Users log in by email; an email is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("role", Role.ADMIN)
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SPECIALIST)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    language = models.CharField(
        _("language"), max_length=5, choices=[("sv", "Svenska"), ("en", "English")], default="sv"
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [
            # Who manages an agency (notifications of every match) and the user list's order.
            models.Index(fields=["agency", "role"], name="user_agency_role_idx"),
            models.Index(fields=["name", "id"], name="user_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=["specialist", "manager"])
                | models.Q(agency__isnull=False),
                name="user_specialist_and_manager_have_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_specialist(self) -> bool:
        return self.role == Role.SPECIALIST


class IdentityProtocol(models.TextChoices):
    OIDC = "oidc", _("OpenID Connect")
    SAML = "saml", _("SAML 2.0")


class IdentityProvider(models.Model):
    """An agency's own identity provider (single sign-on) and the rules its logins follow.

    The rules themselves live in `accounts.sso.policy`; this is only their configuration.
    The client secret is stored encrypted (`accounts.sso.secrets`), never in clear.
    """

    agency = models.OneToOneField(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.CASCADE,
        related_name="identity_provider",
    )
    protocol = models.CharField(_("protocol"), max_length=4, choices=IdentityProtocol.choices)
    display_name = models.CharField(
        _("name on the login button"),
        max_length=120,
        help_text=_('Shown as "Log in with …", e.g. "Skatteverkets inloggning".'),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    # OpenID Connect
    issuer = models.URLField(
        _("issuer"),
        blank=True,
        help_text=_("OpenID Connect: the issuer URL; its discovery document is read from it."),
    )
    client_id = models.CharField(_("client id"), max_length=255, blank=True)
    client_secret_encrypted = models.TextField(_("client secret (encrypted)"), blank=True)
    scopes = models.CharField(_("scopes"), max_length=255, default="openid email profile")
    assume_email_verified = models.BooleanField(
        _("treat every email as verified"),
        default=False,
        help_text=_(
            "OpenID Connect: only for providers that send no email_verified claim but own "
            "every address in the allowed domains."
        ),
    )
    # SAML 2.0
    saml_metadata_url = models.URLField(_("SAML metadata URL"), blank=True)
    saml_metadata_xml = models.TextField(
        _("SAML metadata"),
        blank=True,
        help_text=_("SAML: the identity provider's metadata; read from the URL when blank."),
    )
    saml_entity_id = models.CharField(
        _("SAML entity id"), max_length=500, blank=True, help_text=_("Read from the metadata.")
    )
    # Both protocols
    email_attribute = models.CharField(
        _("email claim or attribute"),
        max_length=200,
        blank=True,
        help_text=_('Blank: "email" (OpenID Connect) or "mail" (SAML).'),
    )
    groups_attribute = models.CharField(
        _("groups claim or attribute"),
        max_length=200,
        blank=True,
        help_text=_('Blank: "groups" (OpenID Connect) or "isMemberOf" (SAML).'),
    )
    role_mapping = models.JSONField(
        _("roles granted by groups"),
        default=dict,
        blank=True,
        help_text=_(
            'A group name to the role it grants, e.g. {"delad-chefer": "manager"}. Without '
            "a mapping nobody gets a role above specialist from the provider."
        ),
    )
    mfa_values = models.JSONField(
        _("values that assert multi-factor authentication"),
        default=list,
        blank=True,
        help_text=_(
            "OpenID Connect amr or acr values, or SAML AuthnContextClassRef values; blank "
            "uses the common ones (see the README)."
        ),
    )
    jit_provisioning = models.BooleanField(
        _("create accounts on first login"),
        default=False,
        help_text=_("New people of the agency's domains become specialists of the agency."),
    )
    password_login_allowed = models.BooleanField(
        _("password login allowed"),
        default=True,
        help_text=_("Off: the agency's users log in only through this provider (web and API)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency__name"]
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_protocol_display()})"


class IdentityProviderDomain(models.Model):
    """An email domain whose people log in through one agency's identity provider."""

    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="domains")
    # Lower case; one agency per domain, so the login page knows whose button to show.
    domain = models.CharField(_("email domain"), max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(domain=Lower("domain")), name="idp_domain_lower_case"
            )
        ]
        verbose_name = _("email domain")
        verbose_name_plural = _("email domains")

    def __str__(self) -> str:
        return self.domain


# The audit trail ------------------------------------------------------------------------


class AuditTrailAppendOnly(Exception):
    """Raised by any attempt to change or delete a recorded audit event."""


class AuditEventQuerySet(models.QuerySet):
    """Reads and inserts only: bulk changes and deletes are refused like single ones."""

    def update(self, **kwargs):
        raise AuditTrailAppendOnly("Audit events cannot be changed.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditTrailAppendOnly("Audit events cannot be changed.")

    def delete(self):
        raise AuditTrailAppendOnly("Audit events cannot be deleted.")

    delete.queryset_only = True


class AuditEvent(models.Model):
    """Append-only record of a state change or permission-relevant write.

    The model refuses updates and deletes; on PostgreSQL a trigger refuses them too
    (marketplace migration 0004), so not even raw SQL from the application can rewrite
    history. Every app writes it (`accounts.audit.audit_record`), so it lives here, at the
    bottom of the dependencies; its table keeps the name it was created with.
    """

    # PROTECT, not SET_NULL: nulling the actor would be an edit of the trail. People are
    # erased by anonymising their user row (marketplace.services.privacy), never deleted.
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        db_table = "marketplace_auditevent"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            # The trail is read newest first, whole or by actor or action.
            models.Index(fields=["-created_at", "-id"], name="audit_created_idx"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_created_idx"),
            models.Index(fields=["action", "-created_at"], name="audit_action_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AuditTrailAppendOnly("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailAppendOnly("Audit events cannot be deleted.")
