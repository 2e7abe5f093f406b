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


def _room(steps: DaySteps, owner: int, horizon: int) -> np.ndarray:
    """The owner's function on days 0..horizon−1, as a dense array to subtract from."""
    k0, k1 = int(steps.offset[owner]), int(steps.offset[owner + 1])
    starts = np.minimum(steps.start[k0:k1], horizon)
    ends = np.r_[starts[1:], horizon]
    return np.repeat(steps.value[k0:k1], ends - starts)


def greedy_assignment(problem: AssignmentProblem, pairs: np.ndarray | None = None) -> np.ndarray:
    """Chosen pair indices, sorted, picked by descending score (ties by need, specialist).

    With `pairs`, only those are tried, in the same order: a feasible subset of them.
    """
    candidates = np.arange(problem.n_pairs) if pairs is None else np.asarray(pairs, np.int64)
    if candidates.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    order = candidates[
        np.lexsort(
            (
                problem.pair_specialist[candidates],
                problem.pair_need[candidates],
                -problem.pair_score[candidates],
            )
        )
    ]
    horizon = int(problem.pair_last[candidates].max()) + 1
    places = problem.need_headcount.astype(np.int64).copy()
    fair = problem.agency_cap is not None and problem.specialist_agency is not None
    free: dict[int, np.ndarray] = {}
    cap: dict[int, np.ndarray] = {}
    need_of, spec_of = problem.pair_need, problem.pair_specialist
    first_of, last_of, percent_of = problem.pair_first, problem.pair_last, problem.pair_percent
    chosen: list[int] = []
    for p in order.tolist():
        need = int(need_of[p])
        if places[need] <= 0:
            continue
        spec = int(spec_of[p])
        first, end = int(first_of[p]), int(last_of[p]) + 1
        percent = int(percent_of[p])
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
        places[need] -= 1
        chosen.append(p)
    return np.array(sorted(chosen), dtype=np.int64)
