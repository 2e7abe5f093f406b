"""Greedy baseline for the global assignment, for the benchmark's comparison only.

Takes pairs best score first and keeps each one that still fits (need places, weekly
capacity, agency cap). It is what a run would do without the solver; the benchmark
reports its total as a share of the optimum. Matching runs never use it.
"""

from __future__ import annotations

import numpy as np

from marketplace.matching.assignment import AssignmentProblem


def greedy_assignment(problem: AssignmentProblem) -> np.ndarray:
    """Chosen pair indices, sorted, picked by descending score (ties by need, specialist)."""
    order = np.lexsort((problem.pair_specialist, problem.pair_need, -problem.pair_score))
    places = problem.need_headcount.astype(np.int64).copy()
    free = problem.free_by_week.astype(np.int64).copy()
    fair = problem.agency_cap is not None and problem.specialist_agency is not None
    cap = np.maximum(problem.agency_cap.astype(np.int64), 0) if fair else None
    chosen: list[int] = []
    for p in order.tolist():
        need = problem.pair_need[p]
        if places[need] <= 0:
            continue
        spec = problem.pair_specialist[p]
        first, last = problem.pair_week_first[p], problem.pair_week_last[p] + 1
        percent = problem.pair_percent[p]
        if (free[spec, first:last] < percent).any():
            continue
        if fair:
            agency = problem.specialist_agency[spec]
            if (cap[agency, first:last] < 1).any():
                continue
            cap[agency, first:last] -= 1
        free[spec, first:last] -= percent
        places[need] -= 1
        chosen.append(p)
    return np.array(sorted(chosen), dtype=np.int64)
