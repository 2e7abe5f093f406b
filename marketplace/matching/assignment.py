"""The global assignment: which specialist goes to which need, all open needs at once.

The model is a generalized assignment problem with capacity that varies by day, a
mixed-integer program solved by HiGHS (through `highspy`, which takes a starting
solution). Days are integers from the problem's day 0; pair p is active on every day
first_p ≤ d ≤ last_p of its need's period:

    maximise    Σ_p score_p · x_p                         x_p ∈ {0, 1}, one per feasible pair p
    need        Σ_{p ∈ need n} x_p ≤ headcount_n
    capacity    Σ_{p of specialist s, active on d} percent_p · x_p ≤ free_s(d)     every s, d
    fairness    Σ_{p of agency a, active on d} x_p ≤ cap_a(d)                       every a, d

free_s(d) = min(availability_s(d), max share_s) − reserved_s(d), the one rule of free
capacity; cap_a(d) = floor(share × a's shareable specialists) − a's engagements running
on d. The fairness row counts engagements, not people: a specialist lent to two needs at
once counts twice, so it bounds the people an agency lends from above.

Rows per day would be many and mostly the same, so the rows of one owner (specialist or
agency) are built only where the set of its pairs active that day changes: its pairs'
first days and last days + 1 cut time into elementary intervals, within one the same
pairs are active, and the interval's row has the smallest free (or cap) over its days as
its limit. That is exact: a row for day d is implied by the row of d's interval. The row
stands for the day where that smallest value is reached (`row_day`), which is what its
dual prices every other pair by. A row is left out when its pairs all fit together, or
when another row of the same owner holds a superset of its pairs with a limit no larger
(that row implies it; of identical rows the first stays).

An agency's rows each hold most of its pairs, so they dominate the nonzeros. The LP
relaxations get them as a chain (`_Chain`: one count variable per interval, each pair in
two equalities instead of one row per interval it spans); the MIPs get them as rows, but
lazily: solved without them, an answer that over-lends no agency on any day is optimal
with them too, else the over-lending agencies' rows are added and the MIP solved again.

Solving the whole model at once does not scale (10^5 binary columns), yet almost every
pair is far from being chosen. So the solve runs in steps around the solver, each one a
bound or a proof, never a heuristic:

0. Greedy (`marketplace.matching.greedy`): pairs best score first, each kept when it
   still fits under every row on every day. Its pairs enter the model and its solution
   is handed to HiGHS as the start, so the answer is never below greedy's total.
1. Column generation for the LP relaxation. Solve the LP over a few pairs per need (the
   best by score, and greedy's); price every pair with the duals y (reduced cost
   rc_p = score_p − y·A_p, where A_p is the pair's column in every row, a row of
   owner o standing for its day: prefix sums over each owner's rows by day); add the
   best-priced pairs; repeat until none prices out (or what they could add is below
   PRICING_SLACK). The LP over the subset then equals the LP over all pairs
   (`lp_bound`), and for any y ≥ 0, UB = y·b + Σ_p max(rc_p, 0) bounds every assignment
   from above.
2. Cover rows. At most t of one capacity row's pairs asking more than limit/(t+1) fit
   together (t = 1, 2, 3). Implied by the row for 0/1 choices, not for fractions: added
   to the subset's model they cut most of the LP's gap; column generation runs again
   over this model until nothing prices out (or its share of the time is spent).
3. The MIP over the subset, started from greedy's solution (value z ≥ greedy's).
4. The proof. Where the LP solution is fractional, a Lagrangian bound keeps those needs',
   specialists' and agencies' rows as 0/1 constraints (a small MIP) and prices every
   other row with its dual; it closes nearly all of the LP's gap. For any feasible 0/1 x and the
   reduced costs rc' of that pricing, score·x ≤ B + Σ_{rc'_p<0} rc'_p x_p, so a pair
   with rc'_p < −(B − z) cannot be part of a better assignment. When the other pairs
   that could are few, the MIP over them too proves the optimum (gap 0); otherwise the
   answer comes with the proven bound and its gap.
5. When the LP did not converge in time (scarce specialists: many pairs price out round
   after round), its duals bound poorly. `lagrangian_bound` then prices every pair with
   a fixed set of rows built from all pairs (each owner's elementary intervals, less
   those a neighbour implies, with their cover rows) and lowers that bound by
   subgradient steps from the LP's duals, in a share of the time kept from the MIP.

Every pair handed in must be feasible on its own (its percent fits its specialist's free
capacity on each of its days); the candidate generator guarantees it.

Pure NumPy and HiGHS: no Django here, so it is tested and benchmarked on its own.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
from dataclasses import dataclass, field

import highspy
import numpy as np
import scipy.sparse as sp

from marketplace.matching.daysteps import DaySteps
from marketplace.matching.greedy import greedy_assignment

# HiGHS's default relative gap (1e-4) would stop short of the optimum; the product
# promises the exact optimum of its model whenever the time limit allows it.
MIP_REL_GAP = 0.0
# Pairs per need in the first restricted LP, beyond the need's headcount.
FIRST_PAIRS_EXTRA = 3
# A reduced cost above this is a pair the LP wants; below −this a pair it does not.
# HiGHS solves to 1e-7 dual feasibility, so smaller values are rounding noise.
RC_TOLERANCE = 1e-6
MAX_PRICING_ROUNDS = 100
# Column generation stops once all that the pairs outside the model could add to the LP,
# Σ_{p outside} max(rc_p, 0), is below this: the bound from those duals is then within
# it of the LP optimum, and the proof step still counts every pair with rc_p > 0 as one
# that could improve. (Degenerate LPs otherwise go on adding a few pairs a round.)
PRICING_SLACK = 1e-3
# Pairs of one need added per pricing round: the best by reduced cost.
ADDED_PER_NEED = 2
# Levels t of the cover rows (see build_model).
COVER_LEVELS = (1, 2, 3)
# Share of the time limit the LP's column generation may use before the MIP starts.
PRICING_SHARE = 0.3
# Share of the time limit kept for the MIP whatever the LP steps took.
MIP_SHARE = 0.6
# Share of the time limit the fractional cluster's bound may take.
CLUSTER_SHARE = 0.1
# The proving MIP runs when the pairs that could still beat the first answer number at
# most this many times the first MIP's columns.
WIDE_MIP_FACTOR = 4
# The Lagrangian bound's subgradient steps: at most this many, the step's scale θ
# (halved after this many steps without a better bound).
LAGRANGIAN_ITERATIONS = 300
LAGRANGIAN_THETA = 1.0
LAGRANGIAN_PATIENCE = 5
# Share of the previous step's direction added to the subgradient (deflection).
LAGRANGIAN_DEFLECTION = 0.7
# Beyond this many pairs, or entries of the rows over every pair, no Lagrangian bound:
# building them would take much of the run's time and memory (at 4.1 million pairs, 34 s
# and most of 2 GB on the 10,000 × 100,000 benchmark).
LAGRANGIAN_MAX_PAIRS = 1_000_000
LAGRANGIAN_MAX_ENTRIES = 30_000_000
# Share of the time limit kept for the Lagrangian bound after the MIP (when the LP did
# not converge): building its rows over every pair takes a few seconds of it.
LAGRANGIAN_SHARE = 0.2

# A MIP call's child is killed this long after its time limit (seconds, or this share of
# the limit when larger): HiGHS normally stops within a fraction of a second of it.
SOLVER_GRACE_SECONDS = 1.0
SOLVER_GRACE_SHARE = 0.1

# Row kinds of a model; a cover row of level t has kind COVER + t − 1.
NEED, CAPACITY, FAIRNESS, COVER = 0, 1, 2, 3
ROW_KINDS = {NEED: "need", CAPACITY: "capacity", FAIRNESS: "fairness"}


class AssignmentError(Exception):
    """The problem is malformed or the solver gave no usable solution."""


@dataclass(frozen=True)
class AssignmentProblem:
    """Arrays describing one instance; pair arrays share one index `p`.

    Needs, specialists and agencies are dense indices (0..n-1); the caller keeps the map
    back to database ids. Days are integers from the caller's day 0; a pair is active on
    pair_first ≤ day ≤ pair_last. `free` holds free_s(day) for every specialist, and
    `agency_cap` the engagements each agency may still add on each day.
    """

    pair_need: np.ndarray  # int, (P,)
    pair_specialist: np.ndarray  # int, (P,)
    pair_score: np.ndarray  # float, (P,), the objective weight
    pair_percent: np.ndarray  # int, (P,), the share the need asks for
    pair_first: np.ndarray  # int, (P,), first day the pair is active (≥ 0)
    pair_last: np.ndarray  # int, (P,), last day (inclusive)
    need_headcount: np.ndarray  # int, (N,), how many more specialists the need takes
    free: DaySteps  # one function per specialist
    specialist_agency: np.ndarray | None = None  # int, (S,); None: no fairness rows
    agency_cap: DaySteps | None = None  # one function per agency

    @property
    def n_pairs(self) -> int:
        return int(self.pair_need.shape[0])

    @property
    def n_specialists(self) -> int:
        return self.free.n_owners


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
    greedy_objective: float = 0.0  # total of the greedy start
    stats: dict = field(default_factory=dict)
    final_model: AssignmentModel | None = None  # the last MIP handed to HiGHS


@dataclass(frozen=True)
class AssignmentModel:
    """A MIP over some pairs (`columns`) of a problem: every row as Σ a·x ≤ b_upper, and
    for the fairness rows the chain that HiGHS gets in their place (see `_Chain`)."""

    columns: np.ndarray  # pair indices, ascending
    c: np.ndarray  # −score of each column (HiGHS minimises)
    a: sp.csr_array
    b_upper: np.ndarray
    # What each row stands for, to turn its dual into prices: its kind (NEED, CAPACITY,
    # FAIRNESS, COVER + t − 1), its owner (need, specialist or agency) and the day it
    # stands for (0 for need rows).
    row_kind: np.ndarray
    row_key: np.ndarray
    row_day: np.ndarray
    # The limit of the capacity row a cover row stems from (its members ask more than
    # row_share/(t+1)); the row's own limit for other rows.
    row_share: np.ndarray
    chain: _Chain | None = None
    row_chained: np.ndarray | None = None  # per row: its z in the chain, or −1

    @property
    def n_columns(self) -> int:
        return int(self.columns.shape[0])

    def plain_rows(self, *, chained: bool = True) -> np.ndarray:
        """The rows HiGHS gets as rows (with `chained`, the others through the chain)."""
        if self.row_chained is None or not chained:
            return np.ones(self.a.shape[0], dtype=bool)
        return self.row_chained < 0

    @property
    def stats(self) -> dict:
        plain = self.plain_rows()
        chain_rows = 0 if self.chain is None else self.chain.n_rows
        chain_nonzeros = 0 if self.chain is None else int(self.chain.entry_row.shape[0])
        return {
            "columns": int(self.columns.shape[0]),
            "rows": int(self.a.shape[0]),
            "need_rows": int((self.row_kind == NEED).sum()),
            "capacity_rows": int((self.row_kind == CAPACITY).sum()),
            "fairness_rows": int((self.row_kind == FAIRNESS).sum()),
            "cover_rows": int((self.row_kind >= COVER).sum()),
            "chain_rows": chain_rows,
            "nonzeros": int(self.a.nnz),
            # What HiGHS gets for the LP relaxation: the plain rows and the chain.
            "lp_nonzeros": int(np.diff(self.a.indptr)[plain].sum()) + chain_nonzeros,
        }


# Building ---------------------------------------------------------------------------------


def _validate(problem: AssignmentProblem) -> None:
    n = problem.n_pairs
    arrays = (
        problem.pair_specialist,
        problem.pair_score,
        problem.pair_percent,
        problem.pair_first,
        problem.pair_last,
    )
    if any(a.shape != (n,) for a in arrays):
        raise AssignmentError("pair arrays differ in length")
    if (problem.agency_cap is None) != (problem.specialist_agency is None):
        raise AssignmentError("fairness needs both specialist_agency and agency_cap")
    if n == 0:
        return
    if (problem.pair_first > problem.pair_last).any():
        raise AssignmentError("a pair ends before it starts")
    if problem.pair_first.min() < 0:
        raise AssignmentError("a pair starts before day 0")
    if problem.pair_specialist.max() >= problem.n_specialists:
        raise AssignmentError("a pair's specialist has no free capacity given")
    if not np.isfinite(problem.pair_score).all():
        raise AssignmentError("a pair's score is not a finite number")


@dataclass(frozen=True)
class _Rows:
    """Rows Σ weight·x ≤ limit of one kind, as entries (column, row)."""

    entry_column: np.ndarray
    entry_row: np.ndarray
    entry_weight: np.ndarray
    limit: np.ndarray
    owner: np.ndarray
    day: np.ndarray
    share: np.ndarray | None = None  # see AssignmentModel.row_share; None: the limit

    @property
    def n_rows(self) -> int:
        return int(self.limit.shape[0])


@dataclass(frozen=True)
class _Intervals:
    """The elementary intervals of each owner's columns (see `_intervals`)."""

    points: np.ndarray  # owner·span + day where some column starts or ends (+1), sorted
    span: int
    i_first: np.ndarray  # per column: the point where it starts
    i_end: np.ndarray  # per column: the point just after its last day
    column: np.ndarray  # entries (column, interval): each interval the column spans
    interval: np.ndarray
    limit: np.ndarray  # per point: the owner's smallest value over the interval it starts
    day: np.ndarray  # per point: the first day that value is reached
    keep: np.ndarray  # per point: the interval's row binds and no other row implies it

    @property
    def owner(self) -> np.ndarray:
        return self.points // self.span


def _intervals(
    owner: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    weight: np.ndarray,
    steps: DaySteps,
) -> _Intervals:
    """Each owner's columns cut into elementary intervals, and which intervals need a row.

    Column k belongs to `owner[k]` and is active on first[k] ≤ day ≤ last[k]. Each
    owner's columns cut time into elementary intervals (between consecutive first days
    and last days + 1), over which the active set is constant; each could give one row
    Σ weight·x ≤ limit, the limit being the smallest value of the owner's function on
    its days. Kept are rows whose columns do not all fit, and of rows with nested column
    sets only those no superset row implies (see the module docstring).
    """
    owner = owner.astype(np.int64)
    n = int(owner.shape[0])
    span = int(last.max(initial=0)) + 2
    start_key = owner * span + first
    end_key = owner * span + last + 1
    points = np.unique(np.concatenate([start_key, end_key]))
    i_first = np.searchsorted(points, start_key)
    i_end = np.searchsorted(points, end_key)
    lengths = i_end - i_first
    column = np.repeat(np.arange(n, dtype=np.int64), lengths)
    offsets = np.cumsum(lengths) - lengths
    interval = i_first[column] + np.arange(column.shape[0]) - offsets[column]

    # Per interval: its columns' count and weight, and the range of intervals that hold
    # every one of its columns (from the latest first to the earliest end).
    n_points = points.shape[0]
    count = np.bincount(interval, minlength=n_points)
    total = np.bincount(interval, weights=weight[column], minlength=n_points)
    latest_first = np.zeros(n_points, dtype=np.int64)
    np.maximum.at(latest_first, interval, i_first[column])
    earliest_end = np.full(n_points, n_points, dtype=np.int64)
    np.minimum.at(earliest_end, interval, i_end[column])
    used = np.flatnonzero(count)
    limits = np.zeros(n_points, dtype=np.int64)
    days = np.zeros(n_points, dtype=np.int64)
    limits[used], days[used] = steps.min_over(
        points[used] // span, points[used] % span, points[used + 1] % span - 1
    )

    # An interval is implied by another of the set range when that one has a smaller
    # limit, or the same limit and more columns, or the same of both and comes first:
    # one packed key orders them so, and an interval stays when it is its range's least.
    offset = int(max(-limits.min(initial=0), 0))
    owner_start = np.searchsorted(points, (points // span) * span)
    key = (
        ((limits + offset) << 44)
        | ((count.max(initial=0) - count) << 24)
        | (np.arange(n_points) - owner_start)
    )
    bounds = np.empty(2 * used.shape[0], dtype=np.int64)
    bounds[0::2], bounds[1::2] = latest_first[used], earliest_end[used]
    least = np.minimum.reduceat(np.append(key, 0), bounds)[0::2] if used.shape[0] else used
    keep = np.zeros(n_points, dtype=bool)
    keep[used] = (least == key[used]) & (total[used] > limits[used] + 1e-9)
    return _Intervals(
        points=points,
        span=span,
        i_first=i_first,
        i_end=i_end,
        column=column,
        interval=interval,
        limit=limits,
        day=days,
        keep=keep,
    )


def _interval_rows(found: _Intervals, weight: np.ndarray) -> _Rows:
    """The kept intervals as rows Σ weight·x ≤ limit."""
    row_of = np.cumsum(found.keep) - 1
    kept = found.keep[found.interval]
    rows = np.flatnonzero(found.keep)
    return _Rows(
        entry_column=found.column[kept],
        entry_row=row_of[found.interval[kept]],
        entry_weight=weight[found.column[kept]].astype(np.float64),
        limit=found.limit[rows].astype(np.float64),
        owner=found.owner[rows],
        day=found.day[rows],
    )


@dataclass(frozen=True)
class _Chain:
    """Counting rows Σ x ≤ limit written as a chain, for owners with many columns.

    For each interval j of an owner a variable z_j = Σ_{columns active in j} x, defined
    by the equalities z_j − z_{j−1} − Σ_{columns starting at j} x + Σ_{ending before j} x
    = 0, each column in two of them instead of every interval it spans; a kept interval
    bounds its z_j by its limit. The bound's dual is the row's dual.
    """

    entry_row: np.ndarray  # over the chain's equalities
    entry_column: np.ndarray  # < n: a pair column; ≥ n: n + the z variable
    entry_value: np.ndarray
    n_rows: int
    aux_upper: np.ndarray  # per z: its limit, or +inf where no row is kept
    aux_bounded: np.ndarray  # per z: a kept interval


def _chain(found: _Intervals, n_columns: int) -> _Chain:
    """The chain of every owner with a kept interval (see `_Chain`)."""
    owners = np.unique(found.owner[found.keep])
    in_chain = np.isin(found.owner, owners)
    # Intervals are the points but each owner's last one (where nothing is active).
    is_last = np.r_[found.owner[1:] != found.owner[:-1], True]
    has_z = in_chain & ~is_last
    z_of = np.cumsum(has_z) - 1
    n_z = int(has_z.sum())
    chained = in_chain[found.i_first]
    cols = np.flatnonzero(chained)
    starts = z_of[found.i_first[cols]]
    ends_inside = has_z[found.i_end[cols]]
    ends = z_of[found.i_end[cols[ends_inside]]]
    z = np.flatnonzero(has_z)
    follows = has_z[np.minimum(z + 1, found.points.shape[0] - 1)] & (z + 1 < found.points.shape[0])
    entry_row = np.concatenate([starts, ends, z_of[z], z_of[z[follows] + 1]])
    entry_column = np.concatenate(
        [cols, cols[ends_inside], n_columns + z_of[z], n_columns + z_of[z[follows]]]
    )
    entry_value = np.concatenate(
        [
            -np.ones(cols.shape[0]),
            np.ones(int(ends_inside.sum())),
            np.ones(n_z),
            -np.ones(int(follows.sum())),
        ]
    )
    bounded = found.keep[z]
    return _Chain(
        entry_row=entry_row,
        entry_column=entry_column,
        entry_value=entry_value,
        n_rows=n_z,
        aux_upper=np.where(bounded, found.limit[z].astype(np.float64), np.inf),
        aux_bounded=bounded,
    )


def _cover_rows(capacity: _Rows, t: int) -> _Rows:
    """Cover rows of level t: of a capacity row's columns asking more than limit/(t+1),
    at most t. Kept only when they have more than t members and more than level t − 1."""
    limit = capacity.limit[capacity.entry_row]
    member = capacity.entry_weight * (t + 1) > limit
    n_rows = capacity.n_rows
    size = np.bincount(capacity.entry_row[member], minlength=n_rows)
    useful = size > t
    if t > 1:
        smaller = capacity.entry_weight * t > limit
        useful &= size > np.bincount(capacity.entry_row[smaller], minlength=n_rows)
    row_of = np.cumsum(useful) - 1
    kept = member & useful[capacity.entry_row]
    rows = np.flatnonzero(useful)
    return _Rows(
        entry_column=capacity.entry_column[kept],
        entry_row=row_of[capacity.entry_row[kept]],
        entry_weight=np.ones(int(kept.sum())),
        limit=np.full(rows.shape[0], float(t)),
        owner=capacity.owner[rows],
        day=capacity.day[rows],
        share=capacity.limit[rows],
    )


def build_model(
    problem: AssignmentProblem,
    columns: np.ndarray | None = None,
    *,
    covers: bool = True,
) -> AssignmentModel:
    """The MIP over the given pairs (all pairs by default): objective, rows and limits."""
    _validate(problem)
    if columns is None:
        columns = np.arange(problem.n_pairs, dtype=np.int64)
    columns = np.asarray(columns, dtype=np.int64)
    n_cols = columns.shape[0]
    # (rows, cols, vals, limits, kind, key, day, share)
    parts: list[tuple[np.ndarray, ...]] = []
    n_rows = 0

    def add(rows: _Rows, kind: int) -> None:
        nonlocal n_rows
        parts.append(
            (
                rows.entry_row + n_rows,
                rows.entry_column,
                rows.entry_weight,
                rows.limit,
                np.full(rows.n_rows, kind),
                rows.owner,
                rows.day,
                rows.limit if rows.share is None else rows.share,
            )
        )
        n_rows += rows.n_rows

    # Need rows: a need with more columns than places.
    need = problem.pair_need[columns].astype(np.int64)
    per_need = np.bincount(need, minlength=problem.need_headcount.shape[0])
    binding = per_need > problem.need_headcount
    row_of_need = np.cumsum(binding) - 1
    kept = binding[need]
    binding_needs = np.flatnonzero(binding)
    add(
        _Rows(
            entry_column=np.flatnonzero(kept),
            entry_row=row_of_need[need[kept]],
            entry_weight=np.ones(int(kept.sum())),
            limit=problem.need_headcount[binding_needs].astype(np.float64),
            owner=binding_needs,
            day=np.zeros(binding_needs.shape[0], dtype=np.int64),
        ),
        NEED,
    )

    first = problem.pair_first[columns].astype(np.int64)
    last = problem.pair_last[columns].astype(np.int64)
    spec = problem.pair_specialist[columns].astype(np.int64)
    percent = problem.pair_percent[columns].astype(np.float64)
    if n_cols and (percent > problem.free.min_over(spec, first, last)[0]).any():
        raise AssignmentError("a pair asks for more than its specialist's free capacity")
    capacity = _interval_rows(_intervals(spec, first, last, percent, problem.free), percent)
    add(capacity, CAPACITY)

    # Cover rows, implied by the capacity rows for 0/1 choices but not for fractions:
    # they close most of the LP's gap, which is what lets the reduced-cost step prove
    # optimality.
    for t in COVER_LEVELS if covers else ():
        add(_cover_rows(capacity, t), COVER + t - 1)

    chain = None
    row_chained = np.full(n_rows, -1, dtype=np.int64)
    if problem.agency_cap is not None and problem.specialist_agency is not None:
        agency = problem.specialist_agency.astype(np.int64)[spec]
        ones = np.ones(n_cols)
        found = _intervals(agency, first, last, ones, problem.agency_cap)
        fairness = _interval_rows(found, ones)
        add(fairness, FAIRNESS)
        if fairness.n_rows:
            # An agency's rows each hold most of its pairs: as a chain, every pair is in
            # two rows instead of one per interval it spans.
            chain = _chain(found, n_cols)
            row_chained = np.r_[row_chained, np.flatnonzero(chain.aux_bounded)]
        else:
            row_chained = np.r_[row_chained, np.full(fairness.n_rows, -1, dtype=np.int64)]

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
        b_upper=np.maximum(joined(3, np.float64), 0.0),
        row_kind=joined(4, np.int8),
        row_key=joined(5, np.int64),
        row_day=joined(6, np.int64),
        row_share=joined(7, np.float64),
        chain=chain,
        row_chained=row_chained,
    )


# Solving ----------------------------------------------------------------------------------


def _highs(
    model: AssignmentModel,
    *,
    time_limit: float,
    integer: bool,
    rows: np.ndarray | None = None,
) -> highspy.Highs:
    """A HiGHS instance holding the model, quiet and single-threaded.

    The LP relaxation gets the fairness rows as the chain (columns: the pairs, then the
    chain's z variables; rows: the plain rows, then the chain's equalities), which makes
    it several times sparser and faster; the MIP gets them as rows, on which HiGHS's
    presolve, cuts and propagation work far better than through the z variables. With
    `rows` (a mask), the MIP gets only those rows: a relaxation.
    """
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("time_limit", max(float(time_limit), 0.0))
    highs.setOptionValue("threads", 1)
    n = model.c.shape[0]
    plain = model.plain_rows(chained=not integer)
    if rows is not None:
        plain = plain & rows
    a = model.a[plain]
    chain = None if integer else model.chain
    n_aux = 0 if chain is None else chain.aux_upper.shape[0]
    n_chain = 0 if chain is None else chain.n_rows
    a = sp.hstack([a, sp.csr_array((a.shape[0], n_aux))], format="csr")
    if chain is not None:
        chained = sp.csr_array(
            (chain.entry_value, (chain.entry_row, chain.entry_column)), shape=(n_chain, n + n_aux)
        )
        a = sp.vstack([a, chained], format="csr")
    m = a.shape[0]
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n + n_aux, m
    lp.col_cost_ = np.r_[model.c, np.zeros(n_aux)]
    lp.col_lower_ = np.r_[np.zeros(n), np.full(n_aux, -highspy.kHighsInf)]
    lp.col_upper_ = np.r_[np.ones(n), np.full(n_aux, highspy.kHighsInf)]
    if chain is not None:
        lp.col_upper_ = np.r_[np.ones(n), np.minimum(chain.aux_upper, highspy.kHighsInf)]
    lp.row_lower_ = np.r_[np.full(int(plain.sum()), -highspy.kHighsInf), np.zeros(n_chain)]
    lp.row_upper_ = np.r_[model.b_upper[plain], np.zeros(n_chain)]
    csc = a.tocsc()
    csc.sort_indices()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = csc.indices.astype(np.int32)
    lp.a_matrix_.value_ = csc.data.astype(np.float64)
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n + n_aux, m
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
        highs.setOptionValue("mip_rel_gap", MIP_REL_GAP)
    else:
        # Dual simplex: on the restricted LPs of column generation it is several times
        # faster than the interior-point method.
        highs.setOptionValue("solver", "simplex")
        highs.setOptionValue("simplex_strategy", 1)
    highs.passModel(lp)
    return highs


def _duals(model: AssignmentModel, solution: highspy.HighsSolution) -> np.ndarray:
    """y ≥ 0 per row of the model: a plain row's dual, or the dual of its z's bound."""
    y = np.zeros(model.a.shape[0])
    plain = model.plain_rows()
    n_plain = int(plain.sum())
    y[plain] = -np.asarray(solution.row_dual)[:n_plain]
    if model.chain is not None:
        n = model.c.shape[0]
        col_dual = np.asarray(solution.col_dual)
        y[~plain] = -col_dual[n + model.row_chained[~plain]]
    return np.maximum(y, 0.0)


def solve_model(
    model: AssignmentModel,
    *,
    time_limit: float,
    start: np.ndarray | None = None,
    rows: np.ndarray | None = None,
) -> tuple[np.ndarray, dict]:
    """Call HiGHS's MIP on a built model: the 0/1 vector over its columns, and figures.

    `start` (0/1 over the columns), when given, must be feasible; HiGHS starts from it,
    so the answer is never worse. With `rows` (a mask), only those rows are imposed: the
    answer may break the others, and the bound holds for the model. Raises
    AssignmentError when HiGHS ends without a solution (e.g. the time limit struck
    before it found one) or fails.

    HiGHS 1.16 can overrun `time_limit` once it holds an incumbent (a start, or an
    objective cutoff): on the 10,000 × 100,000 benchmark's 36,703-column MIP, 3 s became
    16-25 s, with no interrupt callback called in between (and 50 s became 82 s). So
    HiGHS runs in a forked child that is killed once the limit and a grace period have
    passed; the call then raises AssignmentError as if no solution came, and callers
    fall back on their start.
    """
    if not hasattr(os, "fork"):
        return _solve_model_here(model, time_limit=time_limit, start=start, rows=rows)
    started = time.perf_counter()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: solve, send the outcome, leave without any cleanup
        os.close(read_end)
        try:
            outcome: object = _solve_model_here(
                model, time_limit=time_limit, start=start, rows=rows
            )
        except AssignmentError as exc:
            outcome = exc
        except BaseException as exc:  # reported to the parent, whatever it is
            outcome = AssignmentError(f"the solver failed: {exc!r}")
        try:
            with os.fdopen(write_end, "wb") as out:
                out.write(pickle.dumps(outcome))
        finally:
            os._exit(0)
    os.close(write_end)
    outcome = None
    with os.fdopen(read_end, "rb") as pipe:
        grace = max(SOLVER_GRACE_SECONDS, SOLVER_GRACE_SHARE * max(time_limit, 0.0))
        ready, _w, _x = select.select([pipe], [], [], max(time_limit, 0.0) + grace)
        if ready:
            data = pipe.read()
            outcome = pickle.loads(data) if data else None
        else:
            os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    if outcome is None:
        raise AssignmentError("the solver overran its time limit and was stopped")
    if isinstance(outcome, AssignmentError):
        raise outcome
    x, info = outcome
    return x, {**info, "seconds": time.perf_counter() - started}


def _solve_model_here(
    model: AssignmentModel,
    *,
    time_limit: float,
    start: np.ndarray | None,
    rows: np.ndarray | None,
) -> tuple[np.ndarray, dict]:
    """`solve_model` in this process (HiGHS's own time limit only)."""
    started = time.perf_counter()
    highs = _highs(model, time_limit=time_limit, integer=True, rows=rows)
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = start.astype(np.float64)
        highs.setSolution(solution)
    highs.run()
    seconds = time.perf_counter() - started
    status = highs.getModelStatus()
    info = highs.getInfo()
    solution = highs.getSolution()
    has_solution = info.primal_solution_status == highspy.kSolutionStatusFeasible
    if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kTimeLimit):
        raise AssignmentError(f"the solver failed: {highs.modelStatusToString(status)}")
    if not has_solution:
        raise AssignmentError("the solver returned no solution: the time limit struck first")
    dual = info.mip_dual_bound
    return np.asarray(solution.col_value)[: model.n_columns] > 0.5, {
        "status": "optimal" if status == highspy.HighsModelStatus.kOptimal else "time_limit",
        "dual_bound": None if not np.isfinite(dual) else -float(dual),
        "seconds": seconds,
    }


def solve_lp(
    model: AssignmentModel, *, time_limit: float
) -> tuple[float, np.ndarray, np.ndarray, float]:
    """The LP relaxation of a model: (optimum, row duals y ≥ 0, column values, seconds)."""
    started = time.perf_counter()
    highs = _highs(model, time_limit=time_limit, integer=False)
    highs.run()
    seconds = time.perf_counter() - started
    status = highs.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise AssignmentError(f"the LP relaxation failed: {highs.modelStatusToString(status)}")
    solution = highs.getSolution()
    value = -float(highs.getInfo().objective_function_value)
    x = np.asarray(solution.col_value)[: model.n_columns]
    return value, _duals(model, solution), x, seconds


def _window_sums(
    owner_of_pair: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    row_owner: np.ndarray,
    row_day: np.ndarray,
    y: np.ndarray,
) -> np.ndarray:
    """Σ of the duals y of rows (owner, day) with first ≤ day ≤ last, for each pair."""
    out = np.zeros(owner_of_pair.shape[0])
    if not y.shape[0]:
        return out
    span = int(max(row_day.max(), last.max())) + 2
    key = row_owner.astype(np.int64) * span + row_day
    order = np.argsort(key, kind="stable")
    prefix = np.concatenate([[0.0], np.cumsum(y[order])])
    sorted_key = key[order]
    base = owner_of_pair.astype(np.int64) * span
    low = np.searchsorted(sorted_key, base + first, side="left")
    high = np.searchsorted(sorted_key, base + last, side="right")
    return prefix[high] - prefix[low]


def reduced_costs(
    problem: AssignmentProblem, model: AssignmentModel | _PricedRows, y: np.ndarray
) -> np.ndarray:
    """score_p − y·A_p for every pair of the problem, from the duals of `model`'s rows.

    A pair's coefficient in a row of its specialist (or agency) is its percent (or 1)
    when it is active on the day the row stands for, and in a cover row of its
    specialist 1 when it is active that day and asks more than the row's share.
    """
    first = problem.pair_first.astype(np.int64)
    last = problem.pair_last.astype(np.int64)
    price = np.zeros(problem.n_pairs)
    need_rows = model.row_kind == NEED
    if need_rows.any():
        need_dual = np.zeros(problem.need_headcount.shape[0])
        need_dual[model.row_key[need_rows]] = y[need_rows]
        price += need_dual[problem.pair_need]
    capacity = (model.row_kind == CAPACITY) & (y > 0)
    if capacity.any():
        price += problem.pair_percent * _window_sums(
            problem.pair_specialist,
            first,
            last,
            model.row_key[capacity],
            model.row_day[capacity],
            y[capacity],
        )
    fairness = (model.row_kind == FAIRNESS) & (y > 0)
    if fairness.any() and problem.specialist_agency is not None:
        price += _window_sums(
            problem.specialist_agency.astype(np.int64)[problem.pair_specialist],
            first,
            last,
            model.row_key[fairness],
            model.row_day[fairness],
            y[fairness],
        )
    covers = (model.row_kind >= COVER) & (y > 0)
    if covers.any():
        price += _cover_prices(problem, model, y, covers)
    return problem.pair_score - price


def _cover_hits(
    problem: AssignmentProblem,
    model: AssignmentModel | _PricedRows,
    covers: np.ndarray,
    pairs: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(pair, row) of every pair (of `pairs`, or all) in every cover row of `covers`.

    Membership depends on the row's limit, so this pairs every pair of a specialist with
    a cover row with each such row of its specialist (a few rows, a few pairs).
    """
    rows = np.flatnonzero(covers)
    row_spec = model.row_key[rows]
    order = np.argsort(row_spec, kind="stable")
    rows, row_spec = rows[order], row_spec[order]
    if pairs is None:
        pairs = np.flatnonzero(np.isin(problem.pair_specialist, row_spec))
    pair_spec = problem.pair_specialist[pairs]
    low = np.searchsorted(row_spec, pair_spec, side="left")
    high = np.searchsorted(row_spec, pair_spec, side="right")
    lengths = high - low
    entry_pair = np.repeat(pairs, lengths)
    offsets = np.cumsum(lengths) - lengths
    within = np.arange(entry_pair.shape[0]) - np.repeat(offsets, lengths)
    entry_row = rows[np.repeat(low, lengths) + within]
    day = model.row_day[entry_row]
    level = model.row_kind[entry_row].astype(np.int64) - COVER + 1
    share = model.row_share[entry_row]
    hit = (
        (problem.pair_first[entry_pair] <= day)
        & (day <= problem.pair_last[entry_pair])
        & (problem.pair_percent[entry_pair] * (level + 1) > share)
    )
    return entry_pair[hit], entry_row[hit]


def _cover_prices(
    problem: AssignmentProblem,
    model: AssignmentModel | _PricedRows,
    y: np.ndarray,
    covers: np.ndarray,
) -> np.ndarray:
    """Σ of cover-row duals over the rows each pair belongs to."""
    entry_pair, entry_row = _cover_hits(problem, model, covers)
    return np.bincount(entry_pair, weights=y[entry_row], minlength=problem.n_pairs)


# The Lagrangian bound -----------------------------------------------------------------


@dataclass(frozen=True)
class _PricedRows:
    """Rows each valid for every pair of the problem, as `reduced_costs` reads a model's:
    a row of kind CAPACITY (FAIRNESS) of owner o standing for day d is Σ percent·x
    (Σ x) over o's pairs active on d ≤ b; a COVER + t − 1 row, at most t of the pairs of
    specialist o active on d asking more than share/(t+1)."""

    row_kind: np.ndarray
    row_key: np.ndarray
    row_day: np.ndarray
    row_share: np.ndarray
    b_upper: np.ndarray


def _active_sum(
    owner: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    weight: np.ndarray,
    row_owner: np.ndarray,
    row_day: np.ndarray,
) -> np.ndarray:
    """For each (row_owner, row_day): Σ weight over the items of that owner active that
    day (first ≤ day ≤ last). Two sorted passes, no item × row expansion."""
    out = np.zeros(row_owner.shape[0])
    if not owner.shape[0] or not row_owner.shape[0]:
        return out
    span = int(max(last.max(), row_day.max())) + 2
    base = row_owner.astype(np.int64) * span
    query = base + row_day
    totals = []
    for key, side in (
        (owner.astype(np.int64) * span + first, "right"),
        (owner.astype(np.int64) * span + last, "left"),
    ):
        order = np.argsort(key, kind="stable")
        prefix = np.concatenate([[0.0], np.cumsum(weight[order])])
        sorted_key = key[order]
        upto = np.searchsorted(sorted_key, query, side=side)
        totals.append(prefix[upto] - prefix[np.searchsorted(sorted_key, base, side="left")])
    return totals[0] - totals[1]


def _owner_rows(
    owner: np.ndarray, first: np.ndarray, last: np.ndarray, weight: np.ndarray, steps: DaySteps
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(owner, day, limit) of each owner's elementary intervals over all its items whose
    items do not all fit and that no neighbouring interval implies: the next one when no
    item ends between them (it holds every item of this one) and its limit is no larger,
    or the previous one when none starts between them. The day is where the owner's
    value is least in the interval."""
    owner = owner.astype(np.int64)
    span = int(last.max(initial=0)) + 2
    start_key, end_key = owner * span + first, owner * span + last + 1
    points = np.unique(np.concatenate([start_key, end_key]))
    same_owner = points[1:] // span == points[:-1] // span
    inside = np.r_[same_owner, False]  # point j starts an interval (j, j + 1)
    starts = points[inside]
    ends = points[np.flatnonzero(inside) + 1] % span - 1
    row_owner = starts // span
    limit, day = steps.min_over(row_owner, starts % span, ends)
    # Neighbours among the intervals (consecutive entries of `starts` of one owner).
    is_start = np.isin(starts, start_key)
    is_end_next = np.isin(points[np.flatnonzero(inside) + 1], end_key)
    next_same = np.r_[starts[1:] == points[np.flatnonzero(inside) + 1][:-1], False]
    prev_same = np.r_[False, next_same[:-1]]
    implied_by_next = next_same & ~is_end_next & (np.r_[limit[1:], 0] <= limit)
    implied_by_prev = prev_same & ~is_start & (np.r_[0, limit[:-1]] <= limit)
    active = _active_sum(owner, first, last, weight, row_owner, day)
    keep = (active > limit + 1e-9) & ~implied_by_next & ~implied_by_prev
    return row_owner[keep], day[keep], limit[keep].astype(np.float64)


def _all_pair_rows(
    problem: AssignmentProblem, model: AssignmentModel
) -> tuple[_PricedRows, np.ndarray]:
    """The model's rows but its need rows, and the capacity (with their cover rows) and
    fairness rows of every pair's elementary intervals: a fixed set of valid rows that
    prices every pair, whichever pairs the restricted model held. With each row, its
    position among the model's rows but need rows (or beyond them: a new row)."""
    first = problem.pair_first.astype(np.int64)
    last = problem.pair_last.astype(np.int64)
    spec = problem.pair_specialist.astype(np.int64)
    kept = model.row_kind != NEED
    parts = [
        (
            model.row_kind[kept].astype(np.int64),
            model.row_key[kept],
            model.row_day[kept],
            model.row_share[kept],
            model.b_upper[kept],
        )
    ]
    owner, day, limit = _owner_rows(spec, first, last, problem.pair_percent * 1.0, problem.free)
    parts.append((np.full(owner.shape[0], CAPACITY), owner, day, limit, limit))
    for t in COVER_LEVELS:
        parts.append(
            (
                np.full(owner.shape[0], COVER + t - 1),
                owner,
                day,
                limit,
                np.full(owner.shape[0], float(t)),
            )
        )
    if problem.agency_cap is not None and problem.specialist_agency is not None:
        agency = problem.specialist_agency.astype(np.int64)[spec]
        owner, day, limit = _owner_rows(
            agency, first, last, np.ones(problem.n_pairs), problem.agency_cap
        )
        parts.append((np.full(owner.shape[0], FAIRNESS), owner, day, limit, limit))
    joined = [np.concatenate([part[k] for part in parts]) for k in range(5)]
    # One row per (kind, owner, day, share): the model's copy first, with its dual.
    span_day = int(joined[2].max(initial=0)) + 1
    key = (joined[0] * (int(joined[1].max(initial=0)) + 1) + joined[1]) * span_day + joined[2]
    _unique, first_of = np.unique(np.stack([key, joined[3]]), axis=1, return_index=True)
    first_of = np.sort(first_of)
    return _PricedRows(
        row_kind=joined[0][first_of].astype(np.int8),
        row_key=joined[1][first_of].astype(np.int64),
        row_day=joined[2][first_of].astype(np.int64),
        row_share=joined[3][first_of].astype(np.float64),
        b_upper=np.maximum(joined[4][first_of].astype(np.float64), 0.0),
    ), first_of


def _row_matrix(problem: AssignmentProblem, rows: _PricedRows) -> sp.csr_array | None:
    """The rows over every pair as a sparse (rows × pairs) matrix; None when it would
    hold more than LAGRANGIAN_MAX_ENTRIES entries."""
    first = problem.pair_first.astype(np.int64)
    last = problem.pair_last.astype(np.int64)
    spec = problem.pair_specialist.astype(np.int64)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    total = 0
    owners = [(CAPACITY, spec, problem.pair_percent.astype(np.float64))]
    if problem.specialist_agency is not None:
        agency = problem.specialist_agency.astype(np.int64)[spec]
        owners.append((FAIRNESS, agency, np.ones(problem.n_pairs)))
    for kind, owner, weight in owners:
        of_kind = np.flatnonzero(rows.row_kind == kind)
        if not of_kind.shape[0]:
            continue
        span = int(max(rows.row_day.max(), last.max())) + 2
        key = rows.row_key[of_kind] * span + rows.row_day[of_kind]
        order = np.argsort(key, kind="stable")
        of_kind, key = of_kind[order], key[order]
        low = np.searchsorted(key, owner * span + first, side="left")
        high = np.searchsorted(key, owner * span + last, side="right")
        lengths = high - low
        total += int(lengths.sum())
        if total > LAGRANGIAN_MAX_ENTRIES:
            return None
        entry_pair = np.repeat(np.arange(problem.n_pairs), lengths)
        offsets = np.cumsum(lengths) - lengths
        within = np.arange(entry_pair.shape[0]) - np.repeat(offsets, lengths)
        entry_row = of_kind[np.repeat(low, lengths) + within]
        parts.append((entry_row, entry_pair, weight[entry_pair]))
    covers = rows.row_kind >= COVER
    if covers.any():
        entry_pair, entry_row = _cover_hits(problem, rows, covers)
        total += int(entry_pair.shape[0])
        if total > LAGRANGIAN_MAX_ENTRIES:
            return None
        parts.append((entry_row, entry_pair, np.ones(entry_pair.shape[0])))
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    entry_row = np.concatenate([part[0] for part in [empty, *parts]])
    entry_pair = np.concatenate([part[1] for part in [empty, *parts]])
    weight = np.concatenate([part[2] for part in [empty, *parts]])
    return sp.csr_array(
        (weight, (entry_row, entry_pair)), shape=(rows.row_kind.shape[0], problem.n_pairs)
    )


def _best_per_need_choice(problem: AssignmentProblem, value: np.ndarray) -> np.ndarray:
    """The pairs of highest positive `value`, at most each need's headcount of them."""
    positive = np.flatnonzero(value > 0)
    need = problem.pair_need[positive]
    order = np.lexsort((-value[positive], need))
    rank = _rank_within_need(need, order)
    return positive[order[rank < problem.need_headcount[need[order]]]]


def lagrangian_bound(
    problem: AssignmentProblem,
    model: AssignmentModel,
    y: np.ndarray,
    lower: float,
    *,
    deadline: float,
    iterations: int = LAGRANGIAN_ITERATIONS,
) -> float:
    """An upper bound on every assignment's total, by Lagrangian relaxation.

    Every capacity, fairness and cover row (of `model`, and of the elementary intervals
    of all pairs) is priced with a multiplier λ ≥ 0; the need rows stay, so each need
    takes its best `headcount` pairs of positive reduced cost rc = score − λ·A. For any
    λ ≥ 0, UB(λ) = λ·b + Σ_n (best rc of n) bounds every feasible assignment. Starting
    from the model's LP duals y, subgradient steps (Polyak's, towards `lower`, a known
    total; deflected, θ halved when it stalls) lower it; the least value seen is
    returned. Exact arithmetic on any λ, so the bound is proven whatever the steps do.
    +inf (no bound) when the rows over every pair would not fit in memory.
    """
    if problem.n_pairs == 0:
        return 0.0
    if problem.n_pairs > LAGRANGIAN_MAX_PAIRS:
        return np.inf
    rows, from_model = _all_pair_rows(problem, model)
    n_model_rows = int((model.row_kind != NEED).sum())
    lam = np.zeros(rows.row_kind.shape[0])
    taken = from_model < n_model_rows
    lam[taken] = y[model.row_kind != NEED][from_model[taken]]
    if time.perf_counter() >= deadline:
        return np.inf
    a = _row_matrix(problem, rows)
    if a is None or time.perf_counter() >= deadline:
        return np.inf
    a_t = a.T.tocsr()
    best = np.inf
    theta, stalled = LAGRANGIAN_THETA, 0
    x = np.zeros(problem.n_pairs)
    direction = np.zeros(rows.row_kind.shape[0])
    for _round in range(iterations):
        rc = problem.pair_score - a_t @ lam
        chosen = _best_per_need_choice(problem, rc)
        value = float(lam @ rows.b_upper + rc[chosen].sum())
        if value < best - 1e-9:
            best, stalled = value, 0
        else:
            stalled += 1
            if stalled >= LAGRANGIAN_PATIENCE:
                theta, stalled = theta / 2, 0
        if time.perf_counter() >= deadline or value <= lower + 1e-9:
            break
        x[:] = 0.0
        x[chosen] = 1.0
        g = rows.b_upper - a @ x
        # Deflected: part of the previous direction, which damps the zigzag.
        direction = g + LAGRANGIAN_DEFLECTION * direction
        direction[(lam <= 0) & (direction > 0)] = 0.0
        norm = float(direction @ direction)
        if norm <= 0:
            break
        lam = np.maximum(lam - theta * (value - lower) / norm * direction, 0.0)
    return best


def _rank_within_need(need: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Rank of each of `order`'s entries among those of its need (order sorted by need)."""
    need_sorted = need[order]
    starts = np.r_[0, np.flatnonzero(need_sorted[1:] != need_sorted[:-1]) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, order.shape[0]]))
    return np.arange(order.shape[0]) - group_start


def _by_need_best_first(problem: AssignmentProblem) -> np.ndarray:
    """Pairs by need, best score first within a need (two stable sorts: far faster than
    a lexsort over millions of pairs; ties keep the input's order)."""
    by_score = np.argsort(-problem.pair_score, kind="stable")
    return by_score[np.argsort(problem.pair_need[by_score], kind="stable")]


def _first_columns(problem: AssignmentProblem, order: np.ndarray | None = None) -> np.ndarray:
    """The best few pairs of each need by score, as a mask."""
    if order is None:
        order = _by_need_best_first(problem)
    rank = _rank_within_need(problem.pair_need, order)
    wanted = problem.need_headcount[problem.pair_need[order]] + FIRST_PAIRS_EXTRA
    mask = np.zeros(problem.n_pairs, dtype=bool)
    mask[order[rank < wanted]] = True
    return mask


def _best_per_need(problem: AssignmentProblem, wanted: np.ndarray, rc: np.ndarray) -> np.ndarray:
    """Of the wanted pairs, the few of highest reduced cost per need (keeps the LP small)."""
    candidates = np.flatnonzero(wanted)
    need = problem.pair_need[candidates]
    order = np.lexsort((candidates, -rc[candidates], need))
    rank = _rank_within_need(need, order)
    mask = np.zeros(problem.n_pairs, dtype=bool)
    mask[candidates[order[rank < ADDED_PER_NEED]]] = True
    return mask


def _best_per_need_bound(problem: AssignmentProblem, order: np.ndarray) -> float:
    """Σ over needs of their best `headcount` scores: the bound with only the need rows."""
    rank = _rank_within_need(problem.pair_need, order)
    best = order[rank < problem.need_headcount[problem.pair_need[order]]]
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
    fractional pair: the rows of C (its needs' rows, its specialists' capacity on every
    day) stay, as constraints on 0/1 choices; every other row is priced with its dual.
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
    fair = problem.specialist_agency is not None and problem.agency_cap is not None
    agency_of_pair = (
        problem.specialist_agency[problem.pair_specialist] if fair else np.zeros(0, np.int64)
    )
    agencies = np.unique(agency_of_pair[fractional]) if fair else np.zeros(0, np.int64)
    kind, key = model.row_kind, model.row_key
    kept_rows = (
        ((kind == NEED) & np.isin(key, needs))
        | (((kind == CAPACITY) | (kind >= COVER)) & np.isin(key, specialists))
        | ((kind == FAIRNESS) & np.isin(key, agencies))
    )
    priced_y = np.where(kept_rows, 0.0, y)
    penalty = reduced_costs(problem, model, priced_y)
    touches = np.isin(problem.pair_need, needs) | np.isin(problem.pair_specialist, specialists)
    if fair:
        touches |= np.isin(agency_of_pair, agencies)
    pairs = np.flatnonzero(touches & (penalty > RC_TOLERANCE))
    # The cluster's MIP: its needs keep their headcount, its specialists their free
    # capacity and its agencies their cap on every day; a pair of any other specialist
    # gets a specialist of its own with room to spare (in a dummy agency without a cap
    # unless its agency is the cluster's), and any other need a headcount that never
    # binds, so no row of theirs is built.
    specialist = problem.pair_specialist[pairs].astype(np.int64)
    own = np.isin(specialist, specialists)
    sub_specialist = np.empty(pairs.shape[0], dtype=np.int64)
    sub_specialist[own] = np.searchsorted(specialists, specialist[own])
    others = int((~own).sum())
    sub_specialist[~own] = specialists.shape[0] + np.arange(others)
    roomy = DaySteps.constant(np.full(others, 100))
    headcount = np.full(problem.need_headcount.shape[0], pairs.shape[0] + 1, dtype=np.int64)
    headcount[needs] = problem.need_headcount[needs]
    sub_agency = sub_cap = None
    if fair:
        pair_agency = agency_of_pair[pairs]
        in_cluster = np.isin(pair_agency, agencies)
        sub_pair_agency = np.where(
            in_cluster, np.searchsorted(agencies, pair_agency), agencies.shape[0]
        )
        sub_agency = np.empty(specialists.shape[0] + others, dtype=np.int64)
        sub_agency[sub_specialist] = sub_pair_agency
        sub_agency[: specialists.shape[0]] = np.searchsorted(
            agencies, problem.specialist_agency[specialists]
        )
        uncapped = DaySteps.constant(np.array([pairs.shape[0] + 1]))
        sub_cap = DaySteps.concatenate([problem.agency_cap.take(agencies), uncapped])
    cluster = AssignmentProblem(
        pair_need=problem.pair_need[pairs],
        pair_specialist=sub_specialist,
        pair_score=penalty[pairs],
        pair_percent=problem.pair_percent[pairs],
        pair_first=problem.pair_first[pairs],
        pair_last=problem.pair_last[pairs],
        need_headcount=headcount,
        free=DaySteps.concatenate([problem.free.take(specialists), roomy]),
        specialist_agency=sub_agency,
        agency_cap=sub_cap,
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
    (seconds, every step together); otherwise the best assignment found comes back with
    status "time_limit" and its gap to a proven upper bound. Never below greedy's total:
    greedy's assignment is the MIP's start, and what comes back when the time limit
    strikes before the MIP has anything better. The same problem gives the same chosen
    pairs when no time limit strikes: every step is deterministic.
    """
    _validate(problem)
    if problem.n_pairs == 0:
        return _empty_result()
    budget = max(float(time_limit), 0.0)
    begun = time.perf_counter()
    deadline = begun + budget
    seconds = {"build": 0.0, "solver": 0.0}

    greedy = greedy_assignment(problem)
    greedy_total = float(problem.pair_score[greedy].sum())
    seconds["greedy"] = time.perf_counter() - begun
    # The shares are of the time greedy leaves.
    left = max(deadline - time.perf_counter(), 0.0)
    pricing_deadline = time.perf_counter() + PRICING_SHARE * left

    def build(mask: np.ndarray, *, covers: bool) -> AssignmentModel:
        started = time.perf_counter()
        model = build_model(problem, np.flatnonzero(mask), covers=covers)
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

    def mip(
        model: AssignmentModel, best: np.ndarray, until: float | None = None
    ) -> tuple[np.ndarray, dict]:
        """The MIP started from the pairs `best` (all in the model, feasible); `best`
        itself, as status time_limit, when the solver has nothing better in time.

        Fairness rows hold most of the nonzeros and seldom bind, so they are imposed
        lazily: solved without them, an answer that breaks none is the optimum with
        them; otherwise the broken ones' agencies get their rows, and again.
        """
        start = np.isin(model.columns, best)
        scores = problem.pair_score[model.columns]
        fairness = model.row_kind == FAIRNESS
        imposed = ~fairness
        fallback = {"status": "time_limit", "dual_bound": None, "seconds": 0.0}
        stop = deadline if until is None else until
        while True:
            try:
                x, info = solve_model(
                    model, time_limit=stop - time.perf_counter(), start=start, rows=imposed
                )
            except AssignmentError:
                return start, fallback
            seconds["solver"] += info["seconds"]
            broken = fairness & ~imposed & (model.a @ x > model.b_upper + 1e-9)
            if not broken.any():
                if scores[x].sum() < scores[start].sum():  # cut short before the start
                    return start, {**info, "status": "time_limit"}
                return x, info
            imposed |= fairness & np.isin(model.row_key, model.row_key[broken])
            # Meanwhile the best feasible answer: the broken one repaired, or the start.
            repaired = np.isin(model.columns, greedy_assignment(problem, model.columns[x]))
            if scores[repaired].sum() > scores[start].sum():
                start = repaired
            fallback = {"status": "time_limit", "dual_bound": info["dual_bound"], "seconds": 0.0}

    # 1. Column generation over the plain rows: the LP relaxation over all pairs.
    by_need = _by_need_best_first(problem)
    in_model = _first_columns(problem, by_need)
    in_model[greedy] = True
    rounds = 0
    lp_bound: float | None = None
    upper = _best_per_need_bound(problem, by_need)
    first_duals: tuple[AssignmentModel, np.ndarray] | None = None
    while rounds < MAX_PRICING_ROUNDS and time.perf_counter() < pricing_deadline:
        rounds += 1
        model = build(in_model, covers=False)
        solved = lp(model, pricing_deadline)
        if solved is None:
            break
        value, y, _x = solved
        first_duals = (model, y)
        rc = reduced_costs(problem, model, y)
        # Valid for any duals y ≥ 0; equal to the LP optimum once nothing prices out.
        upper = min(upper, float(y @ model.b_upper + np.maximum(rc, 0.0).sum()))
        wanted = ~in_model & (rc > RC_TOLERANCE)
        if not wanted.any():
            lp_bound = value
            break
        if rc[wanted].sum() <= PRICING_SLACK:
            break
        in_model |= _best_per_need(problem, wanted, rc)

    # 2. Column generation again, with the cover rows: the model the MIP solves, and
    # (for any duals y ≥ 0) the bound UB = y·b + Σ_p max(rc_p, 0) over every pair.
    model = build(in_model, covers=True)
    cover_deadline = deadline - MIP_SHARE * left
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
        if (
            not wanted.any()
            or rc[wanted].sum() <= PRICING_SLACK
            or time.perf_counter() >= cover_deadline
        ):
            break
        in_model |= _best_per_need(problem, wanted, rc)
        model = build(in_model, covers=True)

    seconds["until_mip"] = time.perf_counter() - begun
    # 3. The MIP over these pairs, from greedy's assignment.
    reserve = LAGRANGIAN_SHARE * left if lp_bound is None else 0.0
    x, info = mip(model, greedy, deadline - reserve)
    seconds["until_proof"] = time.perf_counter() - begun
    objective = float(problem.pair_score[model.columns[x]].sum())
    bound = upper  # no assignment scores more
    lagrangian = None
    if lp_bound is None and bound > objective + 1e-9 and time.perf_counter() < deadline:
        # The LP did not converge in time, so its duals price pairs poorly: a bound from
        # every pair's rows, not only the restricted model's, tightens it.
        # Started from the last LP's duals (none: from 0).
        if priced is not None:
            duals_from = priced[:2]
        elif first_duals is not None:
            duals_from = first_duals
        else:
            duals_from = (model, np.zeros(model.a.shape[0]))
        started = time.perf_counter()
        lagrangian = lagrangian_bound(
            problem,
            *duals_from,
            objective,
            deadline=min(deadline, started + LAGRANGIAN_SHARE * left),
        )
        seconds["lagrangian"] = time.perf_counter() - started
        bound = min(bound, lagrangian)
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
            time_limit=min(deadline - time.perf_counter(), CLUSTER_SHARE * left),
        )
        seconds["solver"] += time.perf_counter() - started
        if cluster is not None and cluster[0] < priced_bound:
            priced_bound, penalty, cluster_pairs = cluster
            bound = min(bound, priced_bound)
        could_improve = ~in_model & (penalty >= -(priced_bound - objective) - RC_TOLERANCE)
        extra = int(could_improve.sum())
        seconds["could_improve"] = extra
        if extra == 0:
            bound = objective
        elif extra <= WIDE_MIP_FACTOR * model.n_columns and deadline > time.perf_counter():
            wider = build(in_model | could_improve, covers=True)
            wider_x, wider_info = mip(wider, model.columns[x])
            mip_rounds = 2
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
        greedy_objective=greedy_total,
        stats={
            "pairs": problem.n_pairs,
            "greedy_seconds": round(seconds["greedy"], 4),
            "pricing_rounds": rounds,
            "lp_converged": lp_bound is not None,
            "mip_rounds": mip_rounds,
            "mip_status": info["status"],
            "cluster_bound_pairs": cluster_pairs,
            "lagrangian_bound": None if lagrangian is None else round(lagrangian, 6),
            "steps": {k: round(v, 3) for k, v in seconds.items()},
            **{f"final_{k}": v for k, v in model.stats.items()},
        },
        final_model=model,
    )
