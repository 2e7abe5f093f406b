"""A match's or candidate's score breakdown in the request's language."""

from collections.abc import Mapping
from typing import Any

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


def exclusions_in_words(exclusions: list[Exclusion]) -> list[str]:
    names = {value: str(label) for value, label in Clearance.choices}
    return [
        describe_exclusion(item, clearance_names=names, gettext=gettext, ngettext=ngettext)
        for item in exclusions
    ]
