"""The global assignment against exhaustive enumeration on tiny day-level instances."""

import itertools
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.matching.assignment import (
    AssignmentError,
    AssignmentProblem,
    _cluster_bound,
    _first_columns,
    _solve_model_here,
    build_model,
    lagrangian_bound,
    reduced_costs,
    solve_assignment,
    solve_lp,
    solve_model,
)
from marketplace.matching.daysteps import DaySteps
from marketplace.matching.greedy import greedy_assignment

TIME_LIMIT = 30.0


def _windows(draw: st.DrawFn, n_days: int, values: st.SearchStrategy[int]) -> np.ndarray:
    """A day function made of a few stretches that start and end on any day."""
    cuts = sorted(set(draw(st.lists(st.integers(1, n_days - 1), max_size=3))))
    out = np.zeros(n_days, dtype=np.int64)
    for a, b in itertools.pairwise([0, *cuts, n_days]):
        out[a:b] = draw(values)
    return out


@st.composite
def problems(draw: st.DrawFn) -> AssignmentProblem:
    """2-3 needs, 1-3 specialists, 1-2 agencies over up to three weeks of days; periods
    start and end on any day, free capacity and agency caps change on any day."""
    n_days = draw(st.integers(2, 21))
    n_needs = draw(st.integers(1, 3))
    n_specs = draw(st.integers(1, 3))
    n_agencies = draw(st.integers(1, 2))
    free = np.array([_windows(draw, n_days, st.sampled_from((0, 30, 50, 60, 100)))
                     for _ in range(n_specs)])  # fmt: skip
    cap = np.array([_windows(draw, n_days, st.integers(0, 2)) for _ in range(n_agencies)])
    need_percent = draw(st.lists(st.sampled_from((20, 30, 40, 50, 60)), min_size=n_needs,
                                 max_size=n_needs))  # fmt: skip
    periods = []
    for _ in range(n_needs):
        first = draw(st.integers(0, n_days - 1))
        periods.append((first, draw(st.integers(first, n_days - 1))))
    pairs = []
    for n, s in itertools.product(range(n_needs), range(n_specs)):
        first, last = periods[n]
        if (free[s, first : last + 1] >= need_percent[n]).all() and draw(st.booleans()):
            pairs.append((n, s, draw(st.integers(0, 100)) / 100))
    pairs = pairs[:7]
    agency = np.array(
        draw(st.lists(st.integers(0, n_agencies - 1), min_size=n_specs, max_size=n_specs))
    )
    return AssignmentProblem(
        pair_need=np.array([p[0] for p in pairs], dtype=np.int64),
        pair_specialist=np.array([p[1] for p in pairs], dtype=np.int64),
        pair_score=np.array([p[2] for p in pairs], dtype=np.float64),
        pair_percent=np.array([need_percent[p[0]] for p in pairs], dtype=np.int64),
        pair_first=np.array([periods[p[0]][0] for p in pairs], dtype=np.int64),
        pair_last=np.array([periods[p[0]][1] for p in pairs], dtype=np.int64),
        need_headcount=np.array(
            draw(st.lists(st.integers(0, 2), min_size=n_needs, max_size=n_needs))
        ),
        free=DaySteps.from_dense(free),
        specialist_agency=agency,
        agency_cap=DaySteps.from_dense(cap),
    )


def _feasible(problem: AssignmentProblem, chosen: list[int]) -> bool:
    """Day by day: no specialist over their free capacity, no agency over its cap, no
    need over its headcount."""
    days = int(problem.pair_last.max(initial=0)) + 1
    free = problem.free.to_dense(days)
    cap = problem.agency_cap.to_dense(days)
    used = np.zeros_like(free)
    lent = np.zeros_like(cap)
    per_need = np.zeros_like(problem.need_headcount)
    for p in chosen:
        spec = problem.pair_specialist[p]
        per_need[problem.pair_need[p]] += 1
        for day in range(problem.pair_first[p], problem.pair_last[p] + 1):
            used[spec, day] += problem.pair_percent[p]
            lent[problem.specialist_agency[spec], day] += 1
    return (
        (used <= free).all()
        and (lent <= cap).all()
        and (per_need <= problem.need_headcount).all()
        and len(set(chosen)) == len(chosen)
    )


def _brute_force_best(problem: AssignmentProblem) -> float:
    best = 0.0
    for size in range(problem.n_pairs + 1):
        for subset in itertools.combinations(range(problem.n_pairs), size):
            if _feasible(problem, list(subset)):
                best = max(best, float(problem.pair_score[list(subset)].sum()))
    return best


@settings(max_examples=120, deadline=None)
@given(problems())
def test_assignment_total_equals_brute_force_optimum_by_day(problem: AssignmentProblem) -> None:
    result = solve_assignment(problem, time_limit=TIME_LIMIT)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(_brute_force_best(problem), abs=1e-6)


@settings(max_examples=120, deadline=None)
@given(problems())
def test_assignment_never_overcommits_a_specialist_or_breaks_the_agency_cap_on_any_day(
    problem: AssignmentProblem,
) -> None:
    result = solve_assignment(problem, time_limit=TIME_LIMIT)
    assert _feasible(problem, result.chosen.tolist())


@settings(max_examples=120, deadline=None)
@given(problems())
def test_greedy_assignment_is_feasible_on_every_day(problem: AssignmentProblem) -> None:
    assert _feasible(problem, greedy_assignment(problem).tolist())


@settings(max_examples=100, deadline=None)
@given(problems(), st.data())
def test_greedy_repair_of_any_pair_set_is_a_feasible_subset(
    problem: AssignmentProblem, data: st.DataObject
) -> None:
    wanted = data.draw(st.sets(st.integers(0, max(problem.n_pairs - 1, 0))))
    wanted = np.array(sorted(p for p in wanted if p < problem.n_pairs), dtype=np.int64)
    repaired = greedy_assignment(problem, wanted)
    assert set(repaired.tolist()) <= set(wanted.tolist())
    assert _feasible(problem, repaired.tolist())


@settings(max_examples=100, deadline=None)
@given(problems())
def test_assignment_bounds_are_never_below_the_optimum(problem: AssignmentProblem) -> None:
    result = solve_assignment(problem, time_limit=TIME_LIMIT)
    assert result.lp_bound is not None
    assert result.lp_bound >= result.objective - 1e-6
    assert result.dual_bound >= result.objective - 1e-6
    assert result.gap == 0.0


@settings(max_examples=100, deadline=None)
@given(problems())
def test_every_row_of_the_model_holds_for_every_feasible_assignment(
    problem: AssignmentProblem,
) -> None:
    """The rows (elementary intervals, dominance removed, covers) cut off no day-feasible
    assignment: the model is exact, not merely safe."""
    model = build_model(problem)
    column_of = {int(p): k for k, p in enumerate(model.columns)}
    for size in range(problem.n_pairs + 1):
        for subset in itertools.combinations(range(problem.n_pairs), size):
            if not _feasible(problem, list(subset)):
                continue
            x = np.zeros(model.n_columns)
            x[[column_of[p] for p in subset]] = 1
            assert (model.a @ x <= model.b_upper + 1e-9).all()


def _random_problem(seed: int, n_needs: int, n_specs: int, n_days: int = 84) -> AssignmentProblem:
    rng = np.random.default_rng(seed)
    cuts = np.sort(rng.integers(1, n_days, size=(n_specs, 3)), axis=1)
    levels = rng.choice([0, 20, 40, 50, 100], size=(n_specs, 4))
    day = np.arange(n_days)
    free = levels[np.arange(n_specs)[:, None], (day[None, :] >= cuts[:, :, None]).sum(axis=1)]
    need_first = rng.integers(0, n_days - 1, n_needs)
    need_last = np.minimum(need_first + rng.integers(0, 40, n_needs), n_days - 1)
    need_percent = rng.choice([10, 20, 40, 50], n_needs)
    pair_need, pair_spec = np.meshgrid(np.arange(n_needs), np.arange(n_specs), indexing="ij")
    pair_need, pair_spec = pair_need.ravel(), pair_spec.ravel()
    fits = np.array(
        [
            (free[s, need_first[n] : need_last[n] + 1] >= need_percent[n]).all()
            for n, s in zip(pair_need, pair_spec, strict=True)
        ]
    )
    keep = fits & (rng.random(fits.shape[0]) < 0.5)
    pair_need, pair_spec = pair_need[keep], pair_spec[keep]
    return AssignmentProblem(
        pair_need=pair_need,
        pair_specialist=pair_spec,
        pair_score=np.round(rng.random(pair_need.shape[0]), 2),
        pair_percent=need_percent[pair_need],
        pair_first=need_first[pair_need],
        pair_last=need_last[pair_need],
        need_headcount=rng.integers(1, 3, n_needs),
        free=DaySteps.from_dense(free),
        specialist_agency=rng.integers(0, 4, n_specs),
        agency_cap=DaySteps.constant(np.full(4, n_specs // 10)),
    )


def test_assignment_gives_identical_pairs_for_identical_input() -> None:
    first = solve_assignment(_random_problem(7, 60, 40), time_limit=TIME_LIMIT)
    second = solve_assignment(_random_problem(7, 60, 40), time_limit=TIME_LIMIT)
    assert first.chosen.tolist() == second.chosen.tolist()
    assert first.objective == second.objective


def test_assignment_of_no_pairs_is_empty_and_optimal() -> None:
    problem = _random_problem(1, 3, 2)
    empty = AssignmentProblem(
        pair_need=problem.pair_need[:0],
        pair_specialist=problem.pair_specialist[:0],
        pair_score=problem.pair_score[:0],
        pair_percent=problem.pair_percent[:0],
        pair_first=problem.pair_first[:0],
        pair_last=problem.pair_last[:0],
        need_headcount=problem.need_headcount,
        free=problem.free,
    )
    result = solve_assignment(empty, time_limit=TIME_LIMIT)
    assert result.chosen.size == 0
    assert result.status == "optimal"


def _full_model_optimum(problem: AssignmentProblem) -> float:
    x, info = solve_model(build_model(problem), time_limit=TIME_LIMIT)
    assert info["status"] == "optimal"
    return float(problem.pair_score[x].sum())


@pytest.mark.parametrize("seed", range(6))
def test_assignment_agrees_with_the_whole_model_solved_directly(seed: int) -> None:
    problem = _random_problem(seed, 80, 50)
    optimum = _full_model_optimum(problem)
    result = solve_assignment(problem, time_limit=TIME_LIMIT)
    assert result.objective <= optimum + 1e-6
    assert result.dual_bound >= optimum - 1e-6
    if result.status == "optimal":
        assert result.objective == pytest.approx(optimum, abs=1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_assignment_lp_bound_is_the_lp_relaxation_of_the_whole_model(seed: int) -> None:
    problem = _random_problem(seed, 80, 50)
    whole = build_model(problem, covers=False)
    lp_value, _duals, _x, _seconds = solve_lp(whole, time_limit=TIME_LIMIT)
    result = solve_assignment(problem, time_limit=TIME_LIMIT)
    assert result.lp_bound == pytest.approx(lp_value, abs=1e-5)


@pytest.mark.parametrize("seed", range(4))
def test_reduced_costs_of_model_columns_are_their_columns_priced_by_the_duals(seed: int) -> None:
    """Pricing every pair by the rows' days gives each column of the model exactly its
    own coefficients: the bound from the duals prices what the model holds."""
    problem = _random_problem(seed, 80, 50)
    subset = build_model(problem, np.flatnonzero(_first_columns(problem)))
    _value, duals, _x, _seconds = solve_lp(subset, time_limit=TIME_LIMIT)
    rc = reduced_costs(problem, subset, duals)
    direct = problem.pair_score[subset.columns] - subset.a.T @ duals
    assert rc[subset.columns] == pytest.approx(direct, abs=1e-9)


@pytest.mark.parametrize("seed", range(8))
def test_cluster_bound_holds_for_the_optimum_and_each_pair_it_would_exclude(seed: int) -> None:
    """score·x ≤ bound + Σ_{penalty_p < 0} penalty_p·x_p for the optimal x: what lets a run
    leave out the pairs whose penalty is below −(bound − its total) and still be exact."""
    problem = _random_problem(seed, 80, 50)
    x, info = solve_model(build_model(problem), time_limit=TIME_LIMIT)
    assert info["status"] == "optimal"
    optimum = float(problem.pair_score[x].sum())
    subset = build_model(problem, np.flatnonzero(_first_columns(problem)))
    _value, duals, lp_x, _seconds = solve_lp(subset, time_limit=TIME_LIMIT)

    cluster = _cluster_bound(problem, subset, duals, lp_x, time_limit=TIME_LIMIT)

    assert cluster is not None  # random instances of this size have a fractional LP
    bound, penalty, _pairs = cluster
    assert bound >= optimum - 1e-6
    assert optimum <= bound + float(np.minimum(penalty[x], 0.0).sum()) + 1e-6


@pytest.mark.parametrize("seed", range(4))
def test_assignment_cut_short_by_its_time_limit_is_never_below_greedy(seed: int) -> None:
    problem = _random_problem(seed, 200, 60)
    greedy_total = float(problem.pair_score[greedy_assignment(problem)].sum())
    for limit in (0.0, 0.01, 0.05):
        result = solve_assignment(problem, time_limit=limit)
        assert result.objective >= greedy_total - 1e-9
        assert result.greedy_objective == pytest.approx(greedy_total)
        assert result.dual_bound >= result.objective - 1e-9
        assert _feasible(problem, result.chosen.tolist())


@settings(max_examples=150, deadline=None)
@given(problems(), st.integers(0, 3))
def test_lagrangian_bound_is_never_below_the_day_exact_optimum(
    problem: AssignmentProblem, seed: int
) -> None:
    """From any starting prices (the restricted LP's duals, or random ones) and after
    any number of subgradient steps, the bound holds for the brute-force optimum."""
    optimum = _brute_force_best(problem)
    subset = build_model(problem, np.flatnonzero(_first_columns(problem)))
    rng = np.random.default_rng(seed)
    starts = [np.zeros(subset.a.shape[0]), rng.random(subset.a.shape[0])]
    if problem.n_pairs:
        starts.append(solve_lp(subset, time_limit=TIME_LIMIT)[1])
    for y in starts:
        for iterations in (1, 3, 40):
            bound = lagrangian_bound(
                problem, subset, y, 0.0, deadline=float("inf"), iterations=iterations
            )
            assert bound >= optimum - 1e-6


@pytest.mark.parametrize("seed", range(4))
def test_lagrangian_bound_from_the_lp_duals_comes_close_to_the_optimum(seed: int) -> None:
    problem = _random_problem(seed, 80, 50)
    x, info = solve_model(build_model(problem), time_limit=TIME_LIMIT)
    assert info["status"] == "optimal"
    optimum = float(problem.pair_score[x].sum())
    subset = build_model(problem, np.flatnonzero(_first_columns(problem)))
    _value, duals, _x, _seconds = solve_lp(subset, time_limit=TIME_LIMIT)
    bound = lagrangian_bound(problem, subset, duals, optimum, deadline=float("inf"))
    assert optimum - 1e-6 <= bound <= 1.05 * optimum


@pytest.mark.parametrize("seed", range(3))
def test_solve_model_in_its_child_process_gives_what_highs_gives_in_this_one(seed: int) -> None:
    problem = _random_problem(seed, 60, 40)
    model = build_model(problem)
    start = np.isin(model.columns, greedy_assignment(problem))
    here_x, here = _solve_model_here(model, time_limit=TIME_LIMIT, start=start, rows=None)
    child_x, child = solve_model(model, time_limit=TIME_LIMIT, start=start)
    assert child_x.tolist() == here_x.tolist()
    assert (child["status"], child["dual_bound"]) == (here["status"], here["dual_bound"])


def test_a_solver_that_overruns_its_time_limit_is_stopped(monkeypatch) -> None:
    """HiGHS 1.16 can run far past its time limit once it holds an incumbent; the call
    must come back soon after the limit all the same (the child is killed)."""
    import marketplace.matching.assignment as assignment

    def overrunning(*_args, **_kwargs):
        time.sleep(60)

    monkeypatch.setattr(assignment, "_solve_model_here", overrunning)
    model = build_model(_random_problem(0, 10, 5))
    started = time.perf_counter()
    with pytest.raises(AssignmentError, match="overran"):
        solve_model(model, time_limit=0.5)
    assert time.perf_counter() - started < 0.5 + assignment.SOLVER_GRACE_SECONDS + 2.0
