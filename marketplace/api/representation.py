"""Dates and times as DRF writes them, for serializers that build their rows by hand."""

import datetime as dt

from rest_framework import serializers

_DATETIME = serializers.DateTimeField()


def iso_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def iso_datetime(value: dt.datetime | None) -> str | None:
    """In the current time zone, `Z` for UTC, exactly like `serializers.DateTimeField`."""
    return None if value is None else _DATETIME.to_representation(value)
