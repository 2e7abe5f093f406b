"""Words stored as keys (skill names, language codes) in the reader's language."""

from collections.abc import Iterable

from django import template
from django.utils.translation import get_language, get_language_info, gettext_lazy

from marketplace.models import skill_label as _skill_label

register = template.Library()


@register.filter
def skill_label(name: object) -> str:
    return _skill_label(str(name))


# Languages of Sweden that Django's own list lacks.
EXTRA_LANGUAGES = {"se": gettext_lazy("Northern Sami"), "fit": gettext_lazy("Meänkieli")}


def language_name(code: str) -> str:
    """A language code as the reader names the language ("ar": "arabiska", "Arabic")."""
    try:
        name = str(EXTRA_LANGUAGES.get(code) or get_language_info(code)["name_translated"])
    except KeyError:
        return code
    # Swedish writes language names in lower case.
    return name.lower() if get_language() == "sv" else name


@register.filter
def language_names(codes: Iterable[str] | None) -> str:
    return ", ".join(language_name(code) for code in codes or ())
