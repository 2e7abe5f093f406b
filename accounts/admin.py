from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts import services
from accounts.models import Agency, User


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "org_number", "contact_email"]
    search_fields = ["name", "org_number"]
    prepopulated_fields = {"slug": ["name"]}


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
