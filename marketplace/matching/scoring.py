"""The match score: how well a specialist who passes every hard constraint fits a need.

    score = (w_skill·S + w_avail·A + w_lang·L + w_region·R) / Σ w

with the weights from `settings.MATCHING_WEIGHTS` (skill .55, availability .25,
language .10, region .10) and four terms, each in [0, 1]:

- Skill fit  S = 1/2 + 1/4·E + 1/4·N
    E = mean over required skills of (level − min) / (5 − min): how far above the asked
        minimum the specialist is (a minimum of 5 counts as fully met, E_i = 1);
    N = mean over nice-to-have skills of level / 5: coverage weighted by level
        (0 for a nice-to-have the specialist lacks).
    E or N is 1 when the need lists no such skills. The 1/2 is for meeting every
    required skill, which every candidate does.
- Availability fit  A = asked / free, where free is the specialist's smallest free
    percent on any day of the period (free ≥ asked for every candidate). 1 when the
    ask uses all their free time; lower when much of it would stay idle, so people who
    can take a larger ask stay available for one. (For a pair that fails the capacity
    constraint, as a manager's nomination may, A = free / asked instead.)
- Language fit  L = share of the need's languages the specialist speaks (1 if none asked).
- Region fit  R = 1 in the need's region (or when the need names none), 1/2 elsewhere if
    both the need and the specialist accept remote work, 0 otherwise.

The score is additive, so the breakdown explains it exactly: term × weight / Σ weights
summed over the terms is the score. All functions here are vectorised over index rows.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from marketplace.matching.problem import MAX_LEVEL, NeedSpec, SpecialistIndex

TERMS = ("skill", "availability", "language", "region")
DEFAULT_WEIGHTS = {"skill": 0.55, "availability": 0.25, "language": 0.10, "region": 0.10}
REMOTE_REGION_FIT = 0.5


def skill_level_columns(
    index: SpecialistIndex, rows: np.ndarray, skills: tuple[tuple[int, int], ...]
) -> np.ndarray:
    """Levels (len(skills) × len(rows), int8) of the given skills; 0 where nobody has one."""
    levels = np.zeros((len(skills), len(rows)), dtype=np.int8)
    for k, (skill_id, _min_level) in enumerate(skills):
        column = index.skill_column.get(skill_id)
        if column is not None:
            levels[k] = index.skill_levels[rows, column]
    return levels


def required_excess(levels: np.ndarray, required: tuple[tuple[int, int], ...]) -> np.ndarray:
    """E: mean of (level − min) / (5 − min) over required skills, clipped to [0, 1]."""
    if not required:
        return np.ones(levels.shape[1], dtype=np.float64)
    mins = np.array([m for _s, m in required], dtype=np.float64)[:, None]
    room = MAX_LEVEL - mins
    above = levels.astype(np.float64) - mins
    per_skill = np.where(room > 0, above / np.where(room > 0, room, 1.0), 1.0)
    return np.clip(per_skill, 0.0, 1.0).mean(axis=0)


def nice_coverage(levels: np.ndarray, nice: tuple[tuple[int, int], ...]) -> np.ndarray:
    """N: mean of level / 5 over nice-to-have skills."""
    if not nice:
        return np.ones(levels.shape[1], dtype=np.float64)
    return (levels.astype(np.float64) / MAX_LEVEL).mean(axis=0)


def skill_fit(excess: np.ndarray, coverage: np.ndarray) -> np.ndarray:
    return 0.5 + 0.25 * excess + 0.25 * coverage


def availability_fit(free: np.ndarray, asked: int) -> np.ndarray:
    """A = min(free, asked) / max(free, asked): asked / free for candidates, 0 if none free."""
    free = np.maximum(free.astype(np.float64), 0.0)
    return np.minimum(free, asked) / np.maximum(np.maximum(free, float(asked)), 1.0)


def language_fit(index: SpecialistIndex, rows: np.ndarray, need: NeedSpec) -> np.ndarray:
    """L = spoken share of the need's languages."""
    asked = tuple(dict.fromkeys(need.languages))
    if not asked:
        return np.ones(len(rows), dtype=np.float64)
    masks = index.language_mask[rows]
    spoken = np.zeros(len(rows), dtype=np.float64)
    for code in asked:
        bit = index.language_bit.get(code)
        if bit is not None:
            spoken += ((masks >> np.uint64(bit)) & np.uint64(1)).astype(np.float64)
    return spoken / len(asked)


def region_fit(index: SpecialistIndex, rows: np.ndarray, need: NeedSpec) -> np.ndarray:
    """R = 1 same region (or none asked), 1/2 remote on both sides, else 0."""
    if not need.region:
        return np.ones(len(rows), dtype=np.float64)
    try:
        code = index.region_codes.index(need.region)
    except ValueError:
        code = -1
    same = index.region[rows] == code
    remote = index.remote_ok[rows] & bool(need.remote_ok)
    return np.where(same, 1.0, np.where(remote, REMOTE_REGION_FIT, 0.0))


def normalised_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """The weights scaled to sum to 1, so the score stays in [0, 1] whatever is configured."""
    raw = {term: max(float((weights or DEFAULT_WEIGHTS).get(term, 0.0)), 0.0) for term in TERMS}
    total = sum(raw.values())
    if total <= 0:
        return {term: 1.0 / len(TERMS) for term in TERMS}
    return {term: value / total for term, value in raw.items()}


def score_rows(
    index: SpecialistIndex,
    rows: np.ndarray,
    need: NeedSpec,
    weights: Mapping[str, float] | None,
    *,
    free: np.ndarray | None = None,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Scores of the given rows and the arrays behind them.

    The returned dict holds the four terms plus the facts the words need:
    `free` (smallest free percent over the period), `required_levels` and
    `nice_levels` (skills × rows), `excess` (E) and `coverage` (N).
    """
    rows = np.asarray(rows, dtype=np.int64)
    if free is None:
        free = index.min_free(rows, need.start, need.end)
    required_levels = skill_level_columns(index, rows, need.required)
    nice_levels = skill_level_columns(index, rows, need.nice)
    excess = required_excess(required_levels, need.required)
    coverage = nice_coverage(nice_levels, need.nice)
    terms = {
        "skill": skill_fit(excess, coverage),
        "availability": availability_fit(free, need.capacity_percent),
        "language": language_fit(index, rows, need),
        "region": region_fit(index, rows, need),
    }
    w = normalised_weights(weights)
    score = np.zeros(len(rows), dtype=np.float64)
    for term in TERMS:
        score += w[term] * terms[term]
    detail: dict[str, np.ndarray] = dict(terms)
    detail.update(
        free=free,
        required_levels=required_levels,
        nice_levels=nice_levels,
        excess=excess,
        coverage=coverage,
    )
    return np.clip(score, 0.0, 1.0), detail
