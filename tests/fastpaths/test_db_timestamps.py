"""Timestamps read back from PostgreSQL are the instants written, aware and in UTC."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from psycopg.pq import Format

from fastpaths.db_timestamps import TIMESTAMPTZ_OID, UTCTimestampLoader
from marketplace.models import Need
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def test_postgresql_connections_read_timestamps_with_the_compiled_loader():
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    assert loader is UTCTimestampLoader


@pytest.mark.parametrize(
    ("written", "stockholm_hour"),
    [
        # Either side of both daylight-saving changes in Sweden, to the microsecond.
        (dt.datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=dt.UTC), 1),
        (dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC), 3),
        (dt.datetime(2026, 10, 25, 0, 59, 59, tzinfo=dt.UTC), 2),
        (dt.datetime(2026, 10, 25, 1, 0, tzinfo=dt.UTC), 2),
        (dt.datetime(1999, 12, 31, 18, 59, tzinfo=dt.timezone(dt.timedelta(hours=-5))), 0),
    ],
)
def test_a_timestamp_reads_back_as_the_instant_written_in_utc(written, stockholm_hour):
    need = factories.NeedFactory()
    Need.objects.filter(pk=need.pk).update(published_at=written)

    read = Need.objects.values_list("published_at", flat=True).get(pk=need.pk)

    assert read == written
    assert read.tzinfo is dt.UTC
    assert read.astimezone(STOCKHOLM).hour == stockholm_hour


def test_a_missing_timestamp_reads_back_as_none():
    need = factories.NeedFactory()
    Need.objects.filter(pk=need.pk).update(published_at=None)

    assert Need.objects.values_list("published_at", flat=True).get(pk=need.pk) is None
