"""What each kind of notification says, in Swedish and English.

A notification stores its kind and context, never its text: the text is rendered here
when it is shown (in the reader's current language) or mailed (in the recipient's saved
language). Titles and bodies are `str.format` templates over the event's context; a key
the caller did not pass renders as an empty string rather than failing the whole event.
Context keys ending in `_label` hold an English message id (a status or reason label),
translated into the language being rendered.
"""

import string
from typing import Any

from django.utils import translation

from notifications.kinds import NotificationKind

K = NotificationKind

MESSAGES: dict[str, dict[str, tuple[str, str]]] = {
    K.NEED_PUBLISHED_FIT: {
        "sv": (
            "Nytt behov som passar dig: {need_title}",
            'Behovet "{need_title}" ({start}–{end}, {capacity_percent} %) har '
            "publicerats och matchar din profil.",
        ),
        "en": (
            "A new need fits you: {need_title}",
            'The need "{need_title}" ({start}–{end}, {capacity_percent}%) was '
            "published and fits your profile.",
        ),
    },
    K.MATCH_PROPOSED: {
        "sv": (
            "Förslag att godkänna: {specialist_name} till {need_title}",
            '{specialist_name} föreslås för "{need_title}" ({start}–{end}, '
            "{capacity_percent} %). Förslaget väntar på ditt godkännande.",
        ),
        "en": (
            "Proposal to approve: {specialist_name} for {need_title}",
            '{specialist_name} is proposed for "{need_title}" ({start}–{end}, '
            "{capacity_percent}%). The proposal awaits your approval.",
        ),
    },
    K.MATCH_APPROVED: {
        "sv": (
            "Matchning godkänd: {specialist_name} till {need_title}",
            'Matchningen av {specialist_name} till "{need_title}" ({start}–{end}, '
            "{capacity_percent} %) är godkänd. Specialisten och hemmamyndighetens chef "
            "behöver nu tacka ja.",
        ),
        "en": (
            "Match approved: {specialist_name} for {need_title}",
            'The match of {specialist_name} to "{need_title}" ({start}–{end}, '
            "{capacity_percent}%) is approved. The specialist and their home manager now "
            "need to consent.",
        ),
    },
    K.MATCH_ACCEPTED: {
        "sv": (
            "Uppdrag bekräftat: {specialist_name} till {need_title}",
            '{specialist_name} och hemmamyndigheten har tackat ja till "{need_title}" '
            "({start}–{end}, {capacity_percent} %).",
        ),
        "en": (
            "Engagement confirmed: {specialist_name} for {need_title}",
            '{specialist_name} and their home agency accepted "{need_title}" '
            "({start}–{end}, {capacity_percent}%).",
        ),
    },
    K.MATCH_DECLINED: {
        "sv": (
            "Matchning avböjd: {specialist_name} till {need_title}",
            'Matchningen av {specialist_name} till "{need_title}" har avböjts. '
            "Skäl: {reason_label}",
        ),
        "en": (
            "Match declined: {specialist_name} for {need_title}",
            'The match of {specialist_name} to "{need_title}" was declined. Reason: {reason_label}',
        ),
    },
    K.MATCH_REJECTED: {
        "sv": (
            "Förslaget avslogs: {specialist_name} till {need_title}",
            'Förslaget att låna ut {specialist_name} till "{need_title}" avslogs. Skäl: {reason}',
        ),
        "en": (
            "Proposal rejected: {specialist_name} for {need_title}",
            'The proposal of {specialist_name} for "{need_title}" was rejected. Reason: {reason}',
        ),
    },
    K.MATCH_CANCELLED: {
        "sv": (
            "Matchning avbruten: {specialist_name} till {need_title}",
            'Matchningen av {specialist_name} till "{need_title}" ({start}–{end}) har avbrutits.',
        ),
        "en": (
            "Match cancelled: {specialist_name} for {need_title}",
            'The match of {specialist_name} to "{need_title}" ({start}–{end}) was cancelled.',
        ),
    },
    K.MATCH_CONSENTED: {
        "sv": (
            "Ett ja till {need_title}: {specialist_name}",
            '{consent_label} har sagt ja till att {specialist_name} arbetar med "{need_title}" '
            "({start}–{end}, {capacity_percent} %). Uppdraget bekräftas när båda har sagt ja.",
        ),
        "en": (
            "A yes to {need_title}: {specialist_name}",
            '{consent_label} said yes to {specialist_name} working on "{need_title}" '
            "({start}–{end}, {capacity_percent}%). The engagement is confirmed once both have.",
        ),
    },
    K.MATCH_COMPLETED: {
        "sv": (
            "Uppdrag avslutat: {specialist_name} i {need_title}",
            'Uppdraget för {specialist_name} i "{need_title}" ({start}–{end}) är avslutat '
            "med {hours} timmar. Specialisten kan berätta hur uppdraget var på dess sida.",
        ),
        "en": (
            "Engagement completed: {specialist_name} on {need_title}",
            'The engagement of {specialist_name} on "{need_title}" ({start}–{end}) is completed '
            "with {hours} hours. The specialist can tell how the assignment went on its page.",
        ),
    },
    K.MATCH_NOT_SELECTED: {
        "sv": (
            "En annan kandidat valdes för {need_title}",
            'Behovet "{need_title}" har tillsatts med en annan kandidat. Tack för ditt intresse.',
        ),
        "en": (
            "Another candidate was selected for {need_title}",
            'The need "{need_title}" was filled by another candidate. Thank you for your interest.',
        ),
    },
    K.MATCHING_RUN_DONE: {
        "sv": (
            "Matchningskörningen är klar",
            "Körningen gav {proposals_created} förslag.",
        ),
        "en": (
            "The matching run is done",
            "The run made {proposals_created} proposals.",
        ),
    },
    K.APPROVAL_PENDING_REMINDER: {
        "sv": (
            "Påminnelse: {specialist_name} till {need_title} väntar på godkännande",
            'Förslaget att låna ut {specialist_name} till "{need_title}" har väntat på '
            "godkännande i mer än två arbetsdagar.",
        ),
        "en": (
            "Reminder: {specialist_name} for {need_title} awaits approval",
            'The proposal of {specialist_name} for "{need_title}" has waited for approval '
            "for more than two working days.",
        ),
    },
    K.ENGAGEMENT_STARTING: {
        "sv": (
            "Uppdraget {need_title} börjar {start}",
            '{specialist_name} börjar i "{need_title}" hos {agency_name} den {start} '
            "({capacity_percent} % till och med {end}).",
        ),
        "en": (
            "The engagement {need_title} starts on {start}",
            '{specialist_name} starts on "{need_title}" at {agency_name} on {start} '
            "({capacity_percent}% until {end}).",
        ),
    },
    K.NEED_UNFILLED_AT_START: {
        "sv": (
            "Behovet {need_title} är inte tillsatt vid start",
            'Behovet "{need_title}" skulle börja {start} men har ingen bekräftad specialist.',
        ),
        "en": (
            "The need {need_title} is unfilled at its start",
            'The need "{need_title}" was due to start on {start} but has no confirmed specialist.',
        ),
    },
    K.SAVED_SEARCH_MATCH: {
        "sv": (
            "Ny träff för din sökning ”{search_name}”: {item_title}",
            "{item_title} passar nu din sparade sökning ”{search_name}”.",
        ),
        "en": (
            "New fit for your search “{search_name}”: {item_title}",
            "{item_title} now fits your saved search “{search_name}”.",
        ),
    },
    K.ENGAGEMENT_CHANGE_REQUESTED: {
        "sv": (
            "Ändring begärd: {specialist_name} i {need_title}",
            'Uppdraget "{need_title}" föreslås ändras från {old_start}–{old_end}, '
            "{old_capacity_percent} % till {start}–{end}, {capacity_percent} %. "
            "Ändringen behöver samordnarens godkännande och ja från specialisten och "
            "hemmamyndighetens chef.",
        ),
        "en": (
            "Change requested: {specialist_name} on {need_title}",
            'The engagement "{need_title}" is asked to change from {old_start}–{old_end}, '
            "{old_capacity_percent}% to {start}–{end}, {capacity_percent}%. "
            "The change needs a coordinator's approval and the consent of the specialist "
            "and their home manager.",
        ),
    },
    K.ENGAGEMENT_CHANGED: {
        "sv": (
            "Uppdraget ändrat: {specialist_name} i {need_title}",
            'Uppdraget "{need_title}" gäller nu {start}–{end}, {capacity_percent} % '
            "(tidigare {old_start}–{old_end}, {old_capacity_percent} %).",
        ),
        "en": (
            "Engagement changed: {specialist_name} on {need_title}",
            'The engagement "{need_title}" now runs {start}–{end} at {capacity_percent}% '
            "(before: {old_start}–{old_end} at {old_capacity_percent}%).",
        ),
    },
    K.ENGAGEMENT_CHANGE_DECLINED: {
        "sv": (
            "Ändringen avböjdes: {specialist_name} i {need_title}",
            'Den begärda ändringen av "{need_title}" avböjdes; uppdraget fortsätter '
            "{start}–{end}, {capacity_percent} %. {comment}",
        ),
        "en": (
            "Change declined: {specialist_name} on {need_title}",
            'The requested change to "{need_title}" was declined; the engagement stays '
            "{start}–{end} at {capacity_percent}%. {comment}",
        ),
    },
    K.ENGAGEMENT_ENDED_EARLY: {
        "sv": (
            "Uppdraget avslutas i förtid: {specialist_name} i {need_title}",
            'Uppdraget "{need_title}" avslutas {end} i stället för {old_end}. '
            "Tiden efter {end} är frigjord.",
        ),
        "en": (
            "Engagement ends early: {specialist_name} on {need_title}",
            'The engagement "{need_title}" ends on {end} instead of {old_end}. '
            "The time after {end} is released.",
        ),
    },
    K.DIGEST: {
        "sv": ("Din dagliga sammanfattning ({count})", "Händelser sedan förra sammanfattningen."),
        "en": ("Your daily digest ({count})", "Events since your last digest."),
    },
}

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


_formatter = string.Formatter()


def _render(template: str, context: dict[str, Any]) -> str:
    values = _Blank({key: "" if value is None else value for key, value in context.items()})
    try:
        return _formatter.vformat(template, (), values).strip()
    except (ValueError, IndexError, AttributeError):
        # A malformed value must not lose the event; fall back to the raw template.
        return template


def language_of(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def _labels_translated(context: dict[str, Any], language: str) -> dict[str, Any]:
    if not any(key.endswith("_label") for key in context):
        return context
    with translation.override(language):
        return {
            key: translation.gettext(value)
            if key.endswith("_label") and isinstance(value, str) and value
            else value
            for key, value in context.items()
        }


def message_render(*, kind: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    """Title and body of a kind in a language; unknown kinds use the caller's `title`."""
    templates = MESSAGES.get(kind)
    if templates is None:
        title = str(context.get("title") or kind.replace("_", " ").capitalize())
        return title[:250], ""
    language = language_of(language)
    title, body = templates[language]
    context = _labels_translated(context, language)
    return _render(title, context)[:250], _render(body, context)


def notification_text(
    *, kind: str, context: dict[str, Any], language: str, title: str = "", body: str = ""
) -> tuple[str, str]:
    """What a stored notification says in `language`.

    Rows written before notifications stored only kind and context keep the text they were
    written with (`title`, `body`); every newer row is rendered from its kind and context.
    """
    if title:
        return title, body
    return message_render(kind=kind, language=language, context=context)
