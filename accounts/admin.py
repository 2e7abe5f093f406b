from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import Agency, User
from accounts.webhooks import webhook_secret_new, webhook_url_check


class AgencyForm(forms.ModelForm):
    webhook_url = forms.URLField(required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Agency
        # Not the webhook secret: it is write-only, generated and shown once, never displayed.
        fields = [
            "name",
            "slug",
            "org_number",
            "contact_email",
            "webhook_url",
            "internal_hourly_rate",
            "consultant_rate_overrides",
        ]

    def clean_webhook_url(self) -> str:
        url = self.cleaned_data.get("webhook_url", "")
        if url:
            webhook_url_check(url)
        return url


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    form = AgencyForm
    list_display = ["name", "slug", "org_number", "contact_email", "has_webhook_secret"]
    search_fields = ["name", "org_number"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["webhook_secret_rotate"]

    @admin.display(boolean=True, description=_("webhook secret set"))
    def has_webhook_secret(self, agency: Agency) -> bool:
        return bool(agency.webhook_secret)

    def save_model(self, request, agency: Agency, form, change: bool) -> None:
        generated = not agency.webhook_secret and bool(agency.webhook_url)
        if generated:
            agency.webhook_secret = webhook_secret_new()
        super().save_model(request, agency, form, change)
        if generated:
            self._show_once(request, agency)

    @admin.action(description=_("Generate a new webhook secret (shown once)"))
    def webhook_secret_rotate(self, request, queryset) -> None:
        for agency in queryset:
            agency.webhook_secret = webhook_secret_new()
            agency.save(update_fields=["webhook_secret"])
            self._show_once(request, agency)

    def _show_once(self, request, agency: Agency) -> None:
        messages.warning(
            request,
            _(
                "New webhook secret for %(agency)s (copy it now; it is never shown again): "
                "%(secret)s"
            )
            % {"agency": agency.name, "secret": agency.webhook_secret},
        )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "role", "agency", "is_active"]
    list_filter = ["role", "agency", "is_active"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["name", "role", "agency", "language"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
    ]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        changed = sorted(services.ACCESS_FIELDS & set(form.changed_data))
        if change and changed:
            services.user_access_revoke(actor=request.user, user=obj, changed=changed)

    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "name", "role", "agency", "password1", "password2"],
            },
        ),
    ]


# Single sign-on: agencies' identity providers (accounts/sso/admin.py).
from accounts.sso import admin as sso_admin  # noqa: E402, F401
