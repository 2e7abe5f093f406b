"""Global matching runs: execute one (a Celery worker; matching_run_start queues it).

A run loads every open need and every specialist, collects the feasible pairs with their
scores, solves the global assignment (`marketplace.matching.assignment`) and writes the
chosen pairs as `proposed` matches through `matches_propose_from_run`. Nothing is
written until the solve is over, and then in one transaction together with the run's
`done` status, so a run that fails or whose worker dies leaves no proposal behind.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from marketplace.audit import audit_record
from marketplace.matching.assignment import AssignmentProblem, AssignmentResult, solve_assignment
from marketplace.matching.daysteps import DaySteps
from marketplace.matching.problem import NeedSpec, SpecialistIndex
from marketplace.matching.shortlist import (
    breakdown_for,
    feasible_candidates,
    rows_to_check,
    skill_postings,
)
from marketplace.models import (
    ACTIVE_MATCH_STATUSES,
    RESERVING_MATCH_STATUSES,
    Match,
    MatchingRun,
    MatchingRunStatus,
)
from marketplace.selectors.specialist_index import (
    build_specialist_index,
    open_need_specs,
)
from marketplace.services.matches import Proposal, matches_propose_from_run

logger = logging.getLogger(__name__)

PHASES = ("load", "candidates", "build", "solve", "write")
# A worker that dies mid-run gets its task redelivered (acks_late); it is re-run once,
# and a second loss fails the run instead of looping on whatever killed the worker.
RESTART_NOTE = "Restarted after the worker running it was lost."
# Specialists per block when reading free capacity by day (bounds the dense block).
FREE_BLOCK_ROWS = 8192


# Executing --------------------------------------------------------------------------------


class _Superseded(Exception):
    """Another attempt took the run over (or it was ended) while this one worked."""


@dataclass
class _Inputs:
    index: SpecialistIndex
    needs: list[NeedSpec]
    taken: dict[int, set[int]]  # need id -> specialists with an active match for it
    remaining: dict[int, int]  # need id -> places left (headcount − active matches)
    reserved_by_agency: list[tuple[int, object, object]]  # (agency id, start, end)


@dataclass
class _Candidates:
    problem: AssignmentProblem
    specialist_rows: np.ndarray  # problem's specialist index -> index row
    need_of: list[NeedSpec]  # dense need index -> need
    pair_position: np.ndarray  # position of each pair in its need's detail arrays
    details: list[Mapping[str, np.ndarray]]  # per dense need: feasible_candidates' detail
    weights: Mapping[str, float]


def _load() -> _Inputs:
    # Built fresh, not the warm shared index: a global run must see every write so far.
    index = build_specialist_index(today=timezone.localdate())
    needs = open_need_specs()
    need_ids = [need.id for need in needs]
    taken: dict[int, set[int]] = defaultdict(set)
    for need_id, specialist_id in Match.objects.filter(
        need_id__in=need_ids, status__in=ACTIVE_MATCH_STATUSES
    ).values_list("need_id", "specialist_id"):
        taken[need_id].add(specialist_id)
    remaining = {need.id: need.headcount - len(taken.get(need.id, ())) for need in needs}
    reserved = list(
        Match.objects.filter(status__in=RESERVING_MATCH_STATUSES, end__gte=index.day0)
        .values_list("specialist_agency_id", "start", "end")
        .order_by("pk")
    )
    return _Inputs(
        index=index, needs=needs, taken=taken, remaining=remaining, reserved_by_agency=reserved
    )


def _agency_caps(
    index: SpecialistIndex,
    reserved: Sequence[tuple[int, date, date]],
    cap_share: float,
    n_days: int,
) -> tuple[np.ndarray, DaySteps]:
    """Dense agency of each specialist row, and the engagements each may still add by day.

    An agency may have at most floor(cap_share × its shareable specialists) engagements
    running on any day; its approved and accepted matches already count against it on
    the days they cover. Days count from the index's day 0.
    """
    agency_ids, specialist_agency = np.unique(index.agency_ids, return_inverse=True)
    shareable = np.bincount(
        specialist_agency, weights=index.shareable.astype(np.float64), minlength=len(agency_ids)
    )
    cap = np.floor(cap_share * shareable + 1e-9).astype(np.int64)
    running = np.zeros((len(agency_ids), n_days + 1), dtype=np.int64)
    dense = {int(agency_id): k for k, agency_id in enumerate(agency_ids)}
    for agency_id, start, end in reserved:
        k = dense.get(int(agency_id))
        first = max((start - index.day0).days, 0)
        last = min((end - index.day0).days, n_days - 1)
        if k is None or last < first:
            continue
        running[k, first] += 1
        running[k, last + 1] -= 1
    engaged = np.cumsum(running, axis=1)[:, :n_days]
    return specialist_agency, DaySteps.from_dense(np.maximum(cap[:, None] - engaged, 0))


def _free_steps(index: SpecialistIndex, rows: np.ndarray, n_days: int) -> DaySteps:
    """Free capacity by day of the given index rows over the problem's days."""
    last = index.day0 + timedelta(days=max(n_days - 1, 0))
    return DaySteps.concatenate(
        [
            DaySteps.from_dense(index.free_by_day(rows[k : k + FREE_BLOCK_ROWS], index.day0, last))
            for k in range(0, max(len(rows), 1), FREE_BLOCK_ROWS)
        ]
    )


def _collect_candidates(inputs: _Inputs, *, weights: Mapping[str, float]) -> _Candidates:
    index = inputs.index
    need_of: list[NeedSpec] = []
    details: list[Mapping[str, np.ndarray]] = []
    parts: dict[str, list[np.ndarray]] = defaultdict(list)
    headcounts: list[int] = []
    postings = skill_postings(index)
    for need in sorted(inputs.needs, key=lambda spec: spec.id):
        places = inputs.remaining.get(need.id, 0)
        if places <= 0 or need.end < index.day0:
            continue
        within = rows_to_check(index, need, postings)
        rows, scores, detail = feasible_candidates(index, need, weights, within=within)
        positions = np.arange(len(rows), dtype=np.int64)
        taken = inputs.taken.get(need.id)
        if taken and len(rows):
            fresh = ~np.isin(index.ids[rows], np.fromiter(taken, dtype=np.int64))
            rows, scores, positions = rows[fresh], scores[fresh], positions[fresh]
        if not len(rows):
            continue
        k = len(need_of)
        need_of.append(need)
        details.append(detail)
        headcounts.append(places)
        count = len(rows)
        parts["need"].append(np.full(count, k, dtype=np.int64))
        parts["specialist"].append(rows.astype(np.int64))
        parts["score"].append(scores.astype(np.float64))
        parts["percent"].append(np.full(count, need.capacity_percent, dtype=np.int64))
        # Days count from the index's day 0 (today); the days of a need already past
        # hold nothing more to plan.
        parts["first"].append(np.full(count, max((need.start - index.day0).days, 0)))
        parts["last"].append(np.full(count, (need.end - index.day0).days, dtype=np.int64))
        parts["position"].append(positions)

    def joined(name: str, dtype: type) -> np.ndarray:
        return np.concatenate(parts[name]) if parts[name] else np.zeros(0, dtype=dtype)

    pair_last = joined("last", np.int64)
    n_days = int(pair_last.max(initial=0)) + 1
    specialist_agency, agency_cap = _agency_caps(
        index, inputs.reserved_by_agency, float(settings.MATCHING_AGENCY_OUTFLOW_CAP), n_days
    )
    # The problem knows only the specialists some pair names, numbered densely.
    pair_rows = joined("specialist", np.int64)
    named = np.zeros(len(index), dtype=bool)
    named[pair_rows] = True
    specialist_rows = np.flatnonzero(named)
    pair_specialist = (np.cumsum(named) - 1)[pair_rows]
    problem = AssignmentProblem(
        pair_need=joined("need", np.int64),
        pair_specialist=pair_specialist.astype(np.int64),
        pair_score=joined("score", np.float64),
        pair_percent=joined("percent", np.int64),
        pair_first=joined("first", np.int64),
        pair_last=pair_last,
        need_headcount=np.asarray(headcounts, dtype=np.int64),
        free=_free_steps(index, specialist_rows, n_days),
        specialist_agency=specialist_agency[specialist_rows],
        agency_cap=agency_cap,
    )
    return _Candidates(
        problem=problem,
        specialist_rows=specialist_rows,
        need_of=need_of,
        pair_position=joined("position", np.int64),
        details=details,
        weights=weights,
    )


def _proposals(candidates: _Candidates, index: SpecialistIndex, chosen: np.ndarray) -> list:
    problem = candidates.problem
    proposals: list[Proposal] = []
    for p in chosen.tolist():
        k = int(problem.pair_need[p])
        need = candidates.need_of[k]
        row = int(candidates.specialist_rows[problem.pair_specialist[p]])
        score = float(problem.pair_score[p])
        proposals.append(
            Proposal(
                need_id=need.id,
                specialist_id=int(index.ids[row]),
                score=score,
                breakdown=breakdown_for(
                    index,
                    need,
                    candidates.details[k],
                    int(candidates.pair_position[p]),
                    row,
                    score,
                    candidates.weights,
                ),
            )
        )
    return proposals


def _claim(run_id: int) -> MatchingRun | None:
    """Mark the run running for this attempt; None when there is nothing (more) to do."""
    with transaction.atomic():
        run = MatchingRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status in (MatchingRunStatus.DONE, MatchingRunStatus.FAILED):
            return None
        now = timezone.now()
        before = {"status": run.status}
        if run.status == MatchingRunStatus.RUNNING:
            if RESTART_NOTE in run.error:
                run.status = MatchingRunStatus.FAILED
                run.error = "The worker running it was lost twice."
                run.finished_at = now
                run.save(update_fields=["status", "error", "finished_at"])
                audit_record(
                    actor=None,
                    action="matching_run.fail",
                    target=run,
                    before=before,
                    after={"status": run.status, "error": run.error},
                )
                return None
            run.error = RESTART_NOTE
        run.status = MatchingRunStatus.RUNNING
        run.started_at = now
        run.phase_seconds = {}
        run.save(update_fields=["status", "error", "started_at", "phase_seconds"])
        audit_record(
            actor=None,
            action="matching_run.restart" if run.error else "matching_run.run",
            target=run,
            before=before,
            after={"status": run.status},
        )
        return run


@transaction.atomic
def _fail(run: MatchingRun, error: str, phases: dict[str, float]) -> None:
    now = timezone.now()
    failed = MatchingRun.objects.filter(
        pk=run.pk, status=MatchingRunStatus.RUNNING, started_at=run.started_at
    ).update(
        status=MatchingRunStatus.FAILED,
        error=error[:2000],
        phase_seconds=phases,
        finished_at=now,
        duration_seconds=(now - run.started_at).total_seconds(),
    )
    if failed:
        audit_record(
            actor=None,
            action="matching_run.fail",
            target=run,
            before={"status": MatchingRunStatus.RUNNING},
            after={"status": MatchingRunStatus.FAILED, "error": error[:2000]},
        )


def _model_stats(result: AssignmentResult) -> dict:
    """What the final model held: pairs considered, columns, rows by kind, solver time."""
    stats = result.stats
    return {
        "pairs": int(stats.get("pairs", 0)),
        "columns": int(stats.get("final_columns", 0)),
        "need_rows": int(stats.get("final_need_rows", 0)),
        "capacity_rows": int(stats.get("final_capacity_rows", 0)),
        "fairness_rows": int(stats.get("final_fairness_rows", 0)),
        "cover_rows": int(stats.get("final_cover_rows", 0)),
        "nonzeros": int(stats.get("final_nonzeros", 0)),
        "solver_seconds": round(result.solver_seconds, 4),
        "status": result.status,
    }


def matching_run_execute(*, run_id: int, time_limit: float | None = None) -> MatchingRun | None:
    """Do the run's work: load, candidates, build, solve, write; record each phase's time.

    Safe to call twice: a run already done or failed is left alone, and a run left
    `running` by a lost worker is redone from scratch (its proposals were never written,
    since they are written in one transaction with the `done` status). Any error ends
    the run `failed` with the message and nothing written; it is not raised, so a task
    never retries a run that cannot succeed. Returns the run as it ended (None if
    missing).
    """
    run = _claim(run_id)
    if run is None:
        return MatchingRun.objects.filter(pk=run_id).first()
    limit = float(settings.MATCHING_TIME_LIMIT_SECONDS if time_limit is None else time_limit)
    phases: dict[str, float] = {}
    clock = time.perf_counter()
    started = clock

    def lap(phase: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        phases[phase] = round(now - clock, 4)
        clock = now

    try:
        inputs = _load()
        lap("load")
        candidates = _collect_candidates(inputs, weights=settings.MATCHING_WEIGHTS)
        lap("candidates")
        problem = candidates.problem
        # The limit covers loading and collecting too: the solver gets what is left, so a
        # run's time until it writes stays within the setting at any scale.
        result = solve_assignment(problem, time_limit=max(limit - (clock - started), 0.0))
        # The solve interleaves building models and calling HiGHS; split its time so.
        phases["build"] = round(result.build_seconds, 4)
        phases["solve"] = round(time.perf_counter() - clock - result.build_seconds, 4)
        clock = time.perf_counter()
        proposals = _proposals(candidates, inputs.index, result.chosen)
        with transaction.atomic():
            current = MatchingRun.objects.select_for_update().get(pk=run.pk)
            if current.status != MatchingRunStatus.RUNNING or current.started_at != run.started_at:
                raise _Superseded
            created = matches_propose_from_run(run=current, proposals=proposals)
            lap("write")
            now = timezone.now()
            current.status = MatchingRunStatus.DONE
            current.proposals_created = len(created)
            current.total_score = round(result.objective, 6)
            current.lp_bound = None if result.lp_bound is None else round(result.lp_bound, 6)
            current.proven_bound = round(result.dual_bound, 6)
            current.gap = result.gap
            current.greedy_total = round(result.greedy_objective, 6)
            current.model_stats = _model_stats(result)
            current.phase_seconds = phases
            current.duration_seconds = round(time.perf_counter() - started, 4)
            current.error = ""
            current.finished_at = now
            current.save()
            audit_record(
                actor=None,
                action="matching_run.done",
                target=current,
                before={"status": MatchingRunStatus.RUNNING},
                after={
                    "status": current.status,
                    "proposals_created": current.proposals_created,
                    "total_score": current.total_score,
                },
            )
        return current
    except _Superseded:
        logger.info("Matching run %s was taken over by another attempt", run.pk)
        return MatchingRun.objects.get(pk=run.pk)
    except Exception as exc:
        logger.exception("Matching run %s failed", run.pk)
        _fail(run, f"{type(exc).__name__}: {exc}", phases)
        return MatchingRun.objects.get(pk=run.pk)
