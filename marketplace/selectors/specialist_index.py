"""The specialist index from the database: rows in, `SpecialistIndex` and `NeedSpec` out.

The index for every specialist is built in one pass of five bulk queries (specialists,
their skill levels, skill names, availability windows, reserving matches) and kept warm
in this process. Its freshness is a version number in Django's cache, shared by every
process: `marketplace.services.specialist_index.matching_index_invalidate()` bumps it
after a write to specialists, skills, availability or reserving matches, and the next
reader patches the changed rows or rebuilds. The key also carries today's date, since
expired clearances and the first day (`day0`) move with it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from datetime import date

import numpy as np
from django.core.cache import cache
from django.utils import timezone

from marketplace.matching.capacity import replace_rows, segments_from_windows
from marketplace.matching.problem import NeedSpec, SpecialistIndex
from marketplace.models import (
    RESERVING_MATCH_STATUSES,
    Availability,
    Match,
    Need,
    NeedSkill,
    NeedStatus,
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

_lock = threading.Lock()
_warm: tuple[tuple[int, date], SpecialistIndex] | None = None


# While the cache cannot be reached nobody can announce a change: the index is then read
# as if it changed every few seconds, so a process serves what it loaded at most this old.
UNREACHABLE_REBUILD_SECONDS = 5


def current_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    if version is None:  # the cache is unreachable (fastpaths/redis_cache.py)
        return -int(time.monotonic() // UNREACHABLE_REBUILD_SECONDS)
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
    """A reloaded row needs a skill or language the warm index has no column for."""


def patch_specialist_index(
    index: SpecialistIndex, specialist_ids: list[int], *, today: date
) -> SpecialistIndex | None:
    """A copy of `index` with the given specialists' rows reloaded from the database.

    New specialists are appended; deleted ones stay as rows that pass no constraint
    (unshareable, nothing free). None when the columns no longer fit (a new skill or
    language) or the day has changed: then rebuild in full.
    """
    if index.day0 != today:
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
    source = np.array([part.row_of[sid] for sid in part.ids.tolist()], dtype=np.int64)
    target = np.array([row_of[sid] for sid in part.ids.tolist()], dtype=np.int64)
    for name in arrays:
        getattr(patched, name)[target] = getattr(part, name)[source]
    # part's rows are in id order, as `source` is; gone rows get a row with nothing free.
    nothing = segments_from_windows(
        availability=np.zeros((0, 4)), reservations=np.zeros((0, 4)), max_share=np.zeros(len(gone))
    )
    patched.free = replace_rows(
        replace_rows(index.free, target, part.free), np.array(gone, dtype=np.int64), nothing
    )
    return patched


def _as_array(rows: list[tuple], columns: int, dtype=np.int64) -> np.ndarray:
    if not rows:
        return np.zeros((0, columns), dtype=dtype)
    return np.array(rows, dtype=dtype).reshape(len(rows), columns)


def _day_windows(
    entries: Iterable[tuple[int, date, date, int]], row_of: dict[int, int], day0: int
) -> np.ndarray:
    """(row, first day, last day, percent) per window, days counted from day0."""
    out = [
        (row_of[sid], start.toordinal() - day0, end.toordinal() - day0, pct)
        for sid, start, end, pct in entries
        if sid in row_of
    ]
    return _as_array(out, 4)


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

    With `layout`, the rows use its skill columns and language bits (for patching it)
    and `_LayoutChanged` is raised when they do not fit.
    """
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

    windows = (
        _of(Availability, specialist_ids)
        .filter(end__gte=today)
        .order_by()
        .values_list("specialist_id", "start", "end", "capacity_percent")
    )
    reservations = (
        _of(Match, specialist_ids)
        .filter(status__in=RESERVING_MATCH_STATUSES, end__gte=today)
        .order_by()
        .values_list("specialist_id", "start", "end", "capacity_percent")
    )
    max_share = np.fromiter((s[5] for s in specialists), dtype=np.int16, count=n)
    day0 = today.toordinal()
    free = segments_from_windows(
        availability=_day_windows(windows, row_of, day0),
        reservations=_day_windows(reservations, row_of, day0),
        max_share=max_share,
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
        day0=today,
        free=free,
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


def open_need_specs() -> list[NeedSpec]:
    """Every open need as plain data, by id, from two bulk queries (no model instances:
    a global run reads thousands). The same fields as `need_spec_from`."""
    required: dict[int, list[tuple[int, int]]] = {}
    nice: dict[int, list[tuple[int, int]]] = {}
    for need_id, skill_id, min_level, is_required in (
        NeedSkill.objects.filter(need__status=NeedStatus.OPEN)
        .order_by()
        .values_list("need_id", "skill_id", "min_level", "required")
    ):
        (required if is_required else nice).setdefault(need_id, []).append(
            (int(skill_id), int(min_level))
        )
    rows = (
        Need.objects.filter(status=NeedStatus.OPEN)
        .order_by("pk")
        .values_list(
            "pk",
            "agency_id",
            "start",
            "end",
            "capacity_percent",
            "headcount",
            "clearance_required",
            "languages",
            "region",
            "remote_ok",
            "allow_own_agency",
        )
    )
    return [
        NeedSpec(
            id=pk,
            agency_id=agency_id,
            start=start,
            end=end,
            capacity_percent=capacity_percent,
            headcount=headcount,
            clearance_required=clearance_required,
            required=tuple(sorted(required.get(pk, ()))),
            nice=tuple(sorted(nice.get(pk, ()))),
            languages=tuple(str(code) for code in languages or ()),
            region=region or "",
            remote_ok=remote_ok,
            allow_own_agency=allow_own_agency,
        )
        for (
            pk,
            agency_id,
            start,
            end,
            capacity_percent,
            headcount,
            clearance_required,
            languages,
            region,
            remote_ok,
            allow_own_agency,
        ) in rows
    ]
