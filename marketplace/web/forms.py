"""Forms of the web pages: they parse and label input; the services decide the rules."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from accounts.errors import InvalidInput
from accounts.models import Agency, Role, User
from accounts.sso.policy import provider_for_email
from marketplace.input_limits import (
    COMMENT_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    validate_date_in_range,
)
from marketplace.models import (
    Clearance,
    DeclineReason,
    NeedStatus,
    Region,
    UnfilledReason,
)
from marketplace.selectors import taxonomy
from marketplace.selectors.searches import TEXT_MAX_LENGTH
from marketplace.web.service_messages import in_request_language

LANGUAGE_CHOICES = [
    ("sv", _("Swedish")),
    ("en", _("English")),
    ("fi", _("Finnish")),
    ("se", _("Northern Sami")),
    ("de", _("German")),
    ("fr", _("French")),
]
LEVEL_CHOICES = [(level, str(level)) for level in range(1, 6)]
REGION_CHOICES = [("", _("Any region")), *Region.choices]


class AccessibleBoundField(BoundField):
    """Ties a field's error list to its input, so screen readers announce the error."""

    def build_widget_attrs(self, attrs: dict, widget: forms.Widget | None = None) -> dict:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors and self.auto_id:
            described = attrs.get("aria-describedby", "")
            attrs["aria-describedby"] = f"{described} {self.auto_id}_errors".strip()
            attrs["aria-invalid"] = "true"
        return attrs


class WebForm(forms.Form):
    bound_field_class = AccessibleBoundField

    def add_domain_errors(
        self, error: InvalidInput, *, aliases: dict[str, str] | None = None
    ) -> None:
        """Show a service's field errors beside the fields they name (or above the form)."""
        aliases = aliases or {}
        for name, messages in error.field_errors.items():
            field = aliases.get(name, name)
            for message in messages if isinstance(messages, list | tuple) else [messages]:
                self.add_error(
                    field if field in self.fields else None, in_request_language(message)
                )
        if not error.field_errors:
            self.add_error(None, in_request_language(error.message))


class LoginForm(AuthenticationForm):
    bound_field_class = AccessibleBoundField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email")
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True}
        )
        # An email alone is a first step when its agency has its own login (see clean).
        self.fields["password"].required = False

    def clean(self) -> dict[str, Any]:
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if email and not password:
            provider = provider_for_email(email)
            if provider is not None:
                raise forms.ValidationError(
                    _("%(agency)s has its own login: use the button “Log in with %(name)s”."),
                    code="sso",
                    params={"agency": provider.agency.name, "name": provider.display_name},
                )
            self.add_error("password", self.fields["password"].error_messages["required"])
            return self.cleaned_data
        return super().clean()

    def get_invalid_login_error(self) -> forms.ValidationError:
        if getattr(self.request, "password_login_refused", False):
            return forms.ValidationError(
                _("Your agency has switched password login off: log in through its own login."),
                code="password_login_off",
            )
        return super().get_invalid_login_error()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class BoundedDateField(forms.DateField):
    """A date from 2000 to 2100 (marketplace.input_limits), in the browser's date picker."""

    widget = DateInput
    default_validators = [validate_date_in_range]


def skill_choices() -> list[tuple[Any, str]]:
    return [("", _("Choose a skill")), *taxonomy.skill_choices()]


def languages_field() -> forms.MultipleChoiceField:
    """The languages a need asks for or a specialist speaks, as checkboxes
    (web/partials/languages_field.html shows them with their errors)."""
    return forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class NeedForm(WebForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea,
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
    )
    start = BoundedDateField(label=_("Start"))
    end = BoundedDateField(label=_("End"))
    capacity_percent = forms.IntegerField(
        label=_("Share of full time (%)"),
        min_value=1,
        max_value=100,
        help_text=_("How much of one person's working time the need asks for, 1–100."),
    )
    headcount = forms.IntegerField(label=_("Number of specialists"), min_value=1, initial=1)
    clearance_required = forms.TypedChoiceField(
        label=_("Security clearance required"), choices=Clearance.choices, coerce=int, initial=0
    )
    languages = languages_field()
    region = forms.ChoiceField(label=_("Region"), choices=REGION_CHOICES, required=False)
    remote_ok = forms.BooleanField(label=_("Remote work is fine"), required=False, initial=True)
    allow_own_agency = forms.BooleanField(
        label=_("Allow our own agency's specialists"), required=False
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date may not be before the start date."))
        return data


class NeedSkillForm(WebForm):
    skill = forms.TypedChoiceField(label=_("Skill"), coerce=int, required=False, empty_value=None)
    min_level = forms.TypedChoiceField(
        label=_("Minimum level"), choices=LEVEL_CHOICES, coerce=int, initial=3
    )
    required = forms.TypedChoiceField(
        label=_("Importance"),
        choices=[("1", _("Required")), ("0", _("Nice to have"))],
        coerce=lambda value: value == "1",
        initial="1",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = skill_choices()


class SpecialistSkillForm(WebForm):
    skill = forms.TypedChoiceField(label=_("Skill"), coerce=int, required=False, empty_value=None)
    level = forms.TypedChoiceField(label=_("Level"), choices=LEVEL_CHOICES, coerce=int, initial=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = skill_choices()


class SkillRowsFormSet(forms.BaseFormSet):
    def add_domain_errors(self, messages: list[str]) -> None:
        """Show a service's errors about the skill list as a whole above its rows."""
        # Django offers no public way to add a formset-wide error after validation.
        self.non_form_errors().extend(in_request_language(message) for message in messages)


NeedSkillFormSet = forms.formset_factory(NeedSkillForm, formset=SkillRowsFormSet, extra=3)
SpecialistSkillFormSet = forms.formset_factory(
    SpecialistSkillForm, formset=SkillRowsFormSet, extra=2
)


class ProfileForm(WebForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea, required=False, max_length=SUMMARY_MAX_LENGTH
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    languages = languages_field()
    region = forms.ChoiceField(label=_("Region"), choices=REGION_CHOICES, required=False)
    remote_ok = forms.BooleanField(label=_("Can work remotely"), required=False)


class AvailabilityForm(WebForm):
    start = BoundedDateField(label=_("From"))
    end = BoundedDateField(label=_("To"))
    capacity_percent = forms.IntegerField(
        label=_("Share of time to lend (%)"), min_value=1, max_value=100
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date may not be before the start date."))
        return data


class RejectForm(WebForm):
    reason = forms.CharField(label=_("Reason for rejecting"), max_length=500)


class DeclineForm(WebForm):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            (value, label)
            for value, label in DeclineReason.choices
            if value != DeclineReason.NOT_SELECTED
        ],
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea, required=False, max_length=COMMENT_MAX_LENGTH
    )


class CloseNeedForm(WebForm):
    reason = forms.ChoiceField(
        label=_("Why does the need end unfilled?"),
        choices=[
            (UnfilledReason.NO_CANDIDATE, UnfilledReason.NO_CANDIDATE.label),
            (UnfilledReason.NONE_ACCEPTED, UnfilledReason.NONE_ACCEPTED.label),
        ],
    )


class CompleteForm(WebForm):
    hours = forms.DecimalField(label=_("Hours worked"), min_value=0, max_digits=8, decimal_places=1)
    rating = forms.TypedChoiceField(
        label=_("Rating (optional)"),
        choices=[("", _("No rating")), *LEVEL_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("1 is poor, 5 is excellent."),
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea, required=False, max_length=COMMENT_MAX_LENGTH
    )
    last_day = forms.DateField(
        label=_("Last day worked (optional)"),
        widget=DateInput(),
        required=False,
        help_text=_("Before the planned end: the rest of the booking is released."),
    )


class ChangeForm(WebForm):
    start = forms.DateField(
        label=_("New start"),
        widget=DateInput(),
        required=False,
        help_text=_("Only before the engagement has started."),
    )
    end = forms.DateField(label=_("New end"), widget=DateInput(), required=False)
    capacity_percent = forms.IntegerField(
        label=_("New share of full time (%)"), min_value=1, max_value=100, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not any(value is not None for value in data.values()):
            raise forms.ValidationError(_("Give a new start, end or share."))
        return data


class EndEarlyForm(WebForm):
    last_day = forms.DateField(label=_("Last day"), widget=DateInput())


class ChangeDeclineForm(WebForm):
    comment = forms.CharField(
        label=_("Why not? (optional)"),
        widget=forms.Textarea,
        required=False,
        max_length=COMMENT_MAX_LENGTH,
    )


class FeedbackForm(WebForm):
    rating = forms.TypedChoiceField(
        label=_("Your rating of the assignment"),
        choices=[("", _("Choose a rating")), *LEVEL_CHOICES],
        coerce=int,
        empty_value=None,
        help_text=_("1 is poor, 5 is excellent."),
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea, required=False, max_length=COMMENT_MAX_LENGTH
    )


class NeedFilterForm(WebForm):
    skill = forms.TypedChoiceField(label=_("Skill"), coerce=int, required=False, empty_value=None)
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.order_by("name"),
        required=False,
        empty_label=_("All agencies"),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *NeedStatus.choices], required=False
    )
    period_from = BoundedDateField(label=_("Period from"), required=False)
    period_to = BoundedDateField(label=_("Period to"), required=False)
    q = forms.CharField(
        label=_("Search text"),
        help_text=_("Found in the title, the description or the skills asked for."),
        max_length=TEXT_MAX_LENGTH,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [("", _("All skills")), *skill_choices()[1:]]


class SpecialistFilterForm(WebForm):
    skill = forms.TypedChoiceField(label=_("Skill"), coerce=int, required=False, empty_value=None)
    min_level = forms.TypedChoiceField(
        label=_("Minimum level"),
        choices=[("", _("Any level")), *LEVEL_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.order_by("name"),
        required=False,
        empty_label=_("All agencies"),
    )
    region = forms.ChoiceField(label=_("Region"), choices=REGION_CHOICES, required=False)
    available_from = BoundedDateField(label=_("Available from"), required=False)
    available_to = BoundedDateField(label=_("Available to"), required=False)
    min_capacity = forms.IntegerField(
        label=_("Share of time at least (%)"),
        help_text=_("Over the whole period, in one availability window."),
        min_value=1,
        max_value=100,
        required=False,
    )
    clearance = forms.TypedChoiceField(
        label=_("Security clearance at least"),
        choices=[
            ("", _("Any clearance")),
            *((value, label) for value, label in Clearance.choices if value),
        ],
        coerce=int,
        required=False,
        empty_value=None,
    )
    q = forms.CharField(
        label=_("Search text"),
        help_text=_("Found in the name, title, summary or skills."),
        max_length=TEXT_MAX_LENGTH,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [("", _("All skills")), *skill_choices()[1:]]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("available_from"), data.get("available_to")
        if start and end and end < start:
            self.add_error("available_to", _("The end date may not be before the start date."))
        return data


class SharingForm(WebForm):
    """What a manager decides for one of their agency's specialists."""

    shareable = forms.BooleanField(label=_("May be lent to other agencies"), required=False)
    max_share_percent = forms.IntegerField(
        label=_("Lent at most (percent of full time)"), min_value=1, max_value=100
    )
    clearance = forms.TypedChoiceField(
        label=_("Security clearance (attested by the agency)"),
        choices=Clearance.choices,
        coerce=int,
    )
    clearance_expires = forms.DateField(
        label=_("Clearance valid until"), required=False, widget=DateInput()
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("clearance") and not data.get("clearance_expires"):
            self.add_error("clearance_expires", _("Give the date the clearance expires."))
        return data


class InviteForm(WebForm):
    """Invite a person: admins choose any role and agency, managers their own specialists."""

    email = forms.EmailField(label=_("Email"), max_length=254)
    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.SPECIALIST)
    agency = forms.TypedChoiceField(label=_("Agency"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if actor.is_admin:
            self.fields["agency"].choices = [
                ("", _("No agency")),
                *Agency.objects.order_by("name").values_list("pk", "name"),
            ]
        else:
            del self.fields["role"]
            del self.fields["agency"]


class UserEditForm(WebForm):
    """The fields of a user the actor may change (accounts.permissions decides which)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    agency = forms.TypedChoiceField(label=_("Agency"), coerce=int, required=False, empty_value=None)
    is_active = forms.BooleanField(label=_("Active (may log in)"), required=False)

    def __init__(self, *args: Any, editable: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in editable:
                del self.fields[name]
        if "agency" in self.fields:
            self.fields["agency"].choices = [
                ("", _("No agency")),
                *Agency.objects.order_by("name").values_list("pk", "name"),
            ]
