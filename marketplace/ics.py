"""Engagements as iCalendar (RFC 5545), written with the `icalendar` library.

One event per match, whole days from its start to its end. The UID is the match's own
(`match-<id>@<host>`), so a calendar that subscribed updates the event when the match
changes (LAST-MODIFIED and SEQUENCE grow with it) instead of adding another; a cancelled
one stays, marked STATUS:CANCELLED. Events are TRANSPARENT: a part-time engagement does
not make the whole day busy. Texts are in the reader's language.
"""

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from accounts.models import User
from marketplace.models import Match, MatchStatus

PRODID = "-//Delad kompetens//Engagements 1.0//SV"
REFRESH = dt.timedelta(hours=1)
EVENT_STATUS = {
    MatchStatus.PROPOSED: "TENTATIVE",
    MatchStatus.APPROVED: "TENTATIVE",
    MatchStatus.ACCEPTED: "CONFIRMED",
    MatchStatus.COMPLETED: "CONFIRMED",
    MatchStatus.REJECTED: "CANCELLED",
    MatchStatus.DECLINED: "CANCELLED",
    MatchStatus.CANCELLED: "CANCELLED",
}


def match_uid(match: Match) -> str:
    return f"match-{match.pk}@{urlsplit(settings.SITE_URL).hostname or 'delad-kompetens'}"


def _summary(match: Match, reader: User) -> str:
    values = {
        "need": match.need.title,
        "agency": match.need.agency.name,
        "specialist": match.specialist.user.name,
        "home": match.specialist.agency.name,
        "percent": match.capacity_percent,
    }
    if reader.is_manager and reader.agency_id == match.need_agency_id:
        text = _("Borrowed: %(specialist)s (%(home)s) – %(need)s, %(percent)s %%")
    elif reader.is_manager and reader.agency_id == match.specialist_agency_id:
        text = _("Lent: %(specialist)s to %(agency)s – %(need)s, %(percent)s %%")
    elif match.specialist.user_id == reader.pk:
        text = _("%(need)s at %(agency)s, %(percent)s %%")
    else:
        text = _("%(specialist)s – %(need)s, %(percent)s %%")
    return text % values


def _description(match: Match, link: str) -> str:
    lines = [
        _("Need: %(title)s") % {"title": match.need.title},
        _("Borrowing agency: %(agency)s") % {"agency": match.need.agency.name},
        _("Specialist: %(name)s (%(agency)s)")
        % {"name": match.specialist.user.name, "agency": match.specialist.agency.name},
        _("Share of full time: %(percent)s %%") % {"percent": match.capacity_percent},
        _("Period: %(start)s–%(end)s")
        % {"start": match.start.isoformat(), "end": match.end.isoformat()},
        _("Status: %(status)s") % {"status": match.get_status_display()},
        link,
    ]
    return "\n".join(lines)


def match_event(match: Match, reader: User) -> Event:
    """The match as one all-day event, as `reader` should read it."""
    link = settings.SITE_URL.rstrip("/") + f"/matches/{match.pk}/"
    changed = match.updated_at.astimezone(dt.UTC)
    event = Event()
    event.add("uid", match_uid(match))
    event.add("dtstamp", changed)
    event.add("created", match.created_at.astimezone(dt.UTC))
    event.add("last-modified", changed)
    # Grows with every change of the match: calendars replace the event they hold.
    event.add("sequence", getattr(match, "revision", 0))
    event.add("dtstart", match.start)
    event.add("dtend", match.end + dt.timedelta(days=1))  # exclusive, as RFC 5545 has it
    event.add("summary", _summary(match, reader))
    event.add("description", _description(match, link))
    event.add("url", link)
    event.add("status", EVENT_STATUS[match.status])
    event.add("transp", "TRANSPARENT")
    return event


def calendar_render(
    matches: Iterable[Match], *, reader: User, language: str | None = None
) -> bytes:
    """An iCalendar document of `matches` for `reader`, in `language` (else theirs)."""
    with translation.override(language or reader.language or settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("Delad kompetens: engagements"))
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", REFRESH)
        for match in matches:
            calendar.add_component(match_event(match, reader))
        return calendar.to_ical()


def ics_response(document: bytes, *, filename: str | None = None) -> HttpResponse:
    """An iCalendar answer; a download when `filename` is given. Never kept by proxies:
    a calendar link carries its secret in the URL."""
    response = HttpResponse(document, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-cache"
    return response


def match_filename(match: Match) -> str:
    return f"delad-kompetens-match-{match.pk}.ics"
