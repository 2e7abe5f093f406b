"""Free capacity of a specialist over a period, as piecewise-constant day segments.

On a day d the specialist can lend min(availability(d), max_share) percent, where
availability(d) is the capacity of the window covering d (0 outside every window);
reservations (approved and accepted matches) use it up. Free(d) = that − reserved(d).
"""

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Window:
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


def free_segments(
    *,
    start: date,
    end: date,
    availability: Sequence[Window],
    reservations: Sequence[Window],
    max_share_percent: int,
) -> list[Window]:
    """Split [start, end] into segments of constant free capacity (may be negative)."""
    points = _breakpoints(start, end, [*availability, *reservations])
    segments: list[Window] = []
    for seg_start, next_start in itertools.pairwise(points):
        available = sum(w.percent for w in availability if w.start <= seg_start <= w.end)
        reserved = sum(w.percent for w in reservations if w.start <= seg_start <= w.end)
        free = min(available, max_share_percent) - reserved
        segments.append(Window(seg_start, next_start - timedelta(days=1), free))
    return segments


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
