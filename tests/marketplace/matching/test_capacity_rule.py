"""The free-capacity rule's two forms against a brute-force day-by-day count.

free(d) = min(availability(d), max_share) − reserved(d); a specialist fits a period when
free(d) ≥ asked on every day. The plain form (`free_segments` and friends) serves the
approval guard and the edits; the vectorised form (`FreeSegments` in the shortlist index)
serves the shortlist, `?explain=` and the global run (`free_by_day`).
"""

from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.matching.capacity import (
    Window,
    capacity_shortfall,
    free_segments,
    min_free_percent,
    replace_rows,
    segments_from_windows,
)
from marketplace.matching.problem import SpecialistRow, index_from_rows

DAY0 = date(2027, 1, 1)  # a Friday; periods below start on every weekday


def day(offset: int) -> date:
    return DAY0 + timedelta(days=offset)


@st.composite
def specialists(draw):
    """Non-overlapping availability windows, any reservations, a max share."""
    cuts = sorted(draw(st.lists(st.integers(-10, 120), min_size=0, max_size=6, unique=True)))
    windows = []
    for first, last in zip(cuts[0::2], cuts[1::2], strict=False):
        windows.append(Window(day(first), day(last), draw(st.integers(1, 100))))
    reservations = []
    for _ in range(draw(st.integers(0, 3))):
        first = draw(st.integers(-10, 120))
        reservations.append(
            Window(day(first), day(first + draw(st.integers(0, 40))), draw(st.integers(1, 60)))
        )
    return windows, reservations, draw(st.integers(1, 100))


periods = st.tuples(st.integers(0, 120), st.integers(0, 60), st.integers(1, 100))


def brute_free(windows, reservations, max_share, first: date, last: date) -> list[int]:
    out = []
    for k in range((last - first).days + 1):
        d = first + timedelta(days=k)
        available = sum(w.percent for w in windows if w.start <= d <= w.end)
        reserved = sum(r.percent for r in reservations if r.start <= d <= r.end)
        out.append(min(available, max_share) - reserved)
    return out


def index_of(people):
    return index_from_rows(
        [
            SpecialistRow(
                id=k + 1, agency_id=1, max_share=ms, windows=tuple(w), reservations=tuple(r)
            )
            for k, (w, r, ms) in enumerate(people)
        ],
        day0=DAY0,
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(specialists(), min_size=1, max_size=5), periods)
def test_both_forms_of_the_rule_agree_with_a_day_by_day_count(people, period):
    offset, length, asked = period
    start, end = day(offset), day(offset + length)
    index = index_of(people)
    rows = np.arange(len(people))
    by_day = index.free_by_day(rows, start, end)
    least = index.min_free(rows, start, end)
    for row, (windows, reservations, max_share) in enumerate(people):
        brute = brute_free(windows, reservations, max_share, start, end)
        plain = min_free_percent(
            start=start,
            end=end,
            availability=windows,
            reservations=reservations,
            max_share_percent=max_share,
        )
        shortfall = capacity_shortfall(
            start=start,
            end=end,
            asked_percent=asked,
            availability=windows,
            reservations=reservations,
            max_share_percent=max_share,
        )
        assert by_day[row].tolist() == brute
        assert int(least[row]) == plain == min(brute)
        assert (shortfall == []) == all(free >= asked for free in brute)
        short = [k for k, free in enumerate(brute) if free < asked]
        expected = day(offset + short[0]) if short else None
        assert index.first_short_day(row, start, end, asked) == expected


@settings(max_examples=100, deadline=None)
@given(specialists(), st.integers(-20, 0), st.integers(0, 30))
def test_days_before_day0_are_not_held_and_count_as_nothing_free(person, before, after):
    index = index_of([person])
    daily = index.free_by_day(np.array([0]), day(before), day(after))[0]
    assert daily[:-before].tolist() == [0] * -before
    windows, reservations, max_share = person
    assert daily[-before:].tolist() == brute_free(
        windows, reservations, max_share, DAY0, day(after)
    )


@settings(max_examples=100, deadline=None)
@given(specialists())
def test_segments_are_the_plain_rules_segments_from_day0_on(person):
    windows, reservations, max_share = person
    index = index_of([person])
    plain = free_segments(
        start=DAY0,
        end=day(200),
        availability=windows,
        reservations=reservations,
        max_share_percent=max_share,
    )
    merged: list[Window] = []
    for segment in plain:  # the plain form may split where free does not change
        if merged and merged[-1].percent == segment.percent:
            merged[-1] = Window(merged[-1].start, segment.end, segment.percent)
        else:
            merged.append(segment)
    starts = [day(int(d)) for d in index.free.first_day]
    assert starts[: len(merged)] == [segment.start for segment in merged]
    assert index.free.free[: len(merged)].tolist() == [segment.percent for segment in merged]


@settings(max_examples=100, deadline=None)
@given(st.lists(specialists(), min_size=2, max_size=5), st.data())
def test_replacing_rows_equals_building_them_afresh(people, data):
    changed = data.draw(st.lists(st.sampled_from(range(len(people))), unique=True, min_size=1))
    fresh = [data.draw(specialists()) if k in changed else p for k, p in enumerate(people)]

    def arrays(group):
        avail = [
            (k, (w.start - DAY0).days, (w.end - DAY0).days, w.percent)
            for k, (ws, _r, _m) in enumerate(group)
            for w in ws
        ]
        res = [
            (k, (w.start - DAY0).days, (w.end - DAY0).days, w.percent)
            for k, (_w, rs, _m) in enumerate(group)
            for w in rs
        ]
        return segments_from_windows(
            availability=np.array(avail, dtype=np.int64).reshape(-1, 4),
            reservations=np.array(res, dtype=np.int64).reshape(-1, 4),
            max_share=np.array([m for _w, _r, m in group]),
        )

    patched = replace_rows(arrays(people), np.array(changed), arrays([fresh[k] for k in changed]))
    rebuilt = arrays(fresh)
    for name in ("row_start", "first_day", "free", "key"):
        assert getattr(patched, name).tolist() == getattr(rebuilt, name).tolist()
