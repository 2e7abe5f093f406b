"""How long a text and how many entries a list may be, in every form and API body.

Every text and list a person types reaches other people's pages (the needs board, the
directory) and the exports; bounds keep one input from weighing down everyone's page.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 10_000  # a need's description
SUMMARY_MAX_LENGTH = 5_000  # a specialist's summary
COMMENT_MAX_LENGTH = 4_000  # completion and feedback comments, reasons
LANGUAGES_MAX_ITEMS = 20
SKILLS_MAX_ITEMS = 50
CRITERIA_MAX_ITEMS = 20  # a saved search's query parameters
CRITERION_MAX_LENGTH = 200

# Dates anything can be about: the product's history and a lifetime of plans, nothing that
# makes date arithmetic overflow (9999-12-31 + 1 day) or fills a calendar with centuries.
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
DATE_RANGE_MESSAGE = "Give a date from 2000-01-01 to 2100-12-31."


def date_in_range(value: dt.date | dt.datetime | None) -> bool:
    if value is None:
        return True
    day = value.date() if isinstance(value, dt.datetime) else value
    return FIRST_DAY <= day <= LAST_DAY


def date_range_errors(**dates: dt.date | None) -> dict[str, list[str]]:
    """Field errors for the given dates outside FIRST_DAY–LAST_DAY."""
    return {name: [DATE_RANGE_MESSAGE] for name, value in dates.items() if not date_in_range(value)}


def validate_date_in_range(value: dt.date | dt.datetime | None) -> None:
    """A form field validator (filters, web forms)."""
    if not date_in_range(value):
        raise ValidationError(
            _("Give a date from %(first)s to %(last)s."),
            params={"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
        )
