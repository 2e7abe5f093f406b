"""PostgreSQL timestamps read by psycopg's compiled loader instead of Django's Python one.

Django (5.2) reads every `timestamptz` through a loader written in Python, so that the
datetime carries the time zone it expects; a list page of needs reads over a hundred,
at about ten times the cost of psycopg's own loader. A connection whose session time
zone is UTC (Django's, with USE_TZ and no database TIME_ZONE) gets exactly those values
from psycopg's loader, aware and in `datetime.timezone.utc`, so such connections use it.
Any other connection keeps Django's.
"""

import datetime as dt
from typing import Any

import psycopg
from django.conf import settings
from django.db.backends.signals import connection_created
from psycopg.adapt import Loader
from psycopg.pq import Format

TIMESTAMPTZ_OID = psycopg.adapters.types["timestamptz"].oid


class UTCTimestampLoader(Loader):
    # What Django's PostgreSQL cursors compare with the connection's time zone: being
    # equal, they keep this loader rather than install Django's on each cursor.
    timezone = dt.UTC

    def __init__(self, oid: int, context: Any = None) -> None:
        super().__init__(oid, context)
        # psycopg's own loader: compiled when psycopg's C implementation is installed.
        stock = psycopg.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        self.load = stock(oid, context).load  # type: ignore[method-assign]

    def load(self, data: Any) -> dt.datetime:  # replaced per instance in __init__
        raise NotImplementedError


def use_compiled_timestamp_loader(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor != "postgresql" or not settings.USE_TZ:
        return
    if connection.timezone != dt.UTC:
        return
    if connection.connection.info.parameter_status("TimeZone") != "UTC":
        return
    connection.connection.adapters.register_loader(TIMESTAMPTZ_OID, UTCTimestampLoader)


def connect_timestamp_loader() -> None:
    connection_created.connect(use_compiled_timestamp_loader, dispatch_uid="utc_timestamp_loader")
