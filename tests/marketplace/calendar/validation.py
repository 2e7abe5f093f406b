"""An iCalendar document checked three ways: a strict parse by `icalendar`, vobject's
RFC 5545 validation (required properties and their counts), and what our events promise."""

import datetime as dt

import vobject
from icalendar import Calendar


def valid_calendar(document: bytes) -> Calendar:
    """The parsed calendar; fails the test on anything a strict reader would refuse."""
    text = document.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n")), "lines must be folded"
    calendar = Calendar.from_ical(document)
    for component in calendar.walk():
        assert not component.errors, component.errors
    vobject.readOne(text, validate=True).validate(raiseException=True)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    for event in calendar.walk("VEVENT"):
        for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "STATUS"):
            assert name in event, f"{name} missing"
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert isinstance(start, dt.date) and not isinstance(start, dt.datetime)
        assert end > start
        assert str(event["STATUS"]) in ("TENTATIVE", "CONFIRMED", "CANCELLED")
    return calendar


def events_by_uid(calendar: Calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}
