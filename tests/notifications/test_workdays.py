import datetime as dt

from notifications.workdays import add_working_days, is_working_day, working_days_between

THU_30_APRIL = dt.date(2026, 4, 30)
MAY_DAY = dt.date(2026, 5, 1)  # a Friday
MON_4_MAY = dt.date(2026, 5, 4)


def test_weekends_are_not_working_days():
    assert not is_working_day(dt.date(2026, 5, 2))
    assert not is_working_day(dt.date(2026, 5, 3))


def test_swedish_public_holiday_is_not_a_working_day():
    assert not is_working_day(MAY_DAY)
    assert not is_working_day(dt.date(2026, 5, 14))  # Ascension Day, a Thursday
    assert not is_working_day(dt.date(2026, 12, 25))


def test_working_days_between_skips_weekend_and_may_day():
    assert working_days_between(THU_30_APRIL, MON_4_MAY) == 1


def test_working_days_between_counts_a_plain_week():
    assert working_days_between(dt.date(2026, 11, 23), dt.date(2026, 11, 30)) == 5


def test_working_days_between_is_negative_backwards():
    assert working_days_between(MON_4_MAY, THU_30_APRIL) == -1


def test_add_working_days_skips_a_holiday_backwards_and_forwards():
    assert add_working_days(MON_4_MAY, -1) == THU_30_APRIL
    assert add_working_days(THU_30_APRIL, 1) == MON_4_MAY
    assert add_working_days(MON_4_MAY, 0) == MON_4_MAY


def test_easter_is_skipped():
    # Good Friday 3 April and Easter Monday 6 April 2026.
    assert add_working_days(dt.date(2026, 4, 2), 1) == dt.date(2026, 4, 7)
