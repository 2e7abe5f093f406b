from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
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
