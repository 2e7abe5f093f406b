"""The services' fixed messages, shown in the request's language on the web pages.

The services speak English (the API's language). The fixed messages a web user can meet
are listed here with `gettext_noop` so `makemessages` collects them and the Swedish
catalogue translates them; messages with values in them stay in English.
"""

from django.utils.translation import gettext, gettext_noop

from accounts.errors import DomainError

SERVICE_MESSAGES = (
    gettext_noop("The need's start date has passed; move it before publishing."),
    gettext_noop("The specialist has already consented to this match."),
    gettext_noop("The specialist's release has already been given for this match."),
    gettext_noop("This specialist already has an active match for this need."),
    gettext_noop("A minimum level must be between 1 and 5."),
    gettext_noop("A skill level must be between 1 and 5."),
    gettext_noop("A title is required."),
    gettext_noop("At least one specialist must be asked for."),
    gettext_noop("Each skill may be listed only once."),
    gettext_noop("Must be between 1 and 100."),
    gettext_noop("Say why the match is rejected."),
    gettext_noop("The end date may not be before the start date."),
    gettext_noop("The start date may not be in the past."),
    gettext_noop("Unknown clearance class."),
    gettext_noop("Unknown region."),
)


def in_request_language(message: object) -> str:
    """The message translated when the catalogue knows it, else as the service wrote it."""
    return gettext(str(message))


def error_text(error: DomainError) -> str:
    """A rule violation as one line for a page message: its field messages, else its message."""
    texts = [in_request_language(m) for values in error.field_errors.values() for m in values]
    return " ".join(texts) or in_request_language(error.message)
