"""Score breakdowns and exclusions in the request's language, for the API, web and services."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import formats
from django.utils.translation import gettext, ngettext

from marketplace.matching.explain import describe_breakdown, describe_exclusion
from marketplace.matching.shortlist import Exclusion
from marketplace.models import Clearance, Region


def breakdown_in_words(breakdown: Mapping[str, Any] | None) -> list[str]:
    """Phrases for the page; empty when the match carries no breakdown to explain."""
    if not breakdown or "free_percent" not in breakdown:
        return []
    return describe_breakdown(
        breakdown, region_names=dict(Region.choices), gettext=gettext, ngettext=ngettext
    )


def date_in_words(day: dt.date) -> str:
    """A date as the request's language writes it ("4 januari 2027", "Jan. 4, 2027")."""
    return formats.date_format(day, "DATE_FORMAT")


def exclusions_in_words(exclusions: list[Exclusion]) -> list[str]:
    """Why each hard constraint excludes the specialist, in the request's language."""
    names = {value: str(label) for value, label in Clearance.choices}
    return [
        describe_exclusion(
            item,
            clearance_names=names,
            gettext=gettext,
            ngettext=ngettext,
            format_date=date_in_words,
        )
        for item in exclusions
    ]
