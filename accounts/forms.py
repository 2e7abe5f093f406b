"""Forms of the accounts pages."""

from django import forms
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _


class _DescribedBoundField(BoundField):
    # Ties the error list to the input, so screen readers announce it (WCAG 3.3.1).
    def build_widget_attrs(self, attrs: dict, widget: forms.Widget | None = None) -> dict:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors and self.auto_id:
            attrs["aria-describedby"] = f"{self.auto_id}_errors"
            attrs["aria-invalid"] = "true"
        return attrs


class OneTimeCodeForm(forms.Form):
    bound_field_class = _DescribedBoundField

    otp = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        label=_("Code from your authenticator app"),
        help_text=_("6 digits; a new code is shown every 30 seconds."),
        error_messages={"invalid": _("Enter the 6 digits your app shows now.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "size": 8,
            }
        ),
    )
