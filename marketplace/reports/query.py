"""What a report request asks for: period, agency and CSV options, parsed once for API and web."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from marketplace.input_limits import FIRST_DAY, LAST_DAY
from marketplace.models import Skill
from marketplace.reports.csv_export import TABLES
from marketplace.selectors.reports import ReportPeriod

# Long enough for a multi-year comparison, short enough that one request stays cheap.
MAX_PERIOD_DAYS = 366 * 10


def _bounded(value: dt.date | None) -> dt.date | None:
    if value is not None and not FIRST_DAY <= value <= LAST_DAY:
        raise forms.ValidationError(
            _("Give a date from %(first)s to %(last)s."),
            params={"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
        )
    return value


class ReportQueryForm(forms.Form):
    """`from` and `to` (inclusive dates, 2000–2100; default the current calendar year),
    `agency` (slug), `skill` (id, for the register), and for CSV `table` and `decimal`
    (`point`, or `comma` with `;` as separator)."""

    agency = forms.SlugField(label=_("Agency"), required=False)
    skill = forms.IntegerField(label=_("Skill"), required=False, min_value=1)
    table = forms.ChoiceField(
        label=_("Table"), required=False, choices=[(name, name) for name in TABLES]
    )
    decimal = forms.ChoiceField(
        label=_("Decimal mark"),
        required=False,
        choices=[("point", _("Point (1.5)")), ("comma", _("Comma (1,5), semicolon separated"))],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # `from` is a Python keyword, so these two cannot be class attributes.
        self.fields["from"] = forms.DateField(
            label=_("From"), required=False, validators=[_bounded]
        )
        self.fields["to"] = forms.DateField(label=_("To"), required=False, validators=[_bounded])
        self.order_fields(["from", "to", "agency", "skill", "table", "decimal"])

    def clean_skill(self) -> Skill | None:
        skill_id = self.cleaned_data.get("skill")
        if skill_id is None:
            return None
        skill = Skill.objects.filter(pk=skill_id).first()
        if skill is None:
            raise forms.ValidationError(_("No skill has this id."))
        return skill

    def clean_agency(self) -> Agency | None:
        slug = self.cleaned_data.get("agency")
        if not slug:
            return None
        agency = Agency.objects.filter(slug=slug).first()
        if agency is None:
            raise forms.ValidationError(_("No agency has this slug."))
        return agency

    def clean(self) -> dict:
        data = super().clean()
        today = timezone.localdate()
        start = data.get("from") or dt.date(today.year, 1, 1)
        end = data.get("to") or dt.date(today.year, 12, 31)
        if "from" in self.errors or "to" in self.errors:
            return data
        if end < start:
            self.add_error("to", _("The end date must not be before the start date."))
        elif (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("to", _("The period may be at most ten years."))
        else:
            data["period"] = ReportPeriod(start=start, end=end)
        data["table"] = data.get("table") or "summary"
        data["decimal_comma"] = data.get("decimal") == "comma"
        return data
