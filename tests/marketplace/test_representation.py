"""Hand-written rows write dates and times exactly as DRF's own fields would."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from rest_framework import serializers

from marketplace.api.representation import iso_date, iso_datetime

DRF = serializers.DateTimeField()
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2027, 1, 15, 8, 30, tzinfo=dt.UTC),  # winter: +01:00
        dt.datetime(2027, 7, 1, 23, 59, 59, 123456, tzinfo=dt.UTC),  # summer: +02:00
        dt.datetime(2027, 3, 28, 1, 30, tzinfo=dt.UTC),  # the hour clocks go forward
        dt.datetime(2027, 10, 31, 0, 30, tzinfo=STOCKHOLM),
        dt.datetime(2027, 5, 4, 12, 0),  # naive
    ],
)
@pytest.mark.parametrize("zone", ["Europe/Stockholm", "UTC"])
def test_datetimes_equal_drfs(value, zone):
    with timezone.override(zone):
        assert iso_datetime(value) == DRF.to_representation(value)


def test_utc_is_written_with_z():
    with timezone.override("UTC"):
        assert iso_datetime(dt.datetime(2027, 1, 1, tzinfo=dt.UTC)) == "2027-01-01T00:00:00Z"


def test_no_value_is_none():
    assert iso_datetime(None) is None
    assert iso_date(None) is None


@pytest.mark.parametrize("zone", ["Europe/Stockholm", "UTC"])
def test_a_zone_looked_up_once_writes_what_the_current_zone_would(zone):
    value = dt.datetime(2027, 7, 1, 23, 59, 59, 123456, tzinfo=dt.UTC)
    with timezone.override(zone):
        assert iso_datetime(value, timezone.get_current_timezone()) == DRF.to_representation(value)
