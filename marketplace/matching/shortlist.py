"""Hard constraints and the ranked shortlist for one need, vectorised over the index.

A specialist is a candidate for a need only if every hard constraint holds:

- clearance: their clearance (0 when expired) is at least the need's;
- skills: every required skill at or above its minimum level;
- capacity: free capacity (after approved and accepted matches) covers the asked
  percent on every day of the need's period (`marketplace.matching.capacity`);
- shareable: their agency has marked them shareable;
- max share: the asked percent does not exceed their max share;
- agency: they belong to another agency, unless the need allows its own.

The cheap column tests run first over all rows; capacity and the score are then computed
only for the survivors, so a request costs a few array passes, never a Python loop over
specialists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from marketplace.matching.problem import NeedSpec, SpecialistIndex
from marketplace.matching.scoring import TERMS, normalised_weights, score_rows

CLEARANCE = "clearance"
REQUIRED_SKILL = "required_skill"
CAPACITY = "capacity"
SHAREABLE = "shareable"
MAX_SHARE = "max_share"
OWN_AGENCY = "own_agency"
UNKNOWN = "unknown_specialist"
HARD_CONSTRAINTS = (CLEARANCE, REQUIRED_SKILL, CAPACITY, SHAREABLE, MAX_SHARE, OWN_AGENCY)


@dataclass(frozen=True)
class Candidate:
    specialist_id: int
    score: float
    breakdown: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Exclusion:
    """One failed hard constraint with the facts that explain it."""

    constraint: str
    facts: dict[str, Any] = field(default_factory=dict)


def _static_mask(
    index: SpecialistIndex, need: NeedSpec, rows: np.ndarray | None = None
) -> np.ndarray:
    """Which rows (all, or the given ones) pass every constraint except capacity."""
    at = slice(None) if rows is None else rows
    count = len(index) if rows is None else len(rows)
    mask = index.shareable[at] & (index.clearance[at] >= need.clearance_required)
    mask &= index.max_share[at] >= need.capacity_percent
    if not need.allow_own_agency:
        mask &= index.agency_ids[at] != need.agency_id
    for skill_id, min_level in need.required:
        column = index.skill_column.get(skill_id)
        if column is None:  # nobody has the skill at all
            return np.zeros(count, dtype=bool)
        mask &= index.skill_levels[at, column] >= min_level
    return mask


@dataclass(frozen=True)
class SkillPostings:
    """For each skill column, the rows that have the skill (ascending) and their levels:
    a need's candidates are among the rows of any one of its required skills, so many
    needs are checked against those few rows instead of every row."""

    rows: list[np.ndarray]
    levels: list[np.ndarray]


def skill_postings(index: SpecialistIndex) -> SkillPostings:
    rows = [np.flatnonzero(index.skill_levels[:, c]) for c in range(index.skill_levels.shape[1])]
    levels = [index.skill_levels[r, c] for c, r in enumerate(rows)]
    return SkillPostings(rows=rows, levels=levels)


def rows_to_check(
    index: SpecialistIndex, need: NeedSpec, postings: SkillPostings
) -> np.ndarray | None:
    """Ascending rows that include every candidate of the need: those with its rarest
    required skill at the level asked. None when it requires no skill (every row)."""
    best: np.ndarray | None = None
    for skill_id, min_level in need.required:
        column = index.skill_column.get(skill_id)
        if column is None:
            return np.zeros(0, dtype=np.int64)
        if best is not None and len(postings.rows[column]) >= len(best):
            continue
        best = postings.rows[column][postings.levels[column] >= min_level]
    return best


def feasible_candidates(
    index: SpecialistIndex,
    need: NeedSpec,
    weights: Mapping[str, float] | None = None,
    *,
    within: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Rows passing every hard constraint, their scores and the per-term arrays.

    Rows are in index order; the dict maps each term of the score and each fact
    (`free`, `required_levels`, `nice_levels`, `excess`, `coverage`) to an array aligned
    with the rows (skill levels are skills × rows). With `within` (ascending rows that
    hold every candidate, e.g. from `rows_to_check`), only those rows are tested.
    """
    if within is None:
        rows = np.flatnonzero(_static_mask(index, need))
    else:
        within = np.asarray(within, dtype=np.int64)
        rows = within[_static_mask(index, need, within)]
    free = index.min_free(rows, need.start, need.end)
    enough = free >= need.capacity_percent
    rows, free = rows[enough], free[enough]
    scores, detail = score_rows(index, rows, need, weights, free=free)
    return rows, scores, detail


def top_rows(
    index: SpecialistIndex, rows: np.ndarray, scores: np.ndarray, limit: int
) -> np.ndarray:
    """Positions (into rows) of the best `limit`, by score then specialist id."""
    if limit <= 0 or len(rows) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(rows) > limit:
        # Keep every row tied with the limit-th score so the id tie-break stays exact.
        threshold = np.partition(scores, len(scores) - limit)[len(scores) - limit]
        positions = np.flatnonzero(scores >= threshold)
    else:
        positions = np.arange(len(rows))
    order = np.lexsort((index.ids[rows[positions]], -scores[positions]))
    return positions[order][:limit]


def breakdown_for(
    index: SpecialistIndex,
    need: NeedSpec,
    detail: Mapping[str, np.ndarray],
    position: int,
    row: int,
    score: float,
    weights: Mapping[str, float] | None,
) -> dict[str, Any]:
    """The JSON-ready breakdown of one scored row: terms, weights and facts."""
    w = normalised_weights(weights)
    names = index.skill_names

    def skills(pairs: tuple[tuple[int, int], ...], levels: np.ndarray) -> list[dict[str, Any]]:
        return [
            {
                "skill_id": skill_id,
                "skill": names.get(skill_id, str(skill_id)),
                "min_level": min_level,
                "level": int(levels[k, position]),
            }
            for k, (skill_id, min_level) in enumerate(pairs)
        ]

    spoken = set(index.languages_of(row))
    asked_languages = list(dict.fromkeys(need.languages))
    return {
        "score": round(float(score), 4),
        "terms": {term: round(float(detail[term][position]), 4) for term in TERMS},
        "weights": {term: round(w[term], 4) for term in TERMS},
        "required": skills(need.required, detail["required_levels"]),
        "nice": skills(need.nice, detail["nice_levels"]),
        "asked_percent": int(need.capacity_percent),
        "free_percent": int(detail["free"][position]),
        "languages_asked": asked_languages,
        "languages_matched": [code for code in asked_languages if code in spoken],
        "need_region": need.region,
        "region": index.region_of(row),
        "remote": bool(need.remote_ok and index.remote_ok[row]),
    }


def shortlist(
    index: SpecialistIndex,
    need: NeedSpec,
    *,
    limit: int = 20,
    weights: Mapping[str, float] | None = None,
) -> list[Candidate]:
    """The best `limit` candidates for the need, best first, each with its breakdown."""
    rows, scores, detail = feasible_candidates(index, need, weights)
    return [
        Candidate(
            specialist_id=int(index.ids[rows[p]]),
            score=float(scores[p]),
            breakdown=breakdown_for(index, need, detail, int(p), int(rows[p]), scores[p], weights),
        )
        for p in top_rows(index, rows, scores, limit)
    ]


def exclusion_reasons(
    index: SpecialistIndex, need: NeedSpec, specialist_id: int
) -> list[Exclusion]:
    """Every hard constraint the specialist fails for the need (empty: a candidate)."""
    row = index.row_of.get(specialist_id)
    if row is None:
        return [Exclusion(UNKNOWN)]
    reasons: list[Exclusion] = []
    clearance = int(index.clearance[row])
    if clearance < need.clearance_required:
        reasons.append(
            Exclusion(CLEARANCE, {"has": clearance, "required": need.clearance_required})
        )
    for skill_id, min_level in need.required:
        column = index.skill_column.get(skill_id)
        level = 0 if column is None else int(index.skill_levels[row, column])
        if level < min_level:
            reasons.append(
                Exclusion(
                    REQUIRED_SKILL,
                    {
                        "skill_id": skill_id,
                        "skill": index.skill_names.get(skill_id, str(skill_id)),
                        "min_level": min_level,
                        "level": level,
                    },
                )
            )
    short_day = index.first_short_day(row, need.start, need.end, need.capacity_percent)
    if short_day is not None:
        free_that_day = int(index.free_by_day(np.array([row]), short_day, short_day)[0, 0])
        free = int(index.min_free(np.array([row]), need.start, need.end)[0])
        reasons.append(
            Exclusion(
                CAPACITY,
                {
                    "day": short_day.isoformat(),
                    "free_on_day": max(free_that_day, 0),
                    "free_percent": max(free, 0),
                    "asked_percent": need.capacity_percent,
                },
            )
        )
    if not index.shareable[row]:
        reasons.append(Exclusion(SHAREABLE))
    max_share = int(index.max_share[row])
    if max_share < need.capacity_percent:
        reasons.append(
            Exclusion(MAX_SHARE, {"max_share": max_share, "asked_percent": need.capacity_percent})
        )
    if not need.allow_own_agency and int(index.agency_ids[row]) == need.agency_id:
        reasons.append(Exclusion(OWN_AGENCY))
    return reasons


def explain_exclusion(index: SpecialistIndex, need: NeedSpec, specialist_id: int) -> list[str]:
    """Names of the hard constraints the specialist fails (see HARD_CONSTRAINTS)."""
    return [reason.constraint for reason in exclusion_reasons(index, need, specialist_id)]


def candidate_for(
    index: SpecialistIndex,
    need: NeedSpec,
    specialist_id: int,
    *,
    weights: Mapping[str, float] | None = None,
) -> Candidate | None:
    """One specialist scored as a candidate, or None if a hard constraint excludes them."""
    if exclusion_reasons(index, need, specialist_id):
        return None
    row = index.row_of[specialist_id]
    scores, detail = score_rows(index, np.array([row], dtype=np.int64), need, weights)
    score = float(scores[0])
    return Candidate(
        specialist_id=specialist_id,
        score=score,
        breakdown=breakdown_for(index, need, detail, 0, row, score, weights),
    )
