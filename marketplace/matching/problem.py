"""The plain data the matching core works on: one need, and every specialist as arrays.

No Django here. `marketplace.selectors.specialist_index` builds these from the database;
tests and benchmarks may build them by hand (`index_from_rows`).

Capacity is kept exact to the day (see `marketplace.matching.capacity`): every row's
free(d) = min(availability(d), max_share) − reserved(d) as piecewise-constant segments
from `day0` (the day the index was built for) on. Days before `day0` are past and not
checked; days past every recorded window have nothing free.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from marketplace.matching.capacity import (
    FreeSegments,
    Window,
    empty_segments,
    segments_from_windows,
)

MAX_LEVEL = 5


@dataclass(frozen=True)
class NeedSpec:
    """One need as the matching core sees it.

    `required` and `nice` hold (skill_id, min_level) pairs; `languages` are language
    codes ("sv", "en"); `region` is a län code or "" for no preference.
    """

    id: int
    agency_id: int
    start: date
    end: date
    capacity_percent: int
    headcount: int = 1
    clearance_required: int = 0
    required: tuple[tuple[int, int], ...] = ()
    nice: tuple[tuple[int, int], ...] = ()
    languages: tuple[str, ...] = ()
    region: str = ""
    remote_ok: bool = True
    allow_own_agency: bool = False


@dataclass
class SpecialistIndex:
    """Every specialist as one row of parallel NumPy arrays.

    `skill_levels[r, skill_column[skill_id]]` is the level 0..5 (0 = does not have it);
    `language_mask[r]` has bit `language_bit[code]` set for each spoken language;
    `region[r]` indexes `region_codes` (code 0 is "", no region); `clearance` is already 0
    for an expired clearance.
    """

    ids: np.ndarray  # int64 (n,)
    agency_ids: np.ndarray  # int64 (n,)
    clearance: np.ndarray  # int8 (n,)
    shareable: np.ndarray  # bool (n,)
    max_share: np.ndarray  # int16 (n,)
    skill_levels: np.ndarray  # int8 (n, n_skills)
    skill_column: dict[int, int]
    language_mask: np.ndarray  # uint64 (n,)
    language_bit: dict[str, int]
    region: np.ndarray  # int16 (n,), index into region_codes
    region_codes: tuple[str, ...]
    remote_ok: np.ndarray  # bool (n,)
    day0: date  # the first day covered: the day the index was built for
    free: FreeSegments  # every row's free percent per day, as segments from day0
    row_of: dict[int, int]
    skill_names: dict[int, str] = field(default_factory=dict)
    version: str = ""

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def _days(self, first: date, last: date) -> tuple[int, int]:
        return (first - self.day0).days, (last - self.day0).days

    def min_free(self, rows: np.ndarray, start: date, end: date) -> np.ndarray:
        """Smallest free percent of each row on any day of [start, end] (int16).

        Days before `day0` are past and ignored; a period wholly in the past has 0 free.
        """
        first, last = self._days(start, end)
        rows = np.asarray(rows, dtype=np.int64)
        if last < max(first, 0):
            return np.zeros(len(rows), dtype=np.int16)
        return self.free.range_min(rows, max(first, 0), last)

    def free_by_day(self, rows: np.ndarray, first: date, last: date) -> np.ndarray:
        """(len(rows), (last − first).days + 1) int16: each row's free percent per day.

        Exact: the same free(d) as `min_free` and `marketplace.matching.capacity`; 0 for
        days before `day0` and past every recorded window.
        """
        rows = np.asarray(rows, dtype=np.int64)
        since, until = self._days(first, last)
        if since >= 0:
            return self.free.by_day(rows, since, until)
        out = np.zeros((len(rows), max(until - since + 1, 0)), dtype=np.int16)
        if until >= max(since, 0):
            out[:, max(since, 0) - since :] = self.free.by_day(rows, max(since, 0), until)
        return out

    def first_short_day(self, row: int, start: date, end: date, asked: int) -> date | None:
        """The first day of [start, end] (from `day0` on) with less than `asked` free.

        As in `min_free`, a period wholly before `day0` has nothing free: its start fails.
        """
        first = max(start, self.day0)
        if end < first:
            return start if asked > 0 else None
        daily = self.free_by_day(np.array([row]), first, end)[0]
        short = np.flatnonzero(daily < asked)
        return first + timedelta(days=int(short[0])) if len(short) else None

    def languages_of(self, row: int) -> list[str]:
        mask = int(self.language_mask[row])
        return [code for code, bit in self.language_bit.items() if mask >> bit & 1]

    def region_of(self, row: int) -> str:
        return self.region_codes[int(self.region[row])]


def language_mask_for(languages: tuple[str, ...] | list[str], language_bit: dict[str, int]) -> int:
    """Bitmask of the given codes; unknown codes (no specialist speaks them) set no bit."""
    mask = 0
    for code in languages:
        bit = language_bit.get(code)
        if bit is not None:
            mask |= 1 << bit
    return mask


def empty_index(*, day0: date) -> SpecialistIndex:
    """An index with no specialists (a fresh installation)."""
    return SpecialistIndex(
        ids=np.zeros(0, dtype=np.int64),
        agency_ids=np.zeros(0, dtype=np.int64),
        clearance=np.zeros(0, dtype=np.int8),
        shareable=np.zeros(0, dtype=bool),
        max_share=np.zeros(0, dtype=np.int16),
        skill_levels=np.zeros((0, 0), dtype=np.int8),
        skill_column={},
        language_mask=np.zeros(0, dtype=np.uint64),
        language_bit={},
        region=np.zeros(0, dtype=np.int16),
        region_codes=("",),
        remote_ok=np.zeros(0, dtype=bool),
        day0=day0,
        free=empty_segments(0),
        row_of={},
    )


@dataclass(frozen=True)
class SpecialistRow:
    """One specialist by hand, for tests and small instances (see `index_from_rows`).

    Availability (before max share) is `windows` when given (even none), else `free`: one
    percent for `days` days from `day0`, or one per day from `day0` (then nothing).
    Approved and accepted matches are `reservations`. Free capacity then follows the rule
    in `marketplace.matching.capacity`.
    """

    id: int
    agency_id: int
    clearance: int = 0
    shareable: bool = True
    max_share: int = 100
    skills: tuple[tuple[int, int], ...] = ()  # (skill_id, level)
    languages: tuple[str, ...] = ("sv",)
    region: str = ""
    remote_ok: bool = True
    free: int | tuple[int, ...] = 100
    windows: tuple[Window, ...] | None = None
    reservations: tuple[Window, ...] = ()


def _availability_of(row: SpecialistRow, day0: date, days: int) -> list[tuple[int, int, int]]:
    """(first day, last day, percent) runs of the row's availability, from day0."""
    if row.windows is not None:
        return [((w.start - day0).days, (w.end - day0).days, w.percent) for w in row.windows]
    if isinstance(row.free, int):
        return [(0, days - 1, row.free)]
    runs: list[tuple[int, int, int]] = []
    for day, percent in enumerate(row.free):
        if runs and runs[-1][2] == percent and runs[-1][1] == day - 1:
            runs[-1] = (runs[-1][0], day, percent)
        else:
            runs.append((day, day, percent))
    return runs


def index_from_rows(
    rows: list[SpecialistRow] | tuple[SpecialistRow, ...],
    *,
    day0: date,
    days: int = 366,
    regions: tuple[str, ...] = (),
    skill_names: dict[int, str] | None = None,
) -> SpecialistIndex:
    """A SpecialistIndex from plain rows (a Python loop: for small instances only).

    `days` is how long an int `free` lasts from `day0`.
    """
    n = len(rows)
    skill_ids = sorted({skill_id for row in rows for skill_id, _level in row.skills})
    skill_column = {skill_id: k for k, skill_id in enumerate(skill_ids)}
    language_bit: dict[str, int] = {}
    for row in rows:
        for code in row.languages:
            language_bit.setdefault(code, len(language_bit))
    region_codes = ("", *dict.fromkeys((*regions, *(r.region for r in rows if r.region))))
    skill_levels = np.zeros((n, len(skill_ids)), dtype=np.int8, order="F")
    availability: list[tuple[int, int, int, int]] = []
    reservations: list[tuple[int, int, int, int]] = []
    for r, row in enumerate(rows):
        for skill_id, level in row.skills:
            skill_levels[r, skill_column[skill_id]] = level
        availability.extend((r, *run) for run in _availability_of(row, day0, days))
        reservations.extend(
            (r, (w.start - day0).days, (w.end - day0).days, w.percent) for w in row.reservations
        )
    max_share = np.array([row.max_share for row in rows], dtype=np.int16)
    return SpecialistIndex(
        ids=np.array([row.id for row in rows], dtype=np.int64),
        agency_ids=np.array([row.agency_id for row in rows], dtype=np.int64),
        clearance=np.array([row.clearance for row in rows], dtype=np.int8),
        shareable=np.array([row.shareable for row in rows], dtype=bool),
        max_share=max_share,
        skill_levels=skill_levels,
        skill_column=skill_column,
        language_mask=np.array(
            [language_mask_for(row.languages, language_bit) for row in rows], dtype=np.uint64
        ),
        language_bit=language_bit,
        region=np.array([region_codes.index(row.region) for row in rows], dtype=np.int16),
        region_codes=region_codes,
        remote_ok=np.array([row.remote_ok for row in rows], dtype=bool),
        day0=day0,
        free=segments_from_windows(
            availability=np.array(availability, dtype=np.int64).reshape(-1, 4),
            reservations=np.array(reservations, dtype=np.int64).reshape(-1, 4),
            max_share=max_share,
        ),
        row_of={row.id: r for r, row in enumerate(rows)},
        skill_names=dict(skill_names or {}),
    )
