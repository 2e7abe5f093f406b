"""Django admin for agencies' identity providers: the secret is written, never shown."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_record
from accounts.models import IdentityProtocol, IdentityProvider, IdentityProviderDomain
from accounts.sso.policy import role_mapping_errors
from accounts.sso.saml import (
    identity_provider_saml_metadata_load,
    saml_entity_id,
    saml_metadata_fetch,
)
from accounts.sso.secrets import secret_encrypt

# The fields an admin edits; the trail follows them but for the metadata document itself
# (the entity id read from it stands for it) and the secret, recorded only as changed.
FORM_FIELDS = [
    "agency",
    "protocol",
    "display_name",
    "enabled",
    "issuer",
    "client_id",
    "scopes",
    "assume_email_verified",
    "saml_metadata_url",
    "saml_metadata_xml",
    "email_attribute",
    "groups_attribute",
    "role_mapping",
    "mfa_values",
    "jit_provisioning",
    "password_login_allowed",
]
AUDITED_FIELDS = [name for name in FORM_FIELDS if name != "saml_metadata_xml"] + ["saml_entity_id"]


class HttpsURLField(forms.URLField):
    """A URL typed without a scheme is taken as https (Django 6's default, asked for now)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class IdentityProviderForm(forms.ModelForm):
    client_secret = forms.CharField(
        label=_("client secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted and never shown. Leave blank to keep the stored secret."),
    )

    class Meta:
        model = IdentityProvider
        fields = FORM_FIELDS
        field_classes = {"issuer": HttpsURLField, "saml_metadata_url": HttpsURLField}

    def clean_role_mapping(self) -> dict:
        mapping = self.cleaned_data.get("role_mapping") or {}
        errors = role_mapping_errors(mapping)
        if errors:
            raise ValidationError(errors)
        return mapping

    def clean_mfa_values(self) -> list:
        values = self.cleaned_data.get("mfa_values") or []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValidationError(_('A list of strings, e.g. ["mfa"].'))
        return values

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        protocol = data.get("protocol")
        if protocol == IdentityProtocol.OIDC:
            for name in ("issuer", "client_id"):
                if not data.get(name):
                    self.add_error(name, _("OpenID Connect needs this."))
            if not (data.get("client_secret") or self.instance.client_secret_encrypted):
                self.add_error("client_secret", _("OpenID Connect needs this."))
        if protocol == IdentityProtocol.SAML:
            try:
                if not data.get("saml_metadata_xml") and data.get("saml_metadata_url"):
                    data["saml_metadata_xml"] = saml_metadata_fetch(data["saml_metadata_url"])
                if data.get("saml_metadata_xml"):
                    self.saml_entity_id = saml_entity_id(data["saml_metadata_xml"])
                else:
                    self.add_error("saml_metadata_url", _("Give the metadata or where to read it."))
            except ValidationError as exc:
                self.add_error("saml_metadata_xml", exc)
        return data


class IdentityProviderDomainForm(forms.ModelForm):
    class Meta:
        model = IdentityProviderDomain
        fields = ["domain"]

    def clean_domain(self) -> str:
        domain = self.cleaned_data["domain"].strip().lower().lstrip("@")
        if "." not in domain or "@" in domain or " " in domain:
            raise ValidationError(_("A domain such as skatteverket.se."))
        return domain


class DomainInline(admin.TabularInline):
    model = IdentityProviderDomain
    form = IdentityProviderDomainForm
    extra = 1


def _audited(provider: IdentityProvider) -> dict[str, Any]:
    return {name: provider.serializable_value(name) for name in AUDITED_FIELDS}


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    form = IdentityProviderForm
    inlines = [DomainInline]
    list_display = [
        "agency",
        "display_name",
        "protocol",
        "enabled",
        "jit_provisioning",
        "password_login_allowed",
        "secret_stored",
    ]
    list_filter = ["protocol", "enabled"]
    readonly_fields = ["saml_entity_id", "secret_stored"]
    actions = ["refresh_saml_metadata"]

    @admin.action(description=_("Read the SAML metadata again from its URL"))
    def refresh_saml_metadata(self, request: HttpRequest, queryset) -> None:
        for provider in queryset.filter(protocol=IdentityProtocol.SAML).exclude(
            saml_metadata_url=""
        ):
            try:
                identity_provider_saml_metadata_load(actor=request.user, provider=provider)
            except ValidationError as exc:
                self.message_user(request, f"{provider}: {exc.messages[0]}", level="error")
            else:
                self.message_user(request, f"{provider}: {provider.saml_entity_id}")

    @admin.display(boolean=True, description=_("client secret stored"))
    def secret_stored(self, provider: IdentityProvider) -> bool:
        return bool(provider.client_secret_encrypted)

    def save_model(
        self, request: HttpRequest, obj: IdentityProvider, form: IdentityProviderForm, change: bool
    ) -> None:
        stored = IdentityProvider.objects.filter(pk=obj.pk).first() if change else None
        before = _audited(stored) if stored is not None else None
        secret = form.cleaned_data.get("client_secret")
        with transaction.atomic():
            if secret:
                obj.client_secret_encrypted = secret_encrypt(secret)
            if getattr(form, "saml_entity_id", None):
                obj.saml_entity_id = form.saml_entity_id
            super().save_model(request, obj, form, change)
            after = _audited(obj)
            if before is not None:
                changed = [name for name in AUDITED_FIELDS if before[name] != after[name]]
                before = {name: before[name] for name in changed}
                after = {name: after[name] for name in changed}
            if secret:
                after["client_secret"] = "(changed)"
            audit_record(
                actor=request.user,
                action=f"identity_provider.{'change' if change else 'add'}",
                target=obj,
                before=before,
                after=after,
            )
