"""Greedy assignment: the start of every global run, and the benchmark's baseline.

Takes pairs best score first and keeps each one that still fits under every row of the
model (need places, the specialist's free capacity on each day of the pair, the agency's
cap on each day). So its answer is feasible by construction; the global run hands it to
the solver as the starting solution and returns it when the solver finds nothing better
in time. Given a set of pairs instead, it repairs them: the same walk over just those,
dropping what no longer fits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketplace.matching.daysteps import DaySteps

if TYPE_CHECKING:
    from marketplace.matching.assignment import AssignmentProblem

# Pairs per block of the score order (see greedy_assignment).
GREEDY_BLOCK = 1 << 16


def _room(steps: DaySteps, owner: int, horizon: int) -> np.ndarray:
    """The owner's function on days 0..horizon−1, as a dense array to subtract from."""
    k0, k1 = int(steps.offset[owner]), int(steps.offset[owner + 1])
    starts = np.minimum(steps.start[k0:k1], horizon)
    ends = np.r_[starts[1:], horizon]
    return np.repeat(steps.value[k0:k1], ends - starts)


def _score_order(problem: AssignmentProblem, candidates: np.ndarray) -> np.ndarray:
    """The candidates by descending score, ties by need then specialist."""
    need = problem.pair_need[candidates]
    spec = problem.pair_specialist[candidates]
    by_need = (need[1:] > need[:-1]) | ((need[1:] == need[:-1]) & (spec[1:] > spec[:-1]))
    if by_need.all():  # as the run builds them: then a stable sort on the score suffices
        return candidates[np.argsort(-problem.pair_score[candidates], kind="stable")]
    return candidates[np.lexsort((spec, need, -problem.pair_score[candidates]))]


def greedy_assignment(problem: AssignmentProblem, pairs: np.ndarray | None = None) -> np.ndarray:
    """Chosen pair indices, sorted, picked by descending score (ties by need, specialist).

    With `pairs`, only those are tried, in the same order: a feasible subset of them.
    """
    candidates = np.arange(problem.n_pairs) if pairs is None else np.asarray(pairs, np.int64)
    if candidates.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    order = _score_order(problem, candidates)
    horizon = int(problem.pair_last[candidates].max()) + 1
    places = problem.need_headcount.astype(np.int64)
    fair = problem.agency_cap is not None and problem.specialist_agency is not None
    free: dict[int, np.ndarray] = {}
    cap: dict[int, np.ndarray] = {}
    need_order = problem.pair_need[order]
    chosen: list[int] = []
    # Most pairs belong to needs already full when their turn comes: each block of the
    # order drops those at once, and the Python loop sees only the others.
    for block in range(0, order.shape[0], GREEDY_BLOCK):
        stop = block + GREEDY_BLOCK
        open_need = places[need_order[block:stop]] > 0
        tried = order[block:stop][open_need]
        places_left = places.tolist()
        for p, need, spec, first, last, percent in zip(
            tried.tolist(),
            need_order[block:stop][open_need].tolist(),
            problem.pair_specialist[tried].tolist(),
            problem.pair_first[tried].tolist(),
            problem.pair_last[tried].tolist(),
            problem.pair_percent[tried].tolist(),
            strict=True,
        ):
            if places_left[need] <= 0:
                continue
            end = last + 1
            room = free.get(spec)
            if room is None:
                room = free[spec] = _room(problem.free, spec, horizon)
            if room[first:end].min() < percent:
                continue
            if fair:
                agency = int(problem.specialist_agency[spec])
                lendable = cap.get(agency)
                if lendable is None:
                    lendable = cap[agency] = _room(problem.agency_cap, agency, horizon)
                if lendable[first:end].min() < 1:
                    continue
                lendable[first:end] -= 1
            room[first:end] -= percent
            places_left[need] -= 1
            chosen.append(p)
        places = np.array(places_left, dtype=np.int64)
    return np.array(sorted(chosen), dtype=np.int64)
