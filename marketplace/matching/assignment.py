"""The global assignment: which specialist goes to which need, all open needs at once.

The model is a generalized assignment problem with time-varying capacity, a
mixed-integer program solved by HiGHS (through `scipy.optimize.milp` and `linprog`):

    maximise    Σ_p score_p · x_p                       x_p ∈ {0, 1}, one per feasible pair p
    need rows   Σ_{p ∈ need n} x_p ≤ headcount_n
    knapsack    Σ_{p of specialist s, active in week w} percent_p · x_p ≤ free_{s,w}
    fairness    Σ_{p of agency a, active in week w} x_p ≤ cap_{a,w}

Capacity is bucketed by calendar week (index 0 = the problem's first Monday): a pair is
active in every week its period touches and `free_{s,w}` is the specialist's smallest
free capacity on any day of that week. Two needs touching the same week are treated as
overlapping even when their days do not; conservative, never over-committing. So a
specialist chosen for two needs in one week must fit both shares in that week.

The fairness row counts engagements, not people: a specialist lent to two needs in the
same week counts twice, so the row bounds the number of distinct people an agency lends
in that week from above, and bounding it bounds the people too.

Solving the whole model at once does not scale (HiGHS needs minutes for 10^5 binary
columns), yet almost every pair is far from being chosen. So the solve runs in steps
around the solver, each one a bound or a proof, never a heuristic:

1. Column generation for the LP relaxation. Solve the LP over a few pairs per need
   (the best by score); price every pair with the duals y (reduced cost
   rc_p = score_p − y·A_p, for all pairs at once with prefix sums over weeks); add the
   best-priced pairs; repeat until none prices out. The LP over the subset then equals
   the LP over all pairs (`lp_bound`), and for any y ≥ 0, UB = y·b + Σ_p max(rc_p, 0)
   bounds every assignment from above.
2. Cover rows. At most t of one week's pairs asking more than free/(t+1) fit together
   (t = 1, 2, 3). Implied by the knapsack for 0/1 choices, not for fractions: added to
   the subset's model they cut most of the LP's gap; column generation runs again over
   this model until nothing prices out (or its share of the time is spent).
3. The MIP over the subset (value z).
4. The proof. Where the LP solution is fractional (a few dozen needs and specialists
   at 2,000 × 20,000), a Lagrangian bound keeps those needs' and specialists' rows as
   0/1 constraints (a small MIP) and prices every other row with its dual; it closes
   nearly all of the LP's gap. For any feasible 0/1 x and the reduced costs rc' of that
   pricing, score·x ≤ B + Σ_{rc'_p<0} rc'_p x_p, so a pair with rc'_p < −(B − z) cannot
   be part of a better assignment. When the other pairs that could are few, the MIP over
   them too proves the optimum (gap 0); otherwise the answer comes with the proven bound
   and its gap.

Each solve sees only the rows that can bind on its pairs (a need with more candidates
than places, a specialist week whose pairs do not all fit, an agency week with more pairs
than its cap), and identical rows (the same pairs in consecutive weeks) once, with the
tightest limit. Every pair handed in must be feasible on its own (its percent fits its
specialist's free capacity in each of its weeks); the candidate generator guarantees it.

Pure NumPy/SciPy: no Django here, so it is tested and benchmarked on its own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

# HiGHS's default relative gap (1e-4) would stop short of the optimum; the product
# promises the exact optimum of its model whenever the time limit allows it.
MIP_REL_GAP = 0.0
# Pairs per need in the first restricted LP, beyond the need's headcount.
FIRST_PAIRS_EXTRA = 3
# A reduced cost above this is a pair the LP wants; below −this a pair it does not.
# HiGHS solves to 1e-7 dual feasibility, so smaller values are rounding noise.
RC_TOLERANCE = 1e-6
MAX_PRICING_ROUNDS = 100
# Pairs of one need added per pricing round: the best by reduced cost.
ADDED_PER_NEED = 2
# Levels t of the cover rows (see build_model).
COVER_LEVELS = (1, 2, 3)
# Share of the time limit the LP's column generation may use before the MIP starts.
PRICING_SHARE = 0.3
# Share of the time limit kept for the MIP whatever the LP steps took.
MIP_SHARE = 0.6
# Share of the time limit the fractional cluster's bound may take (a tenth of a second at
# 2,000 needs; at 10,000 its MIP is large, and a time-limited one still gives a bound).
CLUSTER_SHARE = 0.1
# The proving MIP runs when the pairs that could still beat the first answer number at
# most this many times the first MIP's columns.
WIDE_MIP_FACTOR = 2
# Fixed seed of the row fingerprints: the same problem always gives the same model.
_FINGERPRINT_SEED = 20_240_601


class AssignmentError(Exception):
    """The problem is malformed or the solver gave no usable solution."""


@dataclass(frozen=True)
class AssignmentProblem:
    """Arrays describing one instance; pair arrays share one index `p`.

    Needs, specialists and agencies are dense indices (0..n-1); the caller keeps the map
    back to database ids. Weeks are indices into the columns of `free_by_week`.
    """

    pair_need: np.ndarray  # int, (P,)
    pair_specialist: np.ndarray  # int, (P,)
    pair_score: np.ndarray  # float, (P,), the objective weight
    pair_percent: np.ndarray  # int, (P,), the share the need asks for
    pair_week_first: np.ndarray  # int, (P,), first week the pair is active
    pair_week_last: np.ndarray  # int, (P,), last week (inclusive)
    need_headcount: np.ndarray  # int, (N,), how many more specialists the need takes
    free_by_week: np.ndarray  # int, (S, W), free percent per specialist and week
    specialist_agency: np.ndarray | None = None  # int, (S,); None: no fairness rows
    agency_cap: np.ndarray | None = None  # int, (A, W), engagements each agency may add

    @property
    def n_pairs(self) -> int:
        return int(self.pair_need.shape[0])

    @property
    def n_weeks(self) -> int:
        return int(self.free_by_week.shape[1])


@dataclass(frozen=True)
class AssignmentResult:
    chosen: np.ndarray  # pair indices, sorted by (need, specialist)
    objective: float
    lp_bound: float | None  # the LP relaxation's optimum: no assignment scores more
    dual_bound: float  # the best upper bound proved (≤ lp_bound); = objective if optimal
    gap: float  # (dual_bound − objective) / dual_bound; 0 when proven optimal
    status: str  # "optimal" or "time_limit"
    solver_seconds: float  # time inside HiGHS, every call summed
    build_seconds: float  # time spent building the models handed to HiGHS
    stats: dict = field(default_factory=dict)
    final_model: AssignmentModel | None = None  # the last MIP handed to HiGHS


@dataclass(frozen=True)
class AssignmentModel:
    """A MIP in solver form over some pairs (`columns`) of a problem, with its rows."""

    columns: np.ndarray  # pair indices, ascending
    c: np.ndarray  # −score of each column (HiGHS minimises)
    a: sp.csr_array
    b_upper: np.ndarray
    # What each row stands for, to turn its dual into prices: kind 0 need (key = need),
    # 1 capacity (key = specialist, week), 2 fairness (key = agency, week), 2 + t the
    # cover row of level t (key = specialist, week).
    row_kind: np.ndarray
    row_key: np.ndarray
    row_week: np.ndarray

    @property
    def n_columns(self) -> int:
        return int(self.columns.shape[0])

    @property
    def stats(self) -> dict:
        return {
            "columns": int(self.columns.shape[0]),
            "rows": int(self.a.shape[0]),
            "need_rows": int((self.row_kind == 0).sum()),
            "capacity_rows": int((self.row_kind == 1).sum()),
            "fairness_rows": int((self.row_kind == 2).sum()),
            "cover_rows": int((self.row_kind > 2).sum()),
            "nonzeros": int(self.a.nnz),
        }


# Building ---------------------------------------------------------------------------------


def _validate(problem: AssignmentProblem) -> None:
    n = problem.n_pairs
    arrays = (
        problem.pair_specialist,
        problem.pair_score,
        problem.pair_percent,
        problem.pair_week_first,
        problem.pair_week_last,
    )
    if any(a.shape != (n,) for a in arrays):
        raise AssignmentError("pair arrays differ in length")
    if (problem.agency_cap is None) != (problem.specialist_agency is None):
        raise AssignmentError("fairness needs both specialist_agency and agency_cap")
    if n == 0:
        return
    if (problem.pair_week_first > problem.pair_week_last).any():
        raise AssignmentError("a pair ends before it starts")
    if problem.pair_week_first.min() < 0 or problem.pair_week_last.max() >= problem.n_weeks:
        raise AssignmentError("a pair's weeks fall outside the capacity matrix")
    if not np.isfinite(problem.pair_score).all():
        raise AssignmentError("a pair's score is not a finite number")


def _week_expansion(first: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(column, week) for every week each column is active, without a loop over columns."""
    lengths = last.astype(np.int64) - first + 1
    column = np.repeat(np.arange(first.shape[0], dtype=np.int64), lengths)
    starts = np.cumsum(lengths) - lengths
    week = first.astype(np.int64)[column] + np.arange(column.shape[0]) - starts[column]
    return column, week


def _rows_of(
    owner: np.ndarray,
    week: np.ndarray,
    column: np.ndarray,
    weight: np.ndarray,
    limit_of: np.ndarray,
    fingerprint: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows Σ weight·x ≤ limit per (owner, week), keeping only binding, distinct ones.

    `limit_of` is the limit of each entry's (owner, week). Weeks of one owner with the
    same set of columns give the same row but for its limit: they become one row, with
    the smallest limit, attributed to the week where that limit holds. Sets are told
    apart by two random fingerprints summed over their columns (and their count).

    Returns (entry mask, row of each kept entry, row limits, row owner, row week).
    """
    n_weeks = int(week.max()) + 1 if week.shape[0] else 1
    keys, inverse = np.unique(owner * n_weeks + week, return_inverse=True)
    count = np.bincount(inverse, minlength=keys.shape[0])
    total = np.bincount(inverse, weights=weight, minlength=keys.shape[0])
    limits = np.zeros(keys.shape[0])
    limits[inverse] = limit_of
    binding = total > limits + 1e-9
    if binding.any() and fingerprint.shape[0]:
        h1 = np.bincount(inverse, weights=fingerprint[column, 0], minlength=keys.shape[0])
        h2 = np.bincount(inverse, weights=fingerprint[column, 1], minlength=keys.shape[0])
        candidates = np.flatnonzero(binding)
        key_owner = keys[candidates] // n_weeks
        order = np.lexsort(
            (limits[candidates], h2[candidates], h1[candidates], count[candidates], key_owner)
        )
        ranked = candidates[order]
        same = (
            (key_owner[order][1:] == key_owner[order][:-1])
            & (count[ranked][1:] == count[ranked][:-1])
            & (h1[ranked][1:] == h1[ranked][:-1])
            & (h2[ranked][1:] == h2[ranked][:-1])
        )
        # The first of each run of identical sets has the smallest limit (sorted last).
        binding = np.zeros_like(binding)
        binding[ranked[np.r_[True, ~same]]] = True
    row_of_key = np.cumsum(binding) - 1
    kept = binding[inverse]
    row_keys = keys[binding]
    return (
        kept,
        row_of_key[inverse[kept]],
        limits[binding],
        row_keys // n_weeks,
        row_keys % n_weeks,
    )


def _fingerprints(n_pairs: int) -> np.ndarray:
    return np.random.default_rng(_FINGERPRINT_SEED).random((n_pairs, 2))


def build_model(
    problem: AssignmentProblem,
    columns: np.ndarray | None = None,
    *,
    fingerprint: np.ndarray | None = None,
    covers: bool = True,
) -> AssignmentModel:
    """The MIP over the given pairs (all pairs by default): objective, rows and limits."""
    _validate(problem)
    if columns is None:
        columns = np.arange(problem.n_pairs, dtype=np.int64)
    columns = np.asarray(columns, dtype=np.int64)
    if fingerprint is None:
        fingerprint = _fingerprints(problem.n_pairs)
    n_cols = columns.shape[0]
    parts: list[tuple[np.ndarray, ...]] = []  # (rows, cols, vals, limits, kind, key, week)
    n_rows = 0

    def add(rows, cols, vals, limits, kind, keys, weeks) -> None:
        nonlocal n_rows
        parts.append(
            (rows + n_rows, cols, vals, limits, np.full(limits.shape[0], kind), keys, weeks)
        )
        n_rows += limits.shape[0]

    # Need rows: a need with more columns than places.
    need = problem.pair_need[columns].astype(np.int64)
    per_need = np.bincount(need, minlength=problem.need_headcount.shape[0])
    binding = per_need > problem.need_headcount
    row_of_need = np.cumsum(binding) - 1
    kept = binding[need]
    binding_needs = np.flatnonzero(binding)
    add(
        row_of_need[need[kept]],
        np.flatnonzero(kept),
        np.ones(int(kept.sum())),
        problem.need_headcount[binding_needs].astype(np.float64),
        0,
        binding_needs,
        np.zeros(binding_needs.shape[0], dtype=np.int64),
    )

    column, week = _week_expansion(
        problem.pair_week_first[columns], problem.pair_week_last[columns]
    )
    spec = problem.pair_specialist[columns].astype(np.int64)[column]
    percent = problem.pair_percent[columns].astype(np.float64)[column]
    free = problem.free_by_week[spec, week].astype(np.float64)
    if (percent > free).any():
        raise AssignmentError("a pair asks for more than its specialist's free capacity")
    pair_fingerprint = fingerprint[columns]
    kept, rows, limits, owners, weeks = _rows_of(
        spec, week, column, percent, free, pair_fingerprint
    )
    add(rows, column[kept], percent[kept], limits, 1, owners, weeks)

    # Cover rows, implied by the knapsack for 0/1 choices but not for fractions: at most
    # t of a week's pairs asking more than free/(t+1) fit together. They close most of
    # the LP's gap, which is what lets the reduced-cost step prove optimality.
    for t in COVER_LEVELS if covers else ():
        member = percent * (t + 1) > free
        if not member.any():
            continue
        kept, rows, limits, owners, weeks = _rows_of(
            spec[member],
            week[member],
            column[member],
            np.ones(int(member.sum())),
            np.full(int(member.sum()), float(t)),
            pair_fingerprint,
        )
        add(rows, column[member][kept], np.ones(rows.shape[0]), limits, 2 + t, owners, weeks)

    if problem.agency_cap is not None and problem.specialist_agency is not None:
        agency = problem.specialist_agency.astype(np.int64)[spec]
        cap = np.maximum(problem.agency_cap.astype(np.float64), 0.0)[agency, week]
        kept, rows, limits, owners, weeks = _rows_of(
            agency, week, column, np.ones(column.shape[0]), cap, pair_fingerprint
        )
        add(rows, column[kept], np.ones(rows.shape[0]), limits, 2, owners, weeks)

    def joined(k: int, dtype) -> np.ndarray:
        return np.concatenate([part[k] for part in parts]).astype(dtype, copy=False)

    a = sp.csr_array(
        (joined(2, np.float64), (joined(0, np.int64), joined(1, np.int64))),
        shape=(n_rows, n_cols),
    )
    return AssignmentModel(
        columns=columns,
        c=-problem.pair_score[columns].astype(np.float64),
        a=a,
        b_upper=joined(3, np.float64),
        row_kind=joined(4, np.int8),
        row_key=joined(5, np.int64),
        row_week=joined(6, np.int64),
    )


# Solving ----------------------------------------------------------------------------------


def solve_model(model: AssignmentModel, *, time_limit: float) -> tuple[np.ndarray, dict]:
    """Call HiGHS's MIP on a built model: the 0/1 vector over its columns, and figures.

    Raises AssignmentError when HiGHS ends without a solution (e.g. the time limit struck
    before it found one) or fails.
    """
    n = model.c.shape[0]
    constraints = [LinearConstraint(model.a, -np.inf, model.b_upper)] if model.a.shape[0] else []
    started = time.perf_counter()
    result = milp(
        model.c,
        integrality=np.ones(n, dtype=np.uint8),
        bounds=Bounds(0, 1),
        constraints=constraints,
        options={
            "time_limit": max(float(time_limit), 0.0),
            "mip_rel_gap": MIP_REL_GAP,
            "presolve": True,
        },
    )
    seconds = time.perf_counter() - started
    if result.x is None:
        raise AssignmentError(f"the solver returned no solution: {result.message}")
    if result.status not in (0, 1):
        raise AssignmentError(f"the solver failed: {result.message}")
    dual = getattr(result, "mip_dual_bound", None)
    return np.asarray(result.x) > 0.5, {
        "status": "optimal" if result.status == 0 else "time_limit",
        "dual_bound": None if dual is None or not np.isfinite(dual) else -float(dual),
        "seconds": seconds,
    }


def solve_lp(
    model: AssignmentModel, *, time_limit: float
) -> tuple[float, np.ndarray, np.ndarray, float]:
    """The LP relaxation of a model: (optimum, row duals y ≥ 0, column values, seconds)."""
    started = time.perf_counter()
    has_rows = model.a.shape[0] > 0
    result = linprog(
        model.c,
        A_ub=model.a if has_rows else None,
        b_ub=model.b_upper if has_rows else None,
        bounds=(0, 1),
        # Dual simplex: on the restricted LPs of column generation it is 4-5 times
        # faster than the interior-point method at 10,000 needs x 100,000 specialists.
        method="highs-ds",
        options={"time_limit": max(float(time_limit), 0.0)},
    )
    seconds = time.perf_counter() - started
    if result.status != 0:
        raise AssignmentError(f"the LP relaxation failed: {result.message}")
    duals = -np.asarray(result.ineqlin.marginals) if has_rows else np.zeros(0)
    return -float(result.fun), np.maximum(duals, 0.0), np.asarray(result.x), seconds


def _window_sums(
    owner_of_pair: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    row_owner: np.ndarray,
    row_week: np.ndarray,
    y: np.ndarray,
    n_weeks: int,
) -> np.ndarray:
    """Σ of the duals y of rows (owner, week) over each pair's owner and weeks, by prefix sums."""
    out = np.zeros(owner_of_pair.shape[0])
    if not y.shape[0]:
        return out
    owners, compact = np.unique(row_owner, return_inverse=True)
    table = np.zeros((owners.shape[0], n_weeks + 1))
    np.add.at(table, (compact, row_week + 1), y)
    table = np.cumsum(table, axis=1)
    position = np.searchsorted(owners, owner_of_pair)
    position = np.minimum(position, owners.shape[0] - 1)
    present = owners[position] == owner_of_pair
    idx = position[present]
    out[present] = table[idx, last[present] + 1] - table[idx, first[present]]
    return out


def reduced_costs(problem: AssignmentProblem, model: AssignmentModel, y: np.ndarray) -> np.ndarray:
    """score_p − y·A_p for every pair of the problem, from the duals of `model`'s rows."""
    first = problem.pair_week_first.astype(np.int64)
    last = problem.pair_week_last.astype(np.int64)
    price = np.zeros(problem.n_pairs)
    need_rows = model.row_kind == 0
    if need_rows.any():
        need_dual = np.zeros(problem.need_headcount.shape[0])
        need_dual[model.row_key[need_rows]] = y[need_rows]
        price += need_dual[problem.pair_need]
    capacity = model.row_kind == 1
    if capacity.any():
        price += problem.pair_percent * _window_sums(
            problem.pair_specialist.astype(np.int64),
            first,
            last,
            model.row_key[capacity],
            model.row_week[capacity],
            y[capacity],
            problem.n_weeks,
        )
    fairness = model.row_kind == 2
    if fairness.any() and problem.specialist_agency is not None:
        price += _window_sums(
            problem.specialist_agency.astype(np.int64)[problem.pair_specialist],
            first,
            last,
            model.row_key[fairness],
            model.row_week[fairness],
            y[fairness],
            problem.n_weeks,
        )
    covers = (model.row_kind > 2) & (y > 0)
    if covers.any():
        price += _cover_prices(problem, model, y, covers)
    return problem.pair_score - price


def _cover_prices(
    problem: AssignmentProblem, model: AssignmentModel, y: np.ndarray, covers: np.ndarray
) -> np.ndarray:
    """Σ of cover-row duals over each pair's weeks, where the pair belongs to the row.

    Membership depends on the week's free capacity, so this walks the weeks of the pairs
    of the specialists that have a priced cover row (a few), not all pairs.
    """
    price = np.zeros(problem.n_pairs)
    n_weeks = problem.n_weeks
    row_spec = model.row_key[covers]
    pairs = np.flatnonzero(np.isin(problem.pair_specialist, np.unique(row_spec)))
    column, week = _week_expansion(problem.pair_week_first[pairs], problem.pair_week_last[pairs])
    pair = pairs[column]
    spec = problem.pair_specialist[pair].astype(np.int64)
    entry_key = spec * n_weeks + week
    percent = problem.pair_percent[pair].astype(np.float64)
    free = problem.free_by_week[spec, week].astype(np.float64)
    row_level = model.row_kind[covers].astype(np.int64) - 2
    row_key = row_spec * n_weeks + model.row_week[covers]
    for t in np.unique(row_level):
        at_level = row_level == t
        keys = row_key[at_level]
        order = np.argsort(keys)
        keys, duals = keys[order], y[covers][at_level][order]
        position = np.minimum(np.searchsorted(keys, entry_key), keys.shape[0] - 1)
        hit = (keys[position] == entry_key) & (percent * (t + 1) > free)
        price += np.bincount(pair[hit], weights=duals[position[hit]], minlength=problem.n_pairs)
    return price


def _first_columns(problem: AssignmentProblem) -> np.ndarray:
    """The best few pairs of each need by score (ties by specialist), as a mask."""
    order = np.lexsort((problem.pair_specialist, -problem.pair_score, problem.pair_need))
    need_sorted = problem.pair_need[order]
    starts = np.r_[0, np.flatnonzero(need_sorted[1:] != need_sorted[:-1]) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, order.shape[0]]))
    rank = np.arange(order.shape[0]) - group_start
    wanted = problem.need_headcount[need_sorted] + FIRST_PAIRS_EXTRA
    mask = np.zeros(problem.n_pairs, dtype=bool)
    mask[order[rank < wanted]] = True
    return mask


def _best_per_need(problem: AssignmentProblem, wanted: np.ndarray, rc: np.ndarray) -> np.ndarray:
    """Of the wanted pairs, the few of highest reduced cost per need (keeps the LP small)."""
    candidates = np.flatnonzero(wanted)
    need = problem.pair_need[candidates]
    order = np.lexsort((candidates, -rc[candidates], need))
    need_sorted = need[order]
    starts = np.r_[0, np.flatnonzero(need_sorted[1:] != need_sorted[:-1]) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, order.shape[0]]))
    rank = np.arange(order.shape[0]) - group_start
    mask = np.zeros(problem.n_pairs, dtype=bool)
    mask[candidates[order[rank < ADDED_PER_NEED]]] = True
    return mask


def _best_per_need_bound(problem: AssignmentProblem) -> float:
    """Σ over needs of their best `headcount` scores: the bound with only the need rows."""
    order = np.lexsort((-problem.pair_score, problem.pair_need))
    need_sorted = problem.pair_need[order]
    starts = np.r_[0, np.flatnonzero(need_sorted[1:] != need_sorted[:-1]) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, order.shape[0]]))
    rank = np.arange(order.shape[0]) - group_start
    best = order[rank < problem.need_headcount[need_sorted]]
    return float(np.maximum(problem.pair_score[best], 0.0).sum())


def _cluster_bound(
    problem: AssignmentProblem,
    model: AssignmentModel,
    y: np.ndarray,
    lp_x: np.ndarray,
    *,
    time_limit: float,
) -> tuple[float, np.ndarray, int] | None:
    """A bound tighter than the LP's where its solution is fractional: (bound, penalty, pairs).

    Lagrangian relaxation, exact on the cluster C of needs and specialists with a
    fractional pair: the rows of C (its needs' rows, its specialists' capacity and cover
    rows) stay, as constraints on 0/1 choices; every other row is priced with its dual.
    For any assignment x, with rc' the reduced costs under the duals of the other rows,

        score·x ≤ y'·b + max{rc'·z : z ∈ {0,1}, z meets C's rows} + Σ_{p ∉ C} max(rc'_p, 0)
                  + Σ_{rc'_p < 0} rc'_p x_p

    The max is a small MIP (only C's pairs with rc' > 0), solved by HiGHS; its proven
    bound stands in when the time limit strikes. None when there is no fractional pair,
    nothing to gain, or no time.
    """
    fractional = model.columns[(lp_x > 1e-6) & (lp_x < 1 - 1e-6)]
    if not fractional.shape[0] or time_limit <= 0:
        return None
    needs = np.unique(problem.pair_need[fractional])
    specialists = np.unique(problem.pair_specialist[fractional])
    kind, key = model.row_kind, model.row_key
    kept_rows = ((kind == 0) & np.isin(key, needs)) | (
        (kind != 0) & (kind != 2) & np.isin(key, specialists)
    )
    priced_y = np.where(kept_rows, 0.0, y)
    penalty = reduced_costs(problem, model, priced_y)
    touches = np.isin(problem.pair_need, needs) | np.isin(problem.pair_specialist, specialists)
    pairs = np.flatnonzero(touches & (penalty > RC_TOLERANCE))
    # The cluster's MIP: its needs keep their headcount and its specialists their weeks'
    # capacity; a pair of any other specialist gets a specialist of its own with room
    # to spare, and any other need a headcount that never binds, so no row of theirs
    # is built.
    specialist = problem.pair_specialist[pairs].astype(np.int64)
    own = np.isin(specialist, specialists)
    sub_specialist = np.empty(pairs.shape[0], dtype=np.int64)
    sub_specialist[own] = np.searchsorted(specialists, specialist[own])
    others = int((~own).sum())
    sub_specialist[~own] = specialists.shape[0] + np.arange(others)
    roomy = np.full((others, problem.n_weeks), 100, dtype=problem.free_by_week.dtype)
    headcount = np.full(problem.need_headcount.shape[0], pairs.shape[0] + 1, dtype=np.int64)
    headcount[needs] = problem.need_headcount[needs]
    cluster = AssignmentProblem(
        pair_need=problem.pair_need[pairs],
        pair_specialist=sub_specialist,
        pair_score=penalty[pairs],
        pair_percent=problem.pair_percent[pairs],
        pair_week_first=problem.pair_week_first[pairs],
        pair_week_last=problem.pair_week_last[pairs],
        need_headcount=headcount,
        free_by_week=np.vstack([problem.free_by_week[specialists], roomy]),
    )
    try:
        x, info = solve_model(build_model(cluster), time_limit=time_limit)
    except AssignmentError:
        return None
    inner = float(penalty[pairs][x].sum()) if info["status"] == "optimal" else info["dual_bound"]
    if inner is None:
        return None
    outside = float(np.maximum(penalty[~touches], 0.0).sum())
    return float(priced_y @ model.b_upper) + inner + outside, penalty, int(pairs.shape[0])


def _empty_result() -> AssignmentResult:
    return AssignmentResult(
        chosen=np.zeros(0, dtype=np.int64),
        objective=0.0,
        lp_bound=0.0,
        dual_bound=0.0,
        gap=0.0,
        status="optimal",
        solver_seconds=0.0,
        build_seconds=0.0,
        stats={"pairs": 0},
    )


def solve_assignment(problem: AssignmentProblem, *, time_limit: float) -> AssignmentResult:
    """The assignment of highest total score under every constraint of the model.

    Proven optimal (gap 0) when the reduced-cost step can prove it within `time_limit`
    (seconds, all solver calls together); otherwise the best assignment found comes
    back with status "time_limit" and its gap to a proven upper bound. Raises
    AssignmentError when no assignment is found in time. The same problem gives the
    same chosen pairs: every step is deterministic and reaches HiGHS in the same order.
    """
    _validate(problem)
    if problem.n_pairs == 0:
        return _empty_result()
    budget = max(float(time_limit), 0.0)
    deadline = time.perf_counter() + budget
    pricing_deadline = time.perf_counter() + PRICING_SHARE * budget
    fingerprint = _fingerprints(problem.n_pairs)
    seconds = {"build": 0.0, "solver": 0.0}

    def build(mask: np.ndarray, *, covers: bool) -> AssignmentModel:
        started = time.perf_counter()
        model = build_model(problem, np.flatnonzero(mask), fingerprint=fingerprint, covers=covers)
        seconds["build"] += time.perf_counter() - started
        return model

    def lp(model: AssignmentModel, until: float) -> tuple[float, np.ndarray, np.ndarray] | None:
        if until - time.perf_counter() <= 0:
            return None
        try:
            value, duals, x, spent = solve_lp(model, time_limit=until - time.perf_counter())
        except AssignmentError:  # out of time: keep the last round's figures
            return None
        seconds["solver"] += spent
        return value, duals, x

    # 1. Column generation over the plain rows: the LP relaxation over all pairs.
    in_model = _first_columns(problem)
    rounds = 0
    lp_bound: float | None = None
    upper = _best_per_need_bound(problem)
    while rounds < MAX_PRICING_ROUNDS and time.perf_counter() < pricing_deadline:
        rounds += 1
        model = build(in_model, covers=False)
        solved = lp(model, pricing_deadline)
        if solved is None:
            break
        value, y, _x = solved
        rc = reduced_costs(problem, model, y)
        # Valid for any duals y ≥ 0; equal to the LP optimum once nothing prices out.
        upper = min(upper, float(y @ model.b_upper + np.maximum(rc, 0.0).sum()))
        wanted = ~in_model & (rc > RC_TOLERANCE)
        if not wanted.any():
            lp_bound = value
            break
        in_model |= _best_per_need(problem, wanted, rc)

    # 2. Column generation again, with the cover rows: the model the MIP solves, and
    # (for any duals y ≥ 0) the bound UB = y·b + Σ_p max(rc_p, 0) over every pair.
    model = build(in_model, covers=True)
    cover_deadline = deadline - MIP_SHARE * budget
    priced: tuple[AssignmentModel, np.ndarray, np.ndarray] | None = None  # model, y, LP x
    rc = None
    priced_bound = upper
    while (solved := lp(model, cover_deadline)) is not None:
        _value, y, lp_x = solved
        priced = (model, y, lp_x)
        rc = reduced_costs(problem, model, y)
        priced_bound = float(y @ model.b_upper + np.maximum(rc, 0.0).sum())
        upper = min(upper, priced_bound)
        wanted = ~in_model & (rc > RC_TOLERANCE)
        if not wanted.any() or time.perf_counter() >= cover_deadline:
            break
        in_model |= _best_per_need(problem, wanted, rc)
        model = build(in_model, covers=True)

    # 3. The MIP over these pairs.
    x, info = solve_model(model, time_limit=deadline - time.perf_counter())
    seconds["solver"] += info["seconds"]
    objective = float(problem.pair_score[model.columns[x]].sum())
    bound = upper  # no assignment scores more
    mip_rounds = 1
    cluster_pairs = 0
    if priced is not None and info["status"] == "optimal":
        # 4. A tighter bound where the LP is fractional, then the proof. Any assignment
        # using a pair p outside the model scores at most `priced_bound + penalty_p`
        # when penalty_p < 0, so only the pairs with penalty_p ≥ −(bound − objective)
        # could beat the MIP's answer: when they are few, the MIP over them as well is
        # the optimum over every pair.
        penalty = rc
        started = time.perf_counter()
        cluster = _cluster_bound(
            problem,
            *priced,
            time_limit=min(deadline - time.perf_counter(), CLUSTER_SHARE * budget),
        )
        seconds["solver"] += time.perf_counter() - started
        if cluster is not None and cluster[0] < priced_bound:
            priced_bound, penalty, cluster_pairs = cluster
            bound = min(bound, priced_bound)
        could_improve = ~in_model & (penalty >= -(priced_bound - objective) - RC_TOLERANCE)
        extra = int(could_improve.sum())
        if extra == 0:
            bound = objective
        elif extra <= WIDE_MIP_FACTOR * model.n_columns:
            wider = build(in_model | could_improve, covers=True)
            try:
                wider_x, wider_info = solve_model(wider, time_limit=deadline - time.perf_counter())
            except AssignmentError:
                wider_x = None
            if wider_x is not None:
                mip_rounds = 2
                seconds["solver"] += wider_info["seconds"]
                wider_objective = float(problem.pair_score[wider.columns[wider_x]].sum())
                # Assignments with an excluded pair score below `objective`.
                if wider_info["status"] == "optimal":
                    bound = max(wider_objective, objective)
                elif wider_info["dual_bound"] is not None:
                    bound = min(bound, max(wider_info["dual_bound"], objective))
                if wider_objective >= objective:
                    model, x, objective, info = wider, wider_x, wider_objective, wider_info

    chosen = model.columns[x]
    chosen = chosen[np.lexsort((problem.pair_specialist[chosen], problem.pair_need[chosen]))]
    dual_bound = max(objective, bound)
    gap = 0.0 if dual_bound <= objective + 1e-9 else (dual_bound - objective) / dual_bound
    return AssignmentResult(
        chosen=chosen,
        objective=objective,
        lp_bound=lp_bound if lp_bound is not None else upper,
        dual_bound=dual_bound,
        gap=gap,
        status="optimal" if gap == 0.0 else "time_limit",
        solver_seconds=seconds["solver"],
        build_seconds=seconds["build"],
        stats={
            "pairs": problem.n_pairs,
            "pricing_rounds": rounds,
            "lp_converged": lp_bound is not None,
            "mip_rounds": mip_rounds,
            "mip_status": info["status"],
            "cluster_bound_pairs": cluster_pairs,
            **{f"final_{k}": v for k, v in model.stats.items()},
        },
        final_model=model,
    )
