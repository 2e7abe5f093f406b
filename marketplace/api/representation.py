"""Dates and times as DRF writes them, for serializers that build their rows by hand."""

import datetime as dt

from django.utils import timezone
from rest_framework import serializers

_DATETIME = serializers.DateTimeField()


def iso_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def iso_datetime(value: dt.datetime | None, zone: dt.tzinfo | None = None) -> str | None:
    """In `zone` (the current time zone unless given), `Z` for UTC, exactly like
    `serializers.DateTimeField`. A page of rows passes the zone it looked up once: the
    lookup costs more than the formatting."""
    if value is None:
        return None
    if timezone.is_naive(value):
        return _DATETIME.to_representation(value)
    # DRF's own path for an aware value, without its per-call settings lookups.
    text = value.astimezone(zone or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
