"""The global assignment against exhaustive enumeration on tiny instances."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.matching.assignment import (
    AssignmentError,
    AssignmentProblem,
    _cluster_bound,
    _first_columns,
    build_model,
    solve_assignment,
    solve_lp,
    solve_model,
)

TIME_LIMIT = 30.0


@st.composite
def problems(draw: st.DrawFn) -> AssignmentProblem:
    n_needs = draw(st.integers(1, 3))
    n_specs = draw(st.integers(1, 3))
    n_weeks = draw(st.integers(1, 4))
    n_agencies = draw(st.integers(1, 2))
    free = np.array(
        draw(
            st.lists(
                st.lists(st.integers(0, 100), min_size=n_weeks, max_size=n_weeks),
                min_size=n_specs,
                max_size=n_specs,
            )
        ),
        dtype=np.int16,
    )
    need_percent = draw(st.lists(st.integers(1, 100), min_size=n_needs, max_size=n_needs))
    need_weeks = []
    for _ in range(n_needs):
        first = draw(st.integers(0, n_weeks - 1))
        need_weeks.append((first, draw(st.integers(first, n_weeks - 1))))
    pairs = []
    for n, s in itertools.product(range(n_needs), range(n_specs)):
        first, last = need_weeks[n]
        if (free[s, first : last + 1] >= need_percent[n]).all() and draw(st.booleans()):
            pairs.append((n, s, draw(st.integers(0, 100)) / 100))
    pairs = pairs[:6]
    agency = np.array(
        draw(st.lists(st.integers(0, n_agencies - 1), min_size=n_specs, max_size=n_specs))
    )
    cap = np.array(
        draw(
            st.lists(
                st.lists(st.integers(0, 3), min_size=n_weeks, max_size=n_weeks),
                min_size=n_agencies,
                max_size=n_agencies,
            )
        )
    )
    return AssignmentProblem(
        pair_need=np.array([p[0] for p in pairs], dtype=np.int64),
        pair_specialist=np.array([p[1] for p in pairs], dtype=np.int64),
        pair_score=np.array([p[2] for p in pairs], dtype=np.float64),
        pair_percent=np.array([need_percent[p[0]] for p in pairs], dtype=np.int64),
        pair_week_first=np.array([need_weeks[p[0]][0] for p in pairs], dtype=np.int64),
        pair_week_last=np.array([need_weeks[p[0]][1] for p in pairs], dtype=np.int64),
        need_headcount=np.array(
            draw(st.lists(st.integers(0, 2), min_size=n_needs, max_size=n_needs))
        ),
        free_by_week=free,
        specialist_agency=agency,
        agency_cap=cap,
    )


def _feasible(problem: AssignmentProblem, chosen: list[int]) -> bool:
    n_weeks = problem.free_by_week.shape[1]
    used = np.zeros_like(problem.free_by_week, dtype=np.int64)
    lent = np.zeros_like(problem.agency_cap, dtype=np.int64)
    per_need = np.zeros_like(problem.need_headcount)
    for p in chosen:
        weeks = range(problem.pair_week_first[p], problem.pair_week_last[p] + 1)
        spec = problem.pair_specialist[p]
        per_need[problem.pair_need[p]] += 1
        for w in weeks:
            used[spec, w] += problem.pair_percent[p]
            lent[problem.specialist_agency[spec], w] += 1
    assert lent.shape[1] == n_weeks
    return (
        (used <= problem.free_by_week).all()
        and (lent <= problem.agency_cap).all()
        and (per_need <= problem.need_headcount).all()
    )


def _brute_force_best(problem: AssignmentProblem) -> float:
    best = 0.0
    for size in range(problem.n_pairs + 1):
        for subset in itertools.combinations(range(problem.n_pairs), size):
            if _feasible(problem, list(subset)):
                best = max(best, float(problem.pair_score[list(subset)].sum()))
    return best


@settings(max_examples=150, deadline=None)
@given(problems())
def test_assignment_total_equals_brute_force_optimum(problem: AssignmentProblem) -> None:
    result = solve_assignment(problem, time_limit=TIME_LIMIT)
    assert result.status == "optimal"
    assert abs(result.objective - _brute_force_best(problem)) < 1e-6


@settings(max_examples=150, deadline=None)
@given(problems())
def test_assignment_never_exceeds_capacity_headcount_or_agency_cap(
    problem: AssignmentProblem,
) -> None:
    result = solve_assignment(problem, time_limit=TIME_LIMIT)
    assert _feasible(problem, result.chosen.tolist())


@settings(max_examples=100, deadline=None)
@given(problems())
def test_assignment_lp_bound_is_never_below_the_optimum(problem: AssignmentProblem) -> None:
    result = solve_assignment(problem, time_limit=TIME_LIMIT)
    assert result.lp_bound is not None
    assert result.lp_bound >= result.objective - 1e-6
    assert result.gap == 0.0


def _random_problem(seed: int, n_needs: int, n_specs: int) -> AssignmentProblem:
    rng = np.random.default_rng(seed)
    n_weeks = 12
    free = rng.choice([0, 20, 40, 50, 100], size=(n_specs, n_weeks)).astype(np.int16)
    need_first = rng.integers(0, n_weeks - 1, n_needs)
    need_last = np.minimum(need_first + rng.integers(0, 6, n_needs), n_weeks - 1)
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
        pair_week_first=need_first[pair_need],
        pair_week_last=need_last[pair_need],
        need_headcount=rng.integers(1, 3, n_needs),
        free_by_week=free,
        specialist_agency=rng.integers(0, 4, n_specs),
        agency_cap=np.full((4, n_weeks), n_specs // 10),
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
        pair_week_first=problem.pair_week_first[:0],
        pair_week_last=problem.pair_week_last[:0],
        need_headcount=problem.need_headcount,
        free_by_week=problem.free_by_week,
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


def test_assignment_that_cannot_finish_in_time_raises() -> None:
    with pytest.raises(AssignmentError):
        solve_assignment(_random_problem(3, 60, 40), time_limit=0)
