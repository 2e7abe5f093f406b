"""Response time of the summary report over 100,000 completed engagements.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h7 .venv/bin/python -m benchmarks.reports \
        --engagements 100000 --requests 20

Writes `--agencies` agencies (slug
prefix "bench-reports-"), their specialists with skills, one need per two engagements
(filled or closed, published in the year, each with one required skill) and
`--engagements` completed matches with their engagement records spread over the year,
all through bulk_create, and then builds the report facts and tallies from them
(`report_facts_rebuild`, as after any bulk load; its time is printed on its own). Then
it calls the report's API view (`ReportSummaryView`, JSON,
as a coordinator, for the whole network and then with one agency's detail) `--requests`
times each after one warm-up call and prints p50/p95/max. Removes its rows at the end
unless `--keep`; `--reuse` measures the rows a `--keep` run left; `--reset` only
removes them.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, datetime, timedelta
from datetime import time as clock

from benchmarks.synthetic import setup_django

BATCH = 5000
SLUG_PREFIX = "bench-reports-"
YEAR = 2027


def reset() -> None:
    """Removes the benchmark's rows with plain DELETEs: an ORM cascade over 100,000
    engagements would load them all into Python first. The report facts and tallies of
    what is left are then rebuilt (the benchmark's database holds little else)."""
    from django.db import connection, transaction

    from accounts.models import Agency, User
    from marketplace.models import Engagement, Match, Need, NeedSkill, Specialist, SpecialistSkill
    from marketplace.reports.facts import FACT_MODELS, TALLIES, report_facts_rebuild

    agency_ids = f"SELECT id FROM {Agency._meta.db_table} WHERE slug LIKE %s"
    need_ids = f"SELECT id FROM {Need._meta.db_table} WHERE agency_id IN ({agency_ids})"
    match_ids = f"SELECT id FROM {Match._meta.db_table} WHERE need_id IN ({need_ids})"
    specialist_ids = f"SELECT id FROM {Specialist._meta.db_table} WHERE agency_id IN ({agency_ids})"
    statements = [
        *(f"DELETE FROM {model._meta.db_table}" for model in (*TALLIES, *FACT_MODELS)),
        f"DELETE FROM {Engagement._meta.db_table} WHERE match_id IN ({match_ids})",
        f"DELETE FROM {Match._meta.db_table} WHERE need_id IN ({need_ids})",
        f"DELETE FROM {NeedSkill._meta.db_table} WHERE need_id IN ({need_ids})",
        f"DELETE FROM {Need._meta.db_table} WHERE agency_id IN ({agency_ids})",
        f"DELETE FROM {SpecialistSkill._meta.db_table} WHERE specialist_id IN ({specialist_ids})",
        f"DELETE FROM {Specialist._meta.db_table} WHERE agency_id IN ({agency_ids})",
        f"DELETE FROM {User._meta.db_table} WHERE email LIKE %s",
        f"DELETE FROM {Agency._meta.db_table} WHERE slug LIKE %s",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, [f"{SLUG_PREFIX}%"] * sql.count("%s"))
    report_facts_rebuild()


def generate(*, agencies: int, specialists: int, engagements: int, seed: int) -> None:
    from django.utils import timezone

    from accounts.models import Agency, Role, User
    from marketplace.models import (
        Engagement,
        Match,
        MatchStatus,
        Need,
        NeedSkill,
        NeedStatus,
        ProposedBy,
        Skill,
        Specialist,
        SpecialistSkill,
    )
    from tests.factories import org_number_for

    rng = random.Random(seed)
    skills = list(Skill.objects.all()) or [
        Skill.objects.create(name=f"{SLUG_PREFIX}skill-{i}", category="cloud") for i in range(8)
    ]
    agency_rows = Agency.objects.bulk_create(
        Agency(
            name=f"Bench reports {i}",
            slug=f"{SLUG_PREFIX}{i}",
            org_number=org_number_for(90000 + i),
            contact_email=f"bench{i}@example.se",
            internal_hourly_rate=rng.choice([None, 800, 900]),
        )
        for i in range(agencies)
    )
    users = User.objects.bulk_create(
        (
            User(
                email=f"{SLUG_PREFIX}{i}@example.se",
                name=f"Bench {i}",
                role=Role.SPECIALIST,
                agency=agency_rows[i % agencies],
                password="!",
            )
            for i in range(specialists)
        ),
        batch_size=BATCH,
    )
    specialist_rows = Specialist.objects.bulk_create(
        (
            Specialist(user=user, agency=user.agency, title="Bench", shareable=rng.random() < 0.8)
            for user in users
        ),
        batch_size=BATCH,
    )
    SpecialistSkill.objects.bulk_create(
        (
            SpecialistSkill(specialist=specialist, skill=skill, level=rng.randint(1, 5))
            for specialist in specialist_rows
            for skill in rng.sample(skills, 3)
        ),
        batch_size=BATCH,
    )

    def moment(day_of_year: int, hour: int = 10) -> datetime:
        day = date(YEAR, 1, 1) + timedelta(days=min(day_of_year, 364))
        return timezone.make_aware(datetime.combine(day, clock(hour)))

    need_count = engagements // 2
    needs = []
    for i in range(need_count):
        published = rng.randint(0, 300)
        start = date(YEAR, 1, 1) + timedelta(days=published + rng.randint(7, 40))
        needs.append(
            Need(
                agency=agency_rows[i % agencies],
                title=f"Bench need {i}",
                start=start,
                end=start + timedelta(days=rng.randint(30, 180)),
                capacity_percent=rng.choice([20, 40, 50, 100]),
                headcount=2,
                status=NeedStatus.FILLED if rng.random() < 0.8 else NeedStatus.CLOSED,
                published_at=moment(published, 9),
            )
        )
    needs = Need.objects.bulk_create(needs, batch_size=BATCH)
    NeedSkill.objects.bulk_create(
        (
            NeedSkill(
                need=need,
                skill=rng.choice(skills),
                min_level=rng.randint(2, 4),
                need_created_at=need.created_at,
            )
            for need in needs
        ),
        batch_size=BATCH,
    )
    matches = []
    for i in range(engagements):
        need = needs[i % need_count]
        specialist = rng.choice(specialist_rows)
        published_day = (need.published_at.date() - date(YEAR, 1, 1)).days
        approved = published_day + rng.randint(1, 20)
        matches.append(
            Match(
                need=need,
                specialist=specialist,
                need_agency_id=need.agency_id,
                specialist_agency_id=specialist.agency_id,
                status=MatchStatus.COMPLETED,
                capacity_percent=need.capacity_percent,
                start=need.start,
                end=need.end,
                proposed_by=ProposedBy.MATCHING_RUN,
                approved_at=moment(approved),
                accepted_at=moment(approved + rng.randint(1, 30)),
            )
        )
    matches = Match.objects.bulk_create(matches, batch_size=BATCH)
    Engagement.objects.bulk_create(
        (
            Engagement(
                match=match,
                hours=rng.randint(10, 900),
                need_rating=rng.choice([None, 3, 4, 5]),
                specialist_rating=rng.choice([None, 4, 5]),
                completed_at=moment(rng.randint(0, 364), 15),
            )
            for match in matches
        ),
        batch_size=BATCH,
    )


def measure(requests: int, agency_slug: str | None) -> list[float]:
    from rest_framework.test import APIRequestFactory, force_authenticate

    from accounts.models import Role, User
    from marketplace.api.reports import ReportSummaryView

    coordinator, _ = User.objects.get_or_create(
        email=f"{SLUG_PREFIX}coordinator@example.se",
        defaults={"name": "Bench coordinator", "role": Role.COORDINATOR},
    )
    view = ReportSummaryView.as_view()
    params = {"from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31"}
    if agency_slug:
        params["agency"] = agency_slug
    timings = []
    for attempt in range(requests + 1):
        request = APIRequestFactory().get("/api/v1/reports/summary/", params)
        force_authenticate(request, user=coordinator)
        began = time.perf_counter()
        response = view(request)
        response.render()
        elapsed = time.perf_counter() - began
        assert response.status_code == 200, response.content[:500]
        if attempt:  # the first call warms caches and connections
            timings.append(elapsed)
    return timings


def report_line(label: str, timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"{label}: p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {ordered[-1] * 1000:.0f} ms over {len(ordered)} requests"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engagements", type=int, default=100_000)
    parser.add_argument("--agencies", type=int, default=20)
    parser.add_argument("--specialists", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="leave the generated rows")
    parser.add_argument("--reset", action="store_true", help="only remove generated rows")
    parser.add_argument(
        "--reuse", action="store_true", help="measure rows left by an earlier --keep run"
    )
    args = parser.parse_args()

    setup_django()
    from django.db import connection

    from accounts.models import Agency
    from marketplace.models import ReportEngagementFact
    from marketplace.reports.facts import report_facts_rebuild

    if not (args.reuse and Agency.objects.filter(slug__startswith=SLUG_PREFIX).exists()):
        reset()
        if args.reset:
            print("Removed the benchmark's rows.")
            return
        began = time.perf_counter()
        generate(
            agencies=args.agencies,
            specialists=args.specialists,
            engagements=args.engagements,
            seed=args.seed,
        )
        if connection.vendor == "postgresql":
            # Fresh bulk-loaded tables: give the planner row counts, as autovacuum would.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(
            f"Generated {args.engagements:,} engagements, {args.engagements // 2:,} needs, "
            f"{args.specialists:,} specialists in {args.agencies} agencies "
            f"in {time.perf_counter() - began:.1f} s on {connection.vendor}."
        )
    if not ReportEngagementFact.objects.exists():
        began = time.perf_counter()
        counts = report_facts_rebuild()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        rows = ", ".join(f"{name} {count:,}" for name, count in counts.items())
        print(f"Built the report facts in {time.perf_counter() - began:.1f} s ({rows}).")
    try:
        print(report_line("network", measure(args.requests, None)))
        print(report_line("one agency", measure(args.requests, f"{SLUG_PREFIX}0")))
    finally:
        if not args.keep:
            reset()


if __name__ == "__main__":
    main()
