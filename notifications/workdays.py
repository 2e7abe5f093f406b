"""Working days in Sweden: Monday to Friday except public holidays."""

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[dt.date]:
    # `include_sundays=False`: the package counts every Sunday as a holiday by default.
    return frozenset(holidays.country_holidays("SE", years=year, include_sundays=False))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (negative if `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (before it when negative)."""
    step = dt.timedelta(days=1 if days >= 0 else -1)
    day = start
    remaining = abs(days)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day
