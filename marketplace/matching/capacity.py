"""Free capacity: the one rule, day by day, for one specialist and for all of them at once.

On a day d a specialist can lend min(availability(d), max_share) percent, where
availability(d) is the capacity of the window covering d (0 outside every window);
reservations (approved and accepted matches covering d) use it up:

    free(d) = min(availability(d), max_share) − reserved(d)

and a specialist fits a period asking p percent when free(d) ≥ p on every day d of it.
Periods start and end on any day of the week; nothing here rounds to weeks.

Two forms of the rule live here, plain data in and plain data out:

- `free_segments` and the functions built on it take one specialist's windows as dates
  and give piecewise-constant segments (the approval guard, edits under reservations,
  pages that show "free", the demo data);
- `segments_from_windows` does the same for every specialist at once over NumPy arrays,
  giving the compressed rows (`FreeSegments`) the shortlist index answers from.

`tests/marketplace/matching/test_capacity_rule.py` holds the two equal to a brute-force
day-by-day count.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np


@dataclass(frozen=True)
class Window:
    """A period of constant percent: an availability window, a reservation or a segment."""

    start: date
    end: date  # inclusive
    percent: int


def _breakpoints(start: date, end: date, windows: Iterable[Window]) -> list[date]:
    points = {start, end + timedelta(days=1)}
    for window in windows:
        for point in (window.start, window.end + timedelta(days=1)):
            if start < point <= end:
                points.add(point)
    return sorted(points)


@dataclass(frozen=True)
class CapacitySegment:
    """Days [start, end] on which what the specialist can lend and has reserved stay put."""

    start: date
    end: date
    lendable: int  # min(availability, max share)
    reserved: int

    @property
    def free(self) -> int:
        return self.lendable - self.reserved


def capacity_segments(
    *,
    start: date,
    end: date,
    availability: Sequence[Window],
    reservations: Sequence[Window],
    max_share_percent: int,
) -> list[CapacitySegment]:
    """Split [start, end] into segments of constant lendable and reserved capacity."""
    points = _breakpoints(start, end, [*availability, *reservations])
    segments: list[CapacitySegment] = []
    for seg_start, next_start in itertools.pairwise(points):
        available = sum(w.percent for w in availability if w.start <= seg_start <= w.end)
        reserved = sum(w.percent for w in reservations if w.start <= seg_start <= w.end)
        segments.append(
            CapacitySegment(
                seg_start,
                next_start - timedelta(days=1),
                min(available, max_share_percent),
                reserved,
            )
        )
    return segments


def free_segments(
    *,
    start: date,
    end: date,
    availability: Sequence[Window],
    reservations: Sequence[Window],
    max_share_percent: int,
) -> list[Window]:
    """Split [start, end] into segments of constant free capacity (may be negative)."""
    return [
        Window(segment.start, segment.end, segment.free)
        for segment in capacity_segments(
            start=start,
            end=end,
            availability=availability,
            reservations=reservations,
            max_share_percent=max_share_percent,
        )
    ]


def min_free_percent(
    *,
    start: date,
    end: date,
    availability: Sequence[Window],
    reservations: Sequence[Window],
    max_share_percent: int,
) -> int:
    """The smallest free capacity on any day of [start, end]."""
    return min(
        segment.percent
        for segment in free_segments(
            start=start,
            end=end,
            availability=availability,
            reservations=reservations,
            max_share_percent=max_share_percent,
        )
    )


def capacity_shortfall(
    *,
    start: date,
    end: date,
    asked_percent: int,
    availability: Sequence[Window],
    reservations: Sequence[Window],
    max_share_percent: int,
) -> list[Window]:
    """The segments of [start, end] with less free than asked (empty: the specialist fits)."""
    return [
        segment
        for segment in free_segments(
            start=start,
            end=end,
            availability=availability,
            reservations=reservations,
            max_share_percent=max_share_percent,
        )
        if segment.percent < asked_percent
    ]


def overcommitted_days(
    *,
    availability: Sequence[Window],
    reservations: Sequence[Window],
    max_share_percent: int,
) -> list[Window]:
    """Segments where reservations exceed what the specialist can lend (should be none)."""
    if not reservations:
        return []
    start = min(w.start for w in reservations)
    end = max(w.end for w in reservations)
    return [
        segment
        for segment in free_segments(
            start=start,
            end=end,
            availability=availability,
            reservations=reservations,
            max_share_percent=max_share_percent,
        )
        if segment.percent < 0 and any(r.start <= segment.start <= r.end for r in reservations)
    ]


def broken_by_change(
    *,
    reservations: Sequence[Window],
    availability_before: Sequence[Window],
    availability_after: Sequence[Window],
    max_share_before: int,
    max_share_after: int,
) -> list[Window]:
    """Periods where a change of windows or max share leaves reservations uncovered.

    A day breaks when its free capacity after the change is below zero and below what it
    was before: days already over-committed that do not get worse are not the change's
    doing. Adjacent broken days are joined into one period.
    """
    if not reservations:
        return []
    start = min(w.start for w in reservations)
    end = max(w.end for w in reservations)
    old = free_segments(
        start=start,
        end=end,
        availability=availability_before,
        reservations=reservations,
        max_share_percent=max_share_before,
    )
    new = free_segments(
        start=start,
        end=end,
        availability=availability_after,
        reservations=reservations,
        max_share_percent=max_share_after,
    )
    points = sorted({s.start for s in old} | {s.start for s in new} | {end + timedelta(days=1)})
    broken: list[Window] = []
    for seg_start, next_start in itertools.pairwise(points):
        after = _free_on(new, seg_start)
        if after < 0 and after < _free_on(old, seg_start):
            last = next_start - timedelta(days=1)
            if broken and broken[-1].end + timedelta(days=1) == seg_start:
                broken[-1] = Window(broken[-1].start, last, min(broken[-1].percent, after))
            else:
                broken.append(Window(seg_start, last, after))
    return broken


def _free_on(segments: Sequence[Window], day: date) -> int:
    return next(s.percent for s in segments if s.start <= day <= s.end)


# The same rule for every specialist at once ---------------------------------------------


@dataclass(frozen=True)
class FreeSegments:
    """Every row's free capacity as piecewise-constant segments, days counted from day0.

    Row r's segments are positions `row_start[r]` to `row_start[r + 1]`; segment k starts
    on day `first_day[k]` (the first segment of every row on day 0) and lasts until the
    next one starts, with `free[k]` percent free. A row's last segment runs on without
    end; it is 0 (no window, no reservation), so days past every recorded window count
    as nothing free. `key[k] = row << 32 | first_day[k]`, sorted, finds a row's segment
    covering a day by one binary search for every row at once (for `by_day`, which may
    cover long periods).
    """

    row_start: np.ndarray  # int64 (n + 1,)
    first_day: np.ndarray  # int32 (segments,)
    free: np.ndarray  # int16 (segments,)
    key: np.ndarray  # int64 (segments,)

    @property
    def n_rows(self) -> int:
        return int(self.row_start.shape[0]) - 1

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.row_start, self.first_day, self.free, self.key))

    def covering(self, rows: np.ndarray, day: int) -> np.ndarray:
        """Position of the segment of each row that covers `day` (≥ 0)."""
        return np.searchsorted(self.key, (rows.astype(np.int64) << 32) | day, side="right") - 1

    def range_min(self, rows: np.ndarray, first: int, last: int) -> np.ndarray:
        """Smallest free percent of each row over days [first, last] (0 ≤ first ≤ last).

        Walks every row's few segments in lockstep (one pass per segment of the longest
        row): measured faster than a binary search over all segments' keys for the
        thousands of rows a shortlist checks.
        """
        rows = np.asarray(rows, dtype=np.int64)
        end = self.row_start[rows + 1]
        covering = self.row_start[rows]  # the segment covering `first`, found below
        ahead = covering + 1
        moving = ahead < end
        while moving.any():
            moving &= self.first_day[np.where(moving, ahead, 0)] <= first
            covering = np.where(moving, ahead, covering)
            ahead += 1
            moving &= ahead < end
        least = self.free[covering]
        ahead = covering + 1
        moving = ahead < end
        while moving.any():
            at = np.where(moving, ahead, 0)
            moving &= self.first_day[at] <= last
            least = np.where(moving, np.minimum(least, self.free[at]), least)
            ahead += 1
            moving &= ahead < end
        return least

    def by_day(self, rows: np.ndarray, first: int, last: int) -> np.ndarray:
        """(len(rows), last − first + 1) int16 of each row's free percent on each day."""
        rows = np.asarray(rows, dtype=np.int64)
        width = last - first + 1
        if not len(rows) or width <= 0:
            return np.zeros((len(rows), max(width, 0)), dtype=np.int16)
        since = self.covering(rows, first)
        until = self.covering(rows, last) + 1
        counts = until - since
        # Every segment of every row that meets [first, last], in row order, then how
        # many of those days it covers: repeating each value that often lays the rows
        # out day by day.
        starts = np.repeat(since - np.cumsum(counts) + counts, counts)
        segment = starts + np.arange(int(counts.sum()), dtype=np.int64)
        row_end = np.repeat(self.row_start[rows + 1], counts)
        begin = np.maximum(self.first_day[segment].astype(np.int64), first)
        following = np.where(
            segment + 1 < row_end,
            self.first_day[np.minimum(segment + 1, len(self.first_day) - 1)],
            last + 1,
        )
        days = np.minimum(following.astype(np.int64), last + 1) - begin
        return np.repeat(self.free[segment], days).reshape(len(rows), width)


def empty_segments(n_rows: int) -> FreeSegments:
    """n rows with nothing free on any day."""
    rows = np.arange(n_rows, dtype=np.int64)
    return FreeSegments(
        row_start=np.arange(n_rows + 1, dtype=np.int64),
        first_day=np.zeros(n_rows, dtype=np.int32),
        free=np.zeros(n_rows, dtype=np.int16),
        key=rows << 32,
    )


def segments_from_windows(
    *,
    availability: np.ndarray,
    reservations: np.ndarray,
    max_share: np.ndarray,
) -> FreeSegments:
    """`free_segments` for every row at once, from day 0 on.

    `availability` and `reservations` hold (row, first day, last day, percent), days
    counted from day 0 (the index's `day0`); parts before day 0 are ignored. Events at
    each window's first day and the day after its last are sorted by (row, day); running
    sums give availability and reservations from each event on, and consecutive equal
    values of a row merge into one segment.
    """
    n = len(max_share)

    def events(windows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        windows = np.asarray(windows, dtype=np.int64).reshape(-1, 4)
        windows = windows[windows[:, 2] >= 0]
        first = np.maximum(windows[:, 1], 0)
        rows = np.concatenate([windows[:, 0], windows[:, 0]])
        days = np.concatenate([first, windows[:, 2] + 1])
        delta = np.concatenate([windows[:, 3], -windows[:, 3]])
        return rows, days, delta

    a_rows, a_days, a_delta = events(availability)
    r_rows, r_days, r_delta = events(reservations)
    rows = np.concatenate([np.arange(n, dtype=np.int64), a_rows, r_rows])
    days = np.concatenate([np.zeros(n, dtype=np.int64), a_days, r_days])
    available = np.concatenate([np.zeros(n, dtype=np.int64), a_delta, np.zeros_like(r_delta)])
    reserved = np.concatenate([np.zeros(n, dtype=np.int64), np.zeros_like(a_delta), r_delta])
    order = np.lexsort((days, rows))
    rows, days = rows[order], days[order]
    # Every window's deltas sum to zero within its row, so running sums over all rows
    # start each row at zero.
    available = np.cumsum(available[order])
    reserved = np.cumsum(reserved[order])
    last_of_day = np.ones(len(rows), dtype=bool)
    last_of_day[:-1] = (rows[1:] != rows[:-1]) | (days[1:] != days[:-1])
    rows, days = rows[last_of_day], days[last_of_day]
    free = (
        np.minimum(available[last_of_day], max_share.astype(np.int64)[rows]) - reserved[last_of_day]
    )
    keep = np.ones(len(rows), dtype=bool)
    keep[1:] = (rows[1:] != rows[:-1]) | (free[1:] != free[:-1])
    rows, days, free = rows[keep], days[keep], free[keep]
    return FreeSegments(
        row_start=np.searchsorted(rows, np.arange(n + 1, dtype=np.int64)).astype(np.int64),
        first_day=days.astype(np.int32),
        free=np.clip(free, np.iinfo(np.int16).min, np.iinfo(np.int16).max).astype(np.int16),
        key=(rows << 32) | days,
    )


def replace_rows(base: FreeSegments, rows: np.ndarray, part: FreeSegments) -> FreeSegments:
    """`base` with the given rows' segments taken from `part` (row k of part → rows[k]).

    Rows past `base.n_rows` are appended (rows must then number every row in between).
    The untouched rows are copied as whole runs between the replaced ones, so the cost is
    one pass over the segments, not a sort.
    """
    rows = np.asarray(rows, dtype=np.int64)
    if not len(rows):
        return base
    n_base = base.n_rows
    n = max(n_base, int(rows.max()) + 1)
    lengths = np.zeros(n, dtype=np.int64)
    lengths[:n_base] = np.diff(base.row_start)
    lengths[rows] = np.diff(part.row_start)
    days: list[np.ndarray] = []
    free: list[np.ndarray] = []
    cursor = 0  # the first base row not yet copied
    for k in np.argsort(rows, kind="stable").tolist():
        row = min(int(rows[k]), n_base)
        days.append(base.first_day[base.row_start[cursor] : base.row_start[row]])
        free.append(base.free[base.row_start[cursor] : base.row_start[row]])
        days.append(part.first_day[part.row_start[k] : part.row_start[k + 1]])
        free.append(part.free[part.row_start[k] : part.row_start[k + 1]])
        cursor = min(row + 1, n_base)
    days.append(base.first_day[base.row_start[cursor] :])
    free.append(base.free[base.row_start[cursor] :])
    first_day = np.concatenate(days)
    row_start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=row_start[1:])
    owner = np.repeat(np.arange(n, dtype=np.int64), lengths)
    return FreeSegments(
        row_start=row_start,
        first_day=first_day,
        free=np.concatenate(free),
        key=(owner << 32) | first_day.astype(np.int64),
    )
