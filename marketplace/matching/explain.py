"""Breakdowns and exclusions in words a manager understands.

No Django here: the caller passes its `gettext`/`ngettext` (Django's, for the request
language); the defaults give the English source text. The literals below are written
as `gettext(...)`/`ngettext(...)` calls so `makemessages` finds them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from marketplace.matching.shortlist import (
    CAPACITY,
    CLEARANCE,
    MAX_SHARE,
    OWN_AGENCY,
    REQUIRED_SKILL,
    SHAREABLE,
    Exclusion,
)

Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]
DateFormat = Callable[[date], str]


def _english(message: str) -> str:
    return message


def _english_plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def language_names(gettext: Gettext = _english) -> dict[str, str]:
    """Names of the common language codes; compute once per request, not per candidate."""
    return {
        "sv": gettext("Swedish"),
        "en": gettext("English"),
        "fi": gettext("Finnish"),
        "de": gettext("German"),
        "fr": gettext("French"),
        "es": gettext("Spanish"),
        "ar": gettext("Arabic"),
        "se": gettext("Northern Sami"),
    }


def _join(items: list[str], gettext: Gettext) -> str:
    if len(items) <= 1:
        return "".join(items)
    return gettext("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def describe_breakdown(
    breakdown: Mapping[str, Any],
    *,
    region_names: Mapping[str, str] | None = None,
    languages: Mapping[str, str] | None = None,
    gettext: Gettext = _english,
    ngettext: Ngettext = _english_plural,
) -> list[str]:
    """One short phrase per fact of a candidate's breakdown, most important first."""
    phrases: list[str] = []
    required = breakdown.get("required", [])
    if required:
        phrases.append(
            ngettext(
                "meets the required skill",
                "meets all %(count)d required skills",
                len(required),
            )
            % {"count": len(required)}
        )
        for skill in required:
            above = skill["level"] - skill["min_level"]
            if above > 0:
                phrases.append(
                    ngettext(
                        "%(skill)s %(count)d level above the minimum",
                        "%(skill)s %(count)d levels above the minimum",
                        above,
                    )
                    % {"skill": skill["skill"], "count": above}
                )
    nice = breakdown.get("nice", [])
    if nice:
        present = [skill["skill"] for skill in nice if skill["level"] > 0]
        phrase = ngettext(
            "has %(count)d of %(total)d nice-to-have skill",
            "has %(count)d of %(total)d nice-to-have skills",
            len(nice),
        ) % {"count": len(present), "total": len(nice)}
        if present:
            phrase += f" ({', '.join(present)})"
        phrases.append(phrase)
    phrases.append(
        gettext("free %(free)d%% of the asked %(asked)d%% for the whole period")
        % {"free": breakdown["free_percent"], "asked": breakdown["asked_percent"]}
    )
    asked = breakdown.get("languages_asked", [])
    if asked:
        names = languages if languages is not None else language_names(gettext)
        matched = breakdown.get("languages_matched", [])
        missing = [code for code in asked if code not in matched]
        if matched:
            phrases.append(
                gettext("speaks %(languages)s")
                % {"languages": _join([names.get(c, c) for c in matched], gettext)}
            )
        if missing:
            phrases.append(
                gettext("does not speak %(languages)s")
                % {"languages": _join([names.get(c, c) for c in missing], gettext)}
            )
    need_region = breakdown.get("need_region", "")
    if need_region:
        regions = region_names or {}
        region = breakdown.get("region", "")
        if region == need_region:
            phrases.append(
                gettext("based in %(region)s, as asked") % {"region": regions.get(region, region)}
            )
        elif breakdown.get("remote"):
            phrases.append(
                gettext("based elsewhere (%(region)s), can work remotely")
                % {"region": regions.get(region, region) or "–"}
            )
        else:
            phrases.append(
                gettext("based elsewhere (%(region)s), remote work not possible")
                % {"region": regions.get(region, region) or "–"}
            )
    return phrases


def explain_breakdown(breakdown: Mapping[str, Any], **kwargs: Any) -> str:
    """The breakdown as one sentence, phrases separated by semicolons."""
    return "; ".join(describe_breakdown(breakdown, **kwargs))


def describe_exclusion(
    exclusion: Exclusion,
    *,
    clearance_names: Mapping[int, str] | None = None,
    gettext: Gettext = _english,
    ngettext: Ngettext = _english_plural,
    format_date: DateFormat = date.isoformat,
) -> str:
    """Why one hard constraint excludes the specialist (dates through `format_date`)."""
    facts = exclusion.facts
    names = clearance_names or {}
    if exclusion.constraint == CLEARANCE:
        return gettext(
            "security clearance %(has)s is below the required %(required)s"
            " (an expired clearance counts as none)"
        ) % {
            "has": names.get(facts["has"], facts["has"]),
            "required": names.get(facts["required"], facts["required"]),
        }
    if exclusion.constraint == REQUIRED_SKILL:
        if facts["level"] == 0:
            return gettext("lacks the required skill %(skill)s (level %(min)d asked)") % {
                "skill": facts["skill"],
                "min": facts["min_level"],
            }
        return gettext("%(skill)s at level %(level)d, below the required %(min)d") % {
            "skill": facts["skill"],
            "level": facts["level"],
            "min": facts["min_level"],
        }
    if exclusion.constraint == CAPACITY:
        return gettext("only %(free)d%% free on %(day)s (the period asks %(asked)d%%)") % {
            "free": facts["free_on_day"],
            "day": format_date(date.fromisoformat(facts["day"])),
            "asked": facts["asked_percent"],
        }
    if exclusion.constraint == SHAREABLE:
        return gettext("not marked shareable by their agency")
    if exclusion.constraint == MAX_SHARE:
        return gettext("lends at most %(max)d%% of their time, %(asked)d%% asked") % {
            "max": facts["max_share"],
            "asked": facts["asked_percent"],
        }
    if exclusion.constraint == OWN_AGENCY:
        return gettext("works at the need's own agency, and the need asks for another agency")
    return gettext("not found among the specialists")
