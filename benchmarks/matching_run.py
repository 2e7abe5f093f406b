"""Benchmark of a global matching run end to end, against the bare solver and greedy.

    DATABASE_URL=postgres://... .venv/bin/python -m benchmarks.matching_run \\
        --needs 2000 --specialists 20000

Generates the synthetic population (benchmarks/synthetic.py, in a subprocess so its
memory is not counted) unless one of that size is already there, removes earlier runs'
proposals, then reports: the run's wall time and phases (through the real service, the
Celery task run in-process); the HiGHS time inside the run and a direct HiGHS call on
the run's final model (the floor), with end-to-end / floor; total score, LP bound, proven
bound, gap, and greedy's total beside the run's (the run starts from greedy's assignment,
so its total is never below); what the model held (pairs, rows by kind); the process's
peak memory and that of the largest solver child; the run's CPU time and the load
average before it, since other work on the machine stretches the wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children: beside the wall time, what
    the run cost when other work shares the machine."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the solver's forked MIPs
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ensure_population(args: argparse.Namespace) -> None:
    from benchmarks.synthetic import synthetic_counts

    if synthetic_counts() == (args.specialists, args.needs) and not args.regenerate:
        return
    command = [
        sys.executable,
        "-m",
        "benchmarks.synthetic",
        "--specialists",
        str(args.specialists),
        "--needs",
        str(args.needs),
        "--agencies",
        str(args.agencies),
        "--seed",
        str(args.seed),
        "--reset",
    ]
    print("generating:", " ".join(command[2:]), flush=True)
    subprocess.run(command, check=True)


def _clear_runs() -> None:
    """Proposals and runs of earlier benchmark runs, so every run sees the same input."""
    from marketplace.models import Match, MatchingRun, ProposedBy

    Match.objects.filter(proposed_by=ProposedBy.MATCHING_RUN).delete()
    MatchingRun.objects.all().delete()


def _coordinator():
    from accounts.models import Role, User

    user, _created = User.objects.get_or_create(
        email="bench-coordinator@example.invalid",
        defaults={"name": "Benchmark coordinator", "role": Role.COORDINATOR},
    )
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--needs", type=int, default=2000)
    parser.add_argument("--specialists", type=int, default=20000)
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--no-greedy", action="store_true")
    args = parser.parse_args()

    os.environ.pop("REDIS_URL", None)  # the task runs in this process, so it is measured
    from benchmarks.synthetic import ensure_database, setup_django

    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        ensure_database(os.environ["DATABASE_URL"])
    setup_django()
    from django.conf import settings

    from marketplace.matching.assignment import AssignmentError, solve_assignment, solve_model
    from marketplace.matching.greedy import greedy_assignment
    from marketplace.services import matching_run_start, matching_runs

    _ensure_population(args)
    _clear_runs()
    if args.time_limit is not None:
        settings.MATCHING_TIME_LIMIT_SECONDS = args.time_limit
    limit = float(settings.MATCHING_TIME_LIMIT_SECONDS)

    load_before = os.getloadavg()
    cpu_started = _cpu_seconds()
    started = time.perf_counter()
    run = matching_run_start.matching_run_start(actor=_coordinator())
    wall = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_started
    run.refresh_from_db()
    if run.status != "done":
        print(json.dumps({"status": run.status, "error": run.error, "wall_seconds": wall}))
        raise SystemExit(1)
    peak_run = _peak_mb()

    proposals_made = run.proposals_created
    _clear_runs()  # the same input again for the floor: no proposal of this run yet

    # The floor: the same arrays handed to the solver directly, in this process.
    inputs = matching_runs._load()
    problem = matching_runs._collect_candidates(inputs, weights=settings.MATCHING_WEIGHTS).problem
    direct_started = time.perf_counter()
    direct = solve_assignment(problem, time_limit=limit)
    direct_seconds = time.perf_counter() - direct_started
    final_model = direct.final_model
    bare_started = time.perf_counter()
    try:
        solve_model(final_model, time_limit=limit)
        bare: float | None = time.perf_counter() - bare_started
    except AssignmentError as exc:  # no solution within the limit from scratch
        print("bare final MIP:", exc, flush=True)
        bare = None

    report = {
        "needs": args.needs,
        "specialists": args.specialists,
        "pairs": problem.n_pairs,
        "status": run.status,
        "proposals": proposals_made,
        "wall_seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3),
        "load_average_before": [round(v, 2) for v in load_before],
        "phase_seconds": run.phase_seconds,
        "solve_assignment_seconds": round(direct_seconds, 3),
        "highs_seconds_in_solve": round(direct.solver_seconds, 3),
        "bare_final_mip_seconds": None if bare is None else round(bare, 3),
        "wall_over_highs_seconds": round(wall / max(direct.solver_seconds, 1e-9), 2),
        "wall_over_bare_final_mip": None if bare is None else round(wall / max(bare, 1e-9), 2),
        "total_score": run.total_score,
        "greedy_total": run.greedy_total,
        "total_not_below_greedy": run.total_score >= run.greedy_total - 1e-9,
        "lp_bound": run.lp_bound,  # the Lagrangian bound when lp_converged is false
        "proven_bound": run.proven_bound,
        "gap_percent": round(100 * (run.gap or 0.0), 4),
        "model_stats": run.model_stats,
        "direct_solve": {
            "total_score": round(direct.objective, 6),
            "proven_bound": round(direct.dual_bound, 6),
            "gap_percent": round(100 * direct.gap, 4),
        },
        "solver_stats": direct.stats,
        "peak_memory_mb_run": round(peak_run, 1),
    }
    if not args.no_greedy:
        greedy_started = time.perf_counter()
        chosen = greedy_assignment(problem)
        greedy_total = float(problem.pair_score[chosen].sum())
        report["greedy_seconds"] = round(time.perf_counter() - greedy_started, 3)
        # Of the run's total (the optimum when the gap is 0) and of the proven bound.
        report["greedy_percent_of_run_total"] = round(100 * greedy_total / run.total_score, 3)
        report["greedy_percent_of_bound"] = round(100 * greedy_total / direct.dual_bound, 3)
    report["peak_memory_mb"] = round(_peak_mb(), 1)
    # HiGHS's MIPs run in forked children (see solve_model): the largest of them.
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report["peak_memory_mb_solver_child"] = round(children, 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
