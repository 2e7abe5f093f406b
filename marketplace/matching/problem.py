"""The plain data the matching core works on: one need, and every specialist as arrays.

No Django here. `marketplace.matching.loader` builds these from the database; tests and
benchmarks may build them by hand.

Capacity is kept per ISO week, counted at the week's worst day: `free_by_week[r, w]` is
the smallest free percent of specialist row `r` on any day of week `w` (week 0 starts on
the Monday `week0`), where free(d) = min(availability(d), max_share) − reserved(d) and
reserved(d) sums the specialist's approved and accepted matches covering d. A need is
then checked against every week its period touches, which is exact at week granularity
and never optimistic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

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
    week0: date  # a Monday
    free_by_week: np.ndarray  # int16 (n, n_weeks)
    row_of: dict[int, int]
    skill_names: dict[int, str] = field(default_factory=dict)
    version: str = ""

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    @property
    def n_weeks(self) -> int:
        return int(self.free_by_week.shape[1])

    def week_of(self, day: date) -> int:
        """Week column of a day (may be negative or past the horizon)."""
        return (day - self.week0).days // 7

    def week_span(self, start: date, end: date) -> tuple[int, int]:
        """Half-open week columns [first, last) that the period [start, end] touches."""
        return self.week_of(start), self.week_of(end) + 1

    def min_free(self, rows: np.ndarray, start: date, end: date) -> np.ndarray:
        """Smallest free percent over [start, end] for the given rows (int16).

        Weeks before `week0` are in the past and ignored; weeks past the horizon count
        as 0 free, since nobody has availability recorded there.
        """
        first, last = self.week_span(start, end)
        first = max(first, 0)
        if last <= first:  # the whole period lies in the past
            return np.zeros(len(rows), dtype=np.int16)
        if last > self.n_weeks:
            return np.zeros(len(rows), dtype=np.int16)
        return self.free_by_week[rows, first:last].min(axis=1)

    # TEMPORARY (issue 17, m17b): m17a's day-level index replaces this; drop at merge.
    @property
    def day0(self) -> date:
        return self.week0

    def free_by_day(self, rows: np.ndarray, first: date, last: date) -> np.ndarray:
        day = np.arange((first - self.week0).days, (last - self.week0).days + 1)
        inside = (day >= 0) & (day < 7 * self.n_weeks)
        out = np.zeros((len(rows), day.shape[0]), dtype=np.int16)
        out[:, inside] = self.free_by_week[np.asarray(rows)[:, None], day[inside] // 7]
        return out

    def languages_of(self, row: int) -> list[str]:
        mask = int(self.language_mask[row])
        return [code for code, bit in self.language_bit.items() if mask >> bit & 1]

    def region_of(self, row: int) -> str:
        return self.region_codes[int(self.region[row])]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def language_mask_for(languages: tuple[str, ...] | list[str], language_bit: dict[str, int]) -> int:
    """Bitmask of the given codes; unknown codes (no specialist speaks them) set no bit."""
    mask = 0
    for code in languages:
        bit = language_bit.get(code)
        if bit is not None:
            mask |= 1 << bit
    return mask


def empty_index(*, week0: date, n_weeks: int = 1) -> SpecialistIndex:
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
        week0=monday_of(week0),
        free_by_week=np.zeros((0, n_weeks), dtype=np.int16),
        row_of={},
    )


@dataclass(frozen=True)
class SpecialistRow:
    """One specialist by hand, for tests and small instances (see `index_from_rows`).

    `free` is the free percent before max share: one number for every week, or one per
    week from `week0`.
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


def index_from_rows(
    rows: list[SpecialistRow] | tuple[SpecialistRow, ...],
    *,
    week0: date,
    n_weeks: int = 52,
    regions: tuple[str, ...] = (),
    skill_names: dict[int, str] | None = None,
) -> SpecialistIndex:
    """A SpecialistIndex from plain rows (a Python loop: for small instances only)."""
    n = len(rows)
    skill_ids = sorted({skill_id for row in rows for skill_id, _level in row.skills})
    skill_column = {skill_id: k for k, skill_id in enumerate(skill_ids)}
    language_bit: dict[str, int] = {}
    for row in rows:
        for code in row.languages:
            language_bit.setdefault(code, len(language_bit))
    region_codes = ("", *dict.fromkeys((*regions, *(r.region for r in rows if r.region))))
    skill_levels = np.zeros((n, len(skill_ids)), dtype=np.int8, order="F")
    free_by_week = np.zeros((n, n_weeks), dtype=np.int16)
    for r, row in enumerate(rows):
        for skill_id, level in row.skills:
            skill_levels[r, skill_column[skill_id]] = level
        weekly = np.full(n_weeks, row.free) if isinstance(row.free, int) else np.array(row.free)
        free_by_week[r, : len(weekly)] = np.minimum(weekly[:n_weeks], row.max_share)
    return SpecialistIndex(
        ids=np.array([row.id for row in rows], dtype=np.int64),
        agency_ids=np.array([row.agency_id for row in rows], dtype=np.int64),
        clearance=np.array([row.clearance for row in rows], dtype=np.int8),
        shareable=np.array([row.shareable for row in rows], dtype=bool),
        max_share=np.array([row.max_share for row in rows], dtype=np.int16),
        skill_levels=skill_levels,
        skill_column=skill_column,
        language_mask=np.array(
            [language_mask_for(row.languages, language_bit) for row in rows], dtype=np.uint64
        ),
        language_bit=language_bit,
        region=np.array([region_codes.index(row.region) for row in rows], dtype=np.int16),
        region_codes=region_codes,
        remote_ok=np.array([row.remote_ok for row in rows], dtype=bool),
        week0=monday_of(week0),
        free_by_week=free_by_week,
        row_of={row.id: r for r, row in enumerate(rows)},
        skill_names=dict(skill_names or {}),
    )
