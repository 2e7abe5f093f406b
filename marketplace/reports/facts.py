"""The reports' facts and running totals, kept in the database as the data changes.

The summary report over 100,000 engagements cannot join engagements, matches, needs and
skills on every request, so the figures it needs are written when they change:

- **Facts**, one row per thing counted: a completed engagement (`ReportEngagementFact`:
  its local completion day, lending and borrowing agency, rate category, hours, ratings),
  a published need in a final state (`ReportNeedFact`: publication day, filled, filled
  late, required skills), a match approved or accepted (`ReportMatchFact`: the days from
  its need's publication, computed by the same database expression the report used).
- **Tallies**, running totals of those facts per day and per calendar month: shared hours
  and ratings per (lender, borrower), hours per (borrower, rate category), final and filled
  needs per agency, final needs per (required skill, level), and matches per (agency,
  stage, whole days waited). A period reads whole months from the month rows and its
  partial months from the day rows, so a year is twelve buckets, never 365 or 100,000.

The rule this imposes: **every write that changes a need, its skills, its matches or their
engagements calls `report_facts_refresh(need_ids=[...])` in the same transaction.** The
services do so at each state change (publishing needs nothing: only final needs, approved
matches and completed engagements count). The call is idempotent: it recomputes the
facts of the given needs from the source rows, and moves the tallies by the difference
between the old and the new facts. Writers outside the services (the demo seed, bulk
loads, the benchmark) call `report_facts_rebuild()` afterwards, which recomputes
everything. Tests hold the facts equal to a rebuild after random service calls, and the
report equal to the same figures computed from the source tables.

Agency rates are not facts: they are applied when the report is read, as before.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, models, transaction
from django.db.models import Exists, F, FloatField, Func, OuterRef, Q, Subquery
from django.utils import timezone

from marketplace.models import (
    Engagement,
    Match,
    MatchStatus,
    Need,
    NeedSkill,
    NeedStatus,
    ReportCategoryTally,
    ReportEngagementFact,
    ReportFillTally,
    ReportMatchFact,
    ReportNeedFact,
    ReportSharedTally,
    ReportSkillTally,
    ReportWaitTally,
    TallyGrain,
    WaitStage,
)

FINAL_NEED_STATUSES = (NeedStatus.FILLED, NeedStatus.CLOSED)
FILLING_MATCH_STATUSES = (MatchStatus.ACCEPTED, MatchStatus.COMPLETED)
TALLIES = (
    ReportCategoryTally,
    ReportFillTally,
    ReportSharedTally,
    ReportSkillTally,
    ReportWaitTally,
)
BATCH = 5000


class DaysBetween(Func):
    """(end − start) in days, fractional, for two datetime expressions."""

    output_field = FloatField()
    arity = 2

    def __init__(self, end, start) -> None:
        super().__init__(end, start)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0",
            arg_joiner=" - ",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra_context,
        )


def local_day(moment: dt.datetime) -> dt.date:
    """The day of `moment` in the site's time zone: the day a report period counts it in."""
    return timezone.localtime(moment).date()


# What each fact adds to the tallies --------------------------------------------------------

Key = tuple[type[models.Model], tuple[tuple[str, object], ...]]


def _buckets(day: dt.date) -> tuple[tuple[str, dt.date], ...]:
    return ((TallyGrain.DAY, day), (TallyGrain.MONTH, day.replace(day=1)))


def _engagement_parts(fact: ReportEngagementFact) -> Iterable[tuple[Key, dict]]:
    shared: dict[str, object] = {"engagements": 1, "hours": fact.hours}
    if fact.need_rating:
        shared[f"need_rating_{fact.need_rating}"] = 1
    if fact.specialist_rating:
        shared[f"specialist_rating_{fact.specialist_rating}"] = 1
    for grain, bucket in _buckets(fact.completed_on):
        base = (("grain", grain), ("bucket", bucket))
        pair = (("lender_id", fact.lender_id), ("borrower_id", fact.borrower_id))
        yield (ReportSharedTally, (*base, *pair)), shared
        category = (("borrower_id", fact.borrower_id), ("rate_category", fact.rate_category))
        yield (ReportCategoryTally, (*base, *category)), {"hours": fact.hours}


def _need_parts(fact: ReportNeedFact) -> Iterable[tuple[Key, dict]]:
    for grain, bucket in _buckets(fact.published_on):
        base = (("grain", grain), ("bucket", bucket))
        yield (
            (ReportFillTally, (*base, ("agency_id", fact.agency_id))),
            {"needs_final": 1, "needs_filled": int(fact.filled)},
        )
        for skill_id, min_level in fact.required_skills:
            yield (
                (ReportSkillTally, (*base, ("skill_id", skill_id), ("min_level", min_level))),
                {
                    "needs": 1,
                    "unfilled": int(not fact.filled),
                    "filled_late": int(fact.filled_late),
                },
            )


def _match_parts(fact: ReportMatchFact) -> Iterable[tuple[Key, dict]]:
    stages = (
        (WaitStage.APPROVED, fact.approved_on, fact.approved_whole_days),
        (WaitStage.ACCEPTED, fact.accepted_on, fact.accepted_whole_days),
    )
    for stage, day, whole_days in stages:
        if day is None or whole_days is None:
            continue
        for grain, bucket in _buckets(day):
            key = (
                ("grain", grain),
                ("bucket", bucket),
                ("agency_id", fact.agency_id),
                ("stage", stage),
                ("whole_days", whole_days),
            )
            yield (ReportWaitTally, key), {"matches": 1}


def _parts(fact: models.Model) -> Iterable[tuple[Key, dict]]:
    if isinstance(fact, ReportEngagementFact):
        return _engagement_parts(fact)
    if isinstance(fact, ReportNeedFact):
        return _need_parts(fact)
    return _match_parts(fact)


@dataclass
class _Totals:
    """Measure changes per tally row, summed before anything is written."""

    rows: dict[Key, dict[str, object]]

    @classmethod
    def empty(cls) -> _Totals:
        return cls(rows=defaultdict(dict))

    def add(self, fact: models.Model, sign: int = 1) -> None:
        for key, measures in _parts(fact):
            row = self.rows[key]
            for name, value in measures.items():
                row[name] = row.get(name, 0) + sign * value

    def nonzero(self) -> list[tuple[Key, dict[str, object]]]:
        changed = []
        for key, measures in self.rows.items():
            kept = {name: value for name, value in measures.items() if value}
            if kept:
                changed.append((key, kept))
        # One order for every writer: concurrent refreshes lock tally rows without a cycle.
        changed.sort(key=lambda item: (item[0][0].__name__, [str(v) for _, v in item[0][1]]))
        return changed


# Facts from the source rows ---------------------------------------------------------------


def _engagement_facts(need_ids: list[int] | None) -> list[ReportEngagementFact]:
    first_required = (
        NeedSkill.objects.filter(need_id=OuterRef("match__need_id"), required=True)
        .order_by("id")
        .values("skill__category")[:1]
    )
    engagements = Engagement.objects.all()
    if need_ids is not None:
        engagements = engagements.filter(match__need_id__in=need_ids)
    rows = engagements.order_by().values_list(
        "pk",
        "match__need_id",
        "completed_at",
        "match__specialist__agency_id",
        "match__need__agency_id",
        Subquery(first_required),
        "hours",
        "need_rating",
        "specialist_rating",
    )
    return [
        ReportEngagementFact(
            engagement_id=pk,
            need_id=need_id,
            completed_on=local_day(completed_at),
            lender_id=lender_id,
            borrower_id=borrower_id,
            rate_category=category or "",
            hours=hours,
            need_rating=need_rating,
            specialist_rating=specialist_rating,
        )
        for (
            pk,
            need_id,
            completed_at,
            lender_id,
            borrower_id,
            category,
            hours,
            need_rating,
            specialist_rating,
        ) in rows.iterator(chunk_size=BATCH)
    ]


def _need_facts(need_ids: list[int] | None) -> list[ReportNeedFact]:
    late = Match.objects.filter(
        need_id=OuterRef("pk"),
        status__in=FILLING_MATCH_STATUSES,
        accepted_at__date__gt=OuterRef("start"),
    )
    needs = Need.objects.filter(status__in=FINAL_NEED_STATUSES, published_at__isnull=False)
    skills = NeedSkill.objects.filter(required=True, need__in=needs)
    if need_ids is not None:
        needs = needs.filter(pk__in=need_ids)
        skills = skills.filter(need_id__in=need_ids)
    required: dict[int, list[list[int]]] = defaultdict(list)
    for need_id, skill_id, min_level in skills.order_by("need_id", "skill_id").values_list(
        "need_id", "skill_id", "min_level"
    ):
        required[need_id].append([skill_id, min_level])
    rows = needs.order_by().values_list("pk", "agency_id", "published_at", "status", Exists(late))
    return [
        ReportNeedFact(
            need_id=pk,
            agency_id=agency_id,
            published_on=local_day(published_at),
            filled=status == NeedStatus.FILLED,
            filled_late=status == NeedStatus.FILLED and is_late,
            required_skills=required.get(pk, []),
        )
        for pk, agency_id, published_at, status, is_late in rows.iterator(chunk_size=BATCH)
    ]


def _days(value: object) -> float | None:
    # PostgreSQL answers a numeric: float() rounds it exactly as the database's cast to
    # double precision does, so the values equal what an aggregate over the source read.
    return None if value is None else float(value)


def _match_facts(need_ids: list[int] | None) -> list[ReportMatchFact]:
    matches = Match.objects.filter(need__published_at__isnull=False).filter(
        Q(approved_at__isnull=False) | Q(accepted_at__isnull=False)
    )
    if need_ids is not None:
        matches = matches.filter(need_id__in=need_ids)
    rows = matches.order_by().values_list(
        "pk",
        "need_id",
        "need__agency_id",
        "approved_at",
        DaysBetween("approved_at", "need__published_at"),
        "accepted_at",
        DaysBetween("accepted_at", "need__published_at"),
    )
    facts = []
    for pk, need_id, agency_id, approved_at, approved, accepted_at, accepted in rows.iterator(
        chunk_size=BATCH
    ):
        approved_days, accepted_days = _days(approved), _days(accepted)
        facts.append(
            ReportMatchFact(
                match_id=pk,
                need_id=need_id,
                agency_id=agency_id,
                approved_on=local_day(approved_at) if approved_at else None,
                approved_days=approved_days,
                approved_whole_days=None if approved_at is None else math.floor(approved_days),
                accepted_on=local_day(accepted_at) if accepted_at else None,
                accepted_days=accepted_days,
                accepted_whole_days=None if accepted_at is None else math.floor(accepted_days),
            )
        )
    return facts


FACT_MODELS = (ReportEngagementFact, ReportNeedFact, ReportMatchFact)
_FACT_SOURCES = {
    ReportEngagementFact: _engagement_facts,
    ReportNeedFact: _need_facts,
    ReportMatchFact: _match_facts,
}


def _fields(fact: models.Model) -> dict[str, object]:
    return {field.attname: getattr(fact, field.attname) for field in fact._meta.concrete_fields}


# Writing ----------------------------------------------------------------------------------


def _apply(totals: _Totals) -> None:
    for (model, key), measures in totals.nonzero():
        lookup = dict(key)
        change = {name: F(name) + value for name, value in measures.items()}
        if model.objects.filter(**lookup).update(**change):
            continue
        try:
            with transaction.atomic():
                model.objects.create(**lookup, **measures)
        except IntegrityError:
            # Another transaction created the row first; it has committed, so add to it.
            model.objects.filter(**lookup).update(**change)


@transaction.atomic
def report_facts_refresh(*, need_ids: Iterable[int]) -> None:
    """Bring the report facts of these needs (their matches, engagements) up to date.

    Call it in the transaction of every change to a need, its required skills, its
    matches or their engagements, after the change. Safe to call twice and for needs
    that nothing counts yet.
    """
    ids = sorted(set(need_ids))
    if not ids:
        return
    totals = _Totals.empty()
    for model, compute in _FACT_SOURCES.items():
        old = {fact.pk: fact for fact in model.objects.filter(need_id__in=ids)}
        new = {fact.pk: fact for fact in compute(ids)}
        for pk, fact in old.items():
            if pk not in new or _fields(new[pk]) != _fields(fact):
                totals.add(fact, sign=-1)
        stale = [pk for pk, fact in old.items() if pk not in new]
        if stale:
            model.objects.filter(pk__in=stale).delete()
        for pk, fact in new.items():
            if pk in old and _fields(old[pk]) == _fields(fact):
                continue
            totals.add(fact)
            fact.save(force_insert=pk not in old)
    _apply(totals)


@transaction.atomic
def report_facts_rebuild() -> dict[str, int]:
    """Recompute every fact and tally from the source tables; returns the row counts.

    For data written without the services (the demo seed, bulk loads, a repair). Run it
    while nothing else writes needs, matches or engagements.
    """
    for model in (*TALLIES, *FACT_MODELS):
        model.objects.all().delete()
    totals = _Totals.empty()
    counts: dict[str, int] = {}
    for model, compute in _FACT_SOURCES.items():
        facts = compute(None)
        for fact in facts:
            totals.add(fact)
        model.objects.bulk_create(facts, batch_size=BATCH)
        counts[model.__name__] = len(facts)
    grouped: dict[type[models.Model], list[models.Model]] = defaultdict(list)
    for (model, key), measures in totals.nonzero():
        grouped[model].append(model(**dict(key), **measures))
    for model, rows in grouped.items():
        model.objects.bulk_create(rows, batch_size=BATCH)
        counts[model.__name__] = len(rows)
    return counts
