"""The Django side of matching: database rows in, `SpecialistIndex` and `NeedSpec` out.

The index for every specialist is built in one pass of five bulk queries (specialists,
their skill levels, skill names, availability windows, reserving matches) and kept warm
in this process. Its freshness is a version number in Django's cache, shared by every
process: `matching_index_invalidate()` bumps it after a write to specialists, skills,
availability or reserving matches, and the next reader rebuilds. The key also carries
today's date, since expired clearances and the first week move with it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from datetime import date

import numpy as np
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from marketplace.matching.problem import NeedSpec, SpecialistIndex, monday_of
from marketplace.models import (
    RESERVING_MATCH_STATUSES,
    Availability,
    Match,
    Need,
    Region,
    Skill,
    Specialist,
    SpecialistSkill,
)

VERSION_KEY = "matching:index:version"
CHANGE_KEY = "matching:index:change:{version}"
CHANGE_TTL_SECONDS = 24 * 3600
FULL_REBUILD = "*"
# Further behind than this, a reader rebuilds rather than replaying the changes.
MAX_PATCH_VERSIONS = 200
# Availability recorded further ahead than this is ignored (counted as none).
MAX_HORIZON_WEEKS = 156
# Rows per block when turning availability windows into daily capacity.
_BLOCK_ROWS = 4096

_lock = threading.Lock()
_warm: tuple[tuple[int, date], SpecialistIndex] | None = None


def _bump(specialist_ids: list[int] | None) -> None:
    # A fresh key starts at the clock, so a version lost from the cache is never reused.
    cache.add(VERSION_KEY, time.time_ns(), timeout=None)
    try:
        version = cache.incr(VERSION_KEY)
    except ValueError:  # evicted between add and incr: readers rebuild in full
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
        return
    change = FULL_REBUILD if specialist_ids is None else specialist_ids
    cache.set(CHANGE_KEY.format(version=version), change, timeout=CHANGE_TTL_SECONDS)


def matching_index_invalidate(*, specialist_ids: Iterable[int] | None = None) -> None:
    """Mark the specialist index stale in every process.

    Call after any write to specialists, their skills, availability or a match's status.
    With `specialist_ids`, readers reload just those specialists' rows (milliseconds);
    without, they rebuild the whole index (seconds at 100,000 specialists). Bumps now, so
    this request sees its own write, and again after commit, so a process that reloaded
    in between, before the write was visible, reloads once more.
    """
    ids = None if specialist_ids is None else sorted({int(i) for i in specialist_ids})
    _bump(ids)
    transaction.on_commit(lambda: _bump(ids))


def _invalidate_on_change(sender, instance, **kwargs) -> None:
    if isinstance(instance, Specialist):
        matching_index_invalidate(specialist_ids=[instance.pk])
    elif isinstance(instance, SpecialistSkill | Availability | Match):
        matching_index_invalidate(specialist_ids=[instance.specialist_id])
    else:
        matching_index_invalidate()


def connect_invalidation_signals() -> None:
    """Safety net for writes outside the services (admin, factories, shell).

    Bulk updates bypass signals, so services still call `matching_index_invalidate()`.
    """
    for model in (Specialist, SpecialistSkill, Availability, Match, Skill):
        for signal in (post_save, post_delete):
            signal.connect(
                _invalidate_on_change, sender=model, dispatch_uid=f"matching_index_{model.__name__}"
            )


def current_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return int(version)


def _changed_since(old: int, new: int) -> list[int] | None:
    """Specialists changed in versions (old, new], or None when a full rebuild is due."""
    if not 0 < new - old <= MAX_PATCH_VERSIONS:
        return None
    keys = [CHANGE_KEY.format(version=v) for v in range(old + 1, new + 1)]
    changes = cache.get_many(keys)
    if len(changes) != len(keys) or any(c == FULL_REBUILD for c in changes.values()):
        return None
    return sorted({int(i) for ids in changes.values() for i in ids})


def specialist_index(*, today: date | None = None) -> SpecialistIndex:
    """The warm index: patched or rebuilt when the version or the date has changed."""
    global _warm
    key = (current_version(), today or timezone.localdate())
    warm = _warm
    if warm is not None and warm[0] == key:
        return warm[1]
    with _lock:
        warm = _warm
        if warm is not None and warm[0] == key:
            return warm[1]
        index = None
        if warm is not None and warm[0][1] == key[1]:
            changed = _changed_since(warm[0][0], key[0])
            if changed is not None:
                index = patch_specialist_index(warm[1], changed, today=key[1])
        if index is None:
            index = build_specialist_index(today=key[1])
        index.version = f"{key[0]}:{key[1].isoformat()}"
        _warm = (key, index)
        return index


class _LayoutChanged(Exception):
    """A reloaded row needs a skill, language or week the warm index has no column for."""


def patch_specialist_index(
    index: SpecialistIndex, specialist_ids: list[int], *, today: date
) -> SpecialistIndex | None:
    """A copy of `index` with the given specialists' rows reloaded from the database.

    New specialists are appended; deleted ones stay as rows that pass no constraint
    (unshareable, nothing free). None when the columns no longer fit (a new skill or
    language, availability past the horizon): then rebuild in full.
    """
    if index.week0 != monday_of(today):
        return None
    try:
        part = build_specialist_index(today=today, specialist_ids=specialist_ids, layout=index)
    except _LayoutChanged:
        return None
    patched = SpecialistIndex(**vars(index))
    arrays = [name for name, value in vars(index).items() if isinstance(value, np.ndarray)]
    new_ids = [sid for sid in part.ids.tolist() if sid not in index.row_of]
    for name in arrays:
        value = getattr(index, name)
        if new_ids:
            extra = np.zeros((len(new_ids), *value.shape[1:]), dtype=value.dtype)
            value = np.concatenate([value, extra])
        else:
            value = value.copy(order="K")
        if name == "skill_levels":
            value = np.asfortranarray(value)
        setattr(patched, name, value)
    row_of = dict(index.row_of)
    for offset, sid in enumerate(new_ids):
        row_of[sid] = len(index) + offset
    patched.row_of = row_of
    patched.ids[[row_of[sid] for sid in new_ids]] = new_ids
    gone = [row_of[sid] for sid in specialist_ids if sid in row_of and sid not in part.row_of]
    patched.shareable[gone] = False
    patched.free_by_week[gone] = 0
    source = np.array([part.row_of[sid] for sid in part.ids.tolist()], dtype=np.int64)
    target = np.array([row_of[sid] for sid in part.ids.tolist()], dtype=np.int64)
    for name in arrays:
        getattr(patched, name)[target] = getattr(part, name)[source]
    return patched


def _as_array(rows: list[tuple], columns: int, dtype=np.int64) -> np.ndarray:
    if not rows:
        return np.zeros((0, columns), dtype=dtype)
    return np.array(rows, dtype=dtype).reshape(len(rows), columns)


def _day_windows(
    entries: Iterable[tuple[int, date, date, int]], row_of: dict[int, int], day0: int, days: int
) -> np.ndarray:
    """(row, first day, last day, percent) per window, clipped to [day0, day0 + days)."""
    out = [
        (row_of[sid], max(start.toordinal() - day0, 0), min(end.toordinal() - day0, days - 1), pct)
        for sid, start, end, pct in entries
        if sid in row_of
    ]
    windows = _as_array(out, 4)
    return windows[windows[:, 1] <= windows[:, 2]] if len(windows) else windows


def _daily(
    windows: np.ndarray, first_row: int, n_rows: int, days: int
) -> tuple[np.ndarray, np.ndarray]:
    """Sum of window percents per day, for the rows of [first_row, first_row + n_rows)
    that have any window: (their offsets in the block, int16 array rows × days)."""
    width = days + 1
    block = windows[(windows[:, 0] >= first_row) & (windows[:, 0] < first_row + n_rows)]
    local, compact = np.unique(block[:, 0] - first_row, return_inverse=True)
    diff = np.bincount(
        np.concatenate([compact * width + block[:, 1], compact * width + block[:, 2] + 1]),
        weights=np.concatenate([block[:, 3], -block[:, 3]]),
        minlength=len(local) * width,
    ).reshape(len(local), width)
    return local, np.cumsum(diff.astype(np.int16), axis=1, dtype=np.int16)[:, :days]


def free_by_week_from(
    *,
    availability: np.ndarray,
    reservations: np.ndarray,
    max_share: np.ndarray,
    n_weeks: int,
) -> np.ndarray:
    """Weekly minimum of min(availability, max share) − reserved, per row.

    `availability` and `reservations` hold (row, first day, last day, percent) with days
    counted from the index's `week0`.
    """
    n, days = len(max_share), n_weeks * 7
    result = np.zeros((n, n_weeks), dtype=np.int16)
    for first in range(0, n, _BLOCK_ROWS):
        rows = min(_BLOCK_ROWS, n - first)
        free = np.zeros((rows, days), dtype=np.int16)
        local, available = _daily(availability, first, rows, days)
        free[local] = np.minimum(available, max_share[first + local, None])
        local, reserved = _daily(reservations, first, rows, days)
        free[local] -= reserved
        result[first : first + rows] = free.reshape(rows, n_weeks, 7).min(axis=2)
    return result


def _of(model, specialist_ids: Iterable[int] | None):
    if specialist_ids is None:
        return model.objects.all()
    return model.objects.filter(specialist_id__in=specialist_ids)


def build_specialist_index(
    *,
    today: date,
    specialist_ids: Iterable[int] | None = None,
    layout: SpecialistIndex | None = None,
) -> SpecialistIndex:
    """Every specialist (or the given ones) as index rows, from five bulk queries.

    With `layout`, the rows use its skill columns, language bits and weeks (for
    patching it) and `_LayoutChanged` is raised when they do not fit.
    """
    week0 = monday_of(today)
    chosen = Specialist.objects.all()
    if specialist_ids is not None:
        specialist_ids = list(specialist_ids)
        chosen = chosen.filter(pk__in=specialist_ids)
    specialists = list(
        chosen.order_by("id").values_list(
            "id",
            "agency_id",
            "clearance",
            "clearance_expires",
            "shareable",
            "max_share_percent",
            "languages",
            "region",
            "remote_ok",
        )
    )
    n = len(specialists)
    ids = np.fromiter((s[0] for s in specialists), dtype=np.int64, count=n)
    row_of = {int(sid): row for row, sid in enumerate(ids)}

    language_bit: dict[str, int] = dict(layout.language_bit) if layout else {}
    masks = np.zeros(n, dtype=np.uint64)
    for row, spec in enumerate(specialists):
        mask = 0
        for code in spec[6] or ():
            if layout is not None and str(code) not in language_bit:
                raise _LayoutChanged
            bit = language_bit.setdefault(str(code), len(language_bit))
            if bit < 64:  # more than 64 distinct languages: the rarest go unscored
                mask |= 1 << bit
        masks[row] = mask
    language_bit = {code: bit for code, bit in language_bit.items() if bit < 64}

    region_codes = ("", *Region.values)
    region_number = {code: k for k, code in enumerate(region_codes)}

    if layout is not None:
        skill_names, skill_column = layout.skill_names, layout.skill_column
    else:
        skill_names = dict(Skill.objects.order_by("id").values_list("id", "name"))
        skill_column = {skill_id: column for column, skill_id in enumerate(skill_names)}
    levels = _as_array(
        list(
            _of(SpecialistSkill, specialist_ids)
            .order_by()
            .values_list("specialist_id", "skill_id", "level")
        ),
        3,
    )
    # Column-major so the per-skill column tests read contiguous memory.
    skill_levels = np.zeros((n, len(skill_column)), dtype=np.int8, order="F")
    if len(levels):
        if not set(np.unique(levels[:, 1]).tolist()) <= skill_column.keys():
            raise _LayoutChanged  # a skill created after the warm index was built
        column_of = np.full(max(skill_column) + 1, -1, dtype=np.int64)
        column_of[list(skill_column)] = list(skill_column.values())
        # ids are sorted (order_by("id")), so a row is found by binary search; a level of a
        # specialist created after the first query has no row and is left out.
        rows = np.minimum(np.searchsorted(ids, levels[:, 0]), max(n - 1, 0))
        known = ids[rows] == levels[:, 0] if n else np.zeros(len(levels), dtype=bool)
        skill_levels[rows[known], column_of[levels[known, 1]]] = levels[known, 2]

    windows = list(
        _of(Availability, specialist_ids)
        .filter(end__gte=week0)
        .order_by()
        .values_list("specialist_id", "start", "end", "capacity_percent")
    )
    last_day = max((w[2] for w in windows), default=week0)
    n_weeks = min(max((last_day - week0).days // 7 + 1, 1), MAX_HORIZON_WEEKS)
    if layout is not None:
        if layout.n_weeks < n_weeks:
            raise _LayoutChanged
        n_weeks = layout.n_weeks
    day0 = week0.toordinal()
    reservations = (
        _of(Match, specialist_ids)
        .filter(status__in=RESERVING_MATCH_STATUSES, end__gte=week0)
        .order_by()
        .values_list("specialist_id", "start", "end", "capacity_percent")
    )
    max_share = np.fromiter((s[5] for s in specialists), dtype=np.int16, count=n)
    free_by_week = free_by_week_from(
        availability=_day_windows(windows, row_of, day0, n_weeks * 7),
        reservations=_day_windows(reservations, row_of, day0, n_weeks * 7),
        max_share=max_share,
        n_weeks=n_weeks,
    )

    return SpecialistIndex(
        ids=ids,
        agency_ids=np.fromiter((s[1] for s in specialists), dtype=np.int64, count=n),
        clearance=np.fromiter(
            (s[2] if s[3] is None or s[3] >= today else 0 for s in specialists),
            dtype=np.int8,
            count=n,
        ),
        shareable=np.fromiter((s[4] for s in specialists), dtype=bool, count=n),
        max_share=max_share,
        skill_levels=skill_levels,
        skill_column=skill_column,
        language_mask=masks,
        language_bit=language_bit,
        region=np.fromiter((region_number.get(s[7], 0) for s in specialists), np.int16, n),
        region_codes=region_codes,
        remote_ok=np.fromiter((s[8] for s in specialists), dtype=bool, count=n),
        week0=week0,
        free_by_week=free_by_week,
        row_of=row_of,
        skill_names=skill_names,
    )


def need_spec_from(need: Need) -> NeedSpec:
    """The need as plain data; uses `need.skill_rows` when the need was read with them
    (`need_get_with_skills`), else `need.skill_requirements` (prefetch it for many needs)."""
    required, nice = [], []
    requirements = getattr(need, "skill_rows", None)
    if requirements is None:
        requirements = need.skill_requirements.all()
    for requirement in requirements:
        pair = (int(requirement.skill_id), int(requirement.min_level))
        (required if requirement.required else nice).append(pair)
    return NeedSpec(
        id=need.pk,
        agency_id=need.agency_id,
        start=need.start,
        end=need.end,
        capacity_percent=need.capacity_percent,
        headcount=need.headcount,
        clearance_required=need.clearance_required,
        required=tuple(sorted(required)),
        nice=tuple(sorted(nice)),
        languages=tuple(str(code) for code in need.languages or ()),
        region=need.region or "",
        remote_ok=need.remote_ok,
        allow_own_agency=need.allow_own_agency,
    )
