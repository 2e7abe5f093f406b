"""Synthetic agencies, specialists and needs at a chosen scale, deterministic by seed.

    DATABASE_URL=postgres://... .venv/bin/python -m benchmarks.synthetic \
        --specialists 100000 --needs 500 --reset

Everything lands in the configured database through bulk_create in batches. Skills come
from the taxonomy (migration 0002_seed_skills) when present, else a small set is created.
Skills are clustered as real ones are: each specialist has a home category where most of
their skills lie, at higher levels, a neighbouring category with a few more, and the odd
skill from anywhere; levels are skewed towards the middle. Some specialists get an
approved match, which reserves part of their capacity. Synthetic rows hang off agencies
whose slug starts with "synth-", and `--reset` removes only those.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

BATCH = 5000
SLUG_PREFIX = "synth-"
REGION_WEIGHTS = {
    "AB": 24, "O": 17, "M": 14, "E": 5, "C": 4, "F": 4, "D": 3, "T": 3, "U": 3, "N": 3,
    "X": 3, "W": 3, "S": 3, "H": 2, "AC": 3, "Y": 2, "BD": 2, "G": 2, "K": 1, "Z": 1, "I": 1,
}  # fmt: skip
HOME_LEVELS = (0.05, 0.20, 0.35, 0.25, 0.15)
OTHER_LEVELS = (0.30, 0.35, 0.20, 0.10, 0.05)
LANGUAGES = (("sv", 0.95), ("en", 0.80), ("fi", 0.04), ("ar", 0.03), ("de", 0.03))


def setup_django(*, migrate: bool = True) -> None:
    """Django set up on the configured database, its schema brought up to date."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", "--noinput", verbosity=0)


def ensure_database(url: str) -> None:
    """Create the benchmark's database when the server has none of that name yet."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            print(f"database: creating {name}", flush=True)
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@dataclass(frozen=True)
class Generated:
    agencies: int
    specialists: int
    skill_levels: int
    availabilities: int
    needs: int
    reservations: int
    seconds: float


def synthetic_counts() -> tuple[int, int]:
    """(specialists, needs) already in the database from a previous run."""
    from marketplace.models import Need, Specialist

    return (
        Specialist.objects.filter(agency__slug__startswith=SLUG_PREFIX).count(),
        Need.objects.filter(agency__slug__startswith=SLUG_PREFIX).count(),
    )


def reset() -> None:
    """Delete the synthetic rows (and nothing else), in foreign-key order, in bulk."""
    from django.db import connection, transaction
    from rest_framework.authtoken.models import Token

    from accounts.models import Agency, User
    from marketplace.models import (
        Availability,
        Match,
        Need,
        NeedSkill,
        Specialist,
        SpecialistSkill,
    )

    def table(model) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    agencies = f"SELECT id FROM {table(Agency)} WHERE slug LIKE %s"
    needs = f"SELECT id FROM {table(Need)} WHERE agency_id IN ({agencies})"
    specialists = f"SELECT id FROM {table(Specialist)} WHERE agency_id IN ({agencies})"
    users = f"SELECT id FROM {table(User)} WHERE agency_id IN ({agencies})"
    like = SLUG_PREFIX + "%"
    statements = [
        (
            f"DELETE FROM {table(Match)} WHERE need_id IN ({needs}) "
            f"OR specialist_id IN ({specialists})",
            [like, like],
        ),
        (f"DELETE FROM {table(NeedSkill)} WHERE need_id IN ({needs})", [like]),
        (f"DELETE FROM {table(Need)} WHERE agency_id IN ({agencies})", [like]),
        (f"DELETE FROM {table(SpecialistSkill)} WHERE specialist_id IN ({specialists})", [like]),
        (f"DELETE FROM {table(Availability)} WHERE specialist_id IN ({specialists})", [like]),
        (f"DELETE FROM {table(Specialist)} WHERE agency_id IN ({agencies})", [like]),
        (f"DELETE FROM {table(Token)} WHERE user_id IN ({users})", [like]),
        (f"DELETE FROM {table(User)} WHERE agency_id IN ({agencies})", [like]),
        (f"DELETE FROM {table(Agency)} WHERE slug LIKE %s", [like]),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def _skills_by_category(rng: np.random.Generator) -> dict[str, list[int]]:
    from marketplace.models import Skill, SkillCategory

    if not Skill.objects.exists():
        Skill.objects.bulk_create(
            Skill(name=f"{category.label} {k}", category=category.value)
            for category in SkillCategory
            for k in range(1, 7)
        )
    grouped: dict[str, list[int]] = {}
    for skill_id, category in Skill.objects.order_by("id").values_list("id", "category"):
        grouped.setdefault(category, []).append(skill_id)
    return grouped


def _org_number(n: int) -> str:
    from accounts.validators import luhn_check_digit

    body = f"99{n:07d}"
    return f"{body[:6]}-{body[6:]}{luhn_check_digit(body)}"


def generate(
    *, specialists: int, needs: int, agencies: int = 200, seed: int = 0, today: date | None = None
) -> Generated:
    """Create the synthetic population; call `reset()` first to replace an earlier one."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Agency, Role, User
    from marketplace.models import (
        Availability,
        Match,
        MatchStatus,
        Need,
        NeedSkill,
        NeedStatus,
        ProposedBy,
        Specialist,
        SpecialistSkill,
    )

    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    today = today or timezone.localdate()
    now = timezone.now()
    skills = _skills_by_category(rng)
    categories = sorted(skills)
    # Some fields are in much higher demand than others.
    category_weights = rng.dirichlet(np.full(len(categories), 2.0))

    with transaction.atomic():
        agency_rows = Agency.objects.bulk_create(
            Agency(
                name=f"Synthetic agency {seed}-{a:03d}",
                slug=f"{SLUG_PREFIX}{seed}-{a:03d}",
                org_number=_org_number(seed * 1000 + a),
                contact_email=f"registrator@synth-{a}.example",
            )
            for a in range(agencies)
        )
        agency_ids = np.array([a.pk for a in agency_rows], dtype=np.int64)
        # Agency sizes vary a lot: a few large ones, many small.
        agency_weights = rng.pareto(1.5, agencies) + 0.2
        agency_weights /= agency_weights.sum()
        spec_agency = rng.choice(agency_ids, size=specialists, p=agency_weights)

        regions = list(REGION_WEIGHTS)
        region_p = np.array(list(REGION_WEIGHTS.values()), dtype=float)
        region_p /= region_p.sum()
        spec_region = rng.choice(regions, size=specialists, p=region_p)
        clearance = rng.choice(4, size=specialists, p=(0.6, 0.25, 0.1, 0.05))
        expired = rng.random(specialists) < 0.1
        shareable = rng.random(specialists) < 0.75
        max_share = rng.choice((20, 30, 40, 50, 60, 80, 100), size=specialists)
        remote = rng.random(specialists) < 0.8
        spoken = {code: rng.random(specialists) < p for code, p in LANGUAGES}

        user_ids: list[int] = []
        specialist_ids: list[int] = []
        for first in range(0, specialists, BATCH):
            last = min(first + BATCH, specialists)
            users = User.objects.bulk_create(
                User(
                    email=f"synth{seed}-{i}@example.invalid",
                    name=f"Specialist {i}",
                    role=Role.SPECIALIST,
                    agency_id=int(spec_agency[i]),
                    password="!",
                )
                for i in range(first, last)
            )
            user_ids.extend(u.pk for u in users)
            rows = Specialist.objects.bulk_create(
                Specialist(
                    user_id=users[i - first].pk,
                    agency_id=int(spec_agency[i]),
                    title="Specialist",
                    clearance=int(clearance[i]),
                    clearance_expires=(today - timedelta(days=30)) if expired[i] else None,
                    languages=[code for code, _p in LANGUAGES if spoken[code][i]],
                    region=str(spec_region[i]),
                    remote_ok=bool(remote[i]),
                    shareable=bool(shareable[i]),
                    max_share_percent=int(max_share[i]),
                )
                for i in range(first, last)
            )
            specialist_ids.extend(s.pk for s in rows)

        home = rng.choice(len(categories), size=specialists, p=category_weights)
        neighbour = (home + rng.integers(1, len(categories), size=specialists)) % len(categories)
        levels_made = 0
        batch: list[SpecialistSkill] = []
        for i, specialist_id in enumerate(specialist_ids):
            chosen: dict[int, int] = {}
            home_skills = skills[categories[home[i]]]
            for skill_id in rng.choice(
                home_skills, size=min(len(home_skills), int(rng.integers(2, 6))), replace=False
            ):
                chosen[int(skill_id)] = int(rng.choice(5, p=HOME_LEVELS)) + 1
            near = skills[categories[neighbour[i]]]
            for skill_id in rng.choice(
                near, size=min(len(near), int(rng.integers(0, 3))), replace=False
            ):
                chosen.setdefault(int(skill_id), int(rng.choice(5, p=OTHER_LEVELS)) + 1)
            if rng.random() < 0.3:
                anywhere = skills[categories[int(rng.integers(len(categories)))]]
                chosen.setdefault(int(rng.choice(anywhere)), int(rng.choice(5, p=OTHER_LEVELS)) + 1)
            batch.extend(
                SpecialistSkill(specialist_id=specialist_id, skill_id=s, level=lv)
                for s, lv in chosen.items()
            )
            if len(batch) >= BATCH:
                SpecialistSkill.objects.bulk_create(batch)
                levels_made += len(batch)
                batch = []
        SpecialistSkill.objects.bulk_create(batch)
        levels_made += len(batch)

        # One availability window for most, two for some, none for a few.
        windows = rng.choice(3, size=specialists, p=(0.1, 0.7, 0.2))
        avail: list[Availability] = []
        for i, specialist_id in enumerate(specialist_ids):
            start = today + timedelta(days=int(rng.integers(-30, 120)))
            for _w in range(int(windows[i])):
                end = start + timedelta(days=int(rng.integers(56, 365)))
                avail.append(
                    Availability(
                        specialist_id=specialist_id,
                        start=start,
                        end=end,
                        capacity_percent=int(rng.choice((20, 30, 40, 50, 60, 80, 100))),
                    )
                )
                start = end + timedelta(days=int(rng.integers(1, 60)))
        Availability.objects.bulk_create(avail, batch_size=BATCH)

        need_agency = rng.choice(agency_ids, size=needs, p=agency_weights)
        need_rows = []
        need_skills: list[NeedSkill] = []
        for n in range(needs):
            start = today + timedelta(days=int(rng.integers(14, 150)))
            need_rows.append(
                Need(
                    agency_id=int(need_agency[n]),
                    title=f"Synthetic need {n}",
                    start=start,
                    end=start + timedelta(days=int(rng.integers(28, 182))),
                    capacity_percent=int(rng.choice((20, 30, 40, 50, 60))),
                    headcount=int(rng.choice((1, 1, 1, 2, 3))),
                    clearance_required=int(rng.choice(4, p=(0.75, 0.15, 0.07, 0.03))),
                    languages=["sv"] if rng.random() < 0.8 else ["sv", "en"],
                    region=str(rng.choice(regions, p=region_p)) if rng.random() < 0.7 else "",
                    remote_ok=bool(rng.random() < 0.7),
                    status=NeedStatus.OPEN,
                    published_at=now,
                )
            )
        Need.objects.bulk_create(need_rows, batch_size=BATCH)
        for need in need_rows:
            category = skills[categories[rng.choice(len(categories), p=category_weights)]]
            picked = rng.choice(
                category, size=min(len(category), int(rng.integers(2, 6))), replace=False
            )
            n_required = int(rng.integers(1, min(3, len(picked)) + 1))
            for k, skill_id in enumerate(picked):
                need_skills.append(
                    NeedSkill(
                        need_id=need.pk,
                        skill_id=int(skill_id),
                        min_level=int(rng.choice((2, 3, 3, 4))) if k < n_required else 1,
                        required=k < n_required,
                        need_created_at=need.created_at,
                    )
                )
        NeedSkill.objects.bulk_create(need_skills, batch_size=BATCH)

        # About 5% of specialists already hold an approved match (a reservation).
        reserved = rng.choice(specialists, size=specialists // 20, replace=False)
        matches = []
        for i in reserved:
            need = need_rows[int(rng.integers(needs))]
            matches.append(
                Match(
                    need_id=need.pk,
                    specialist_id=specialist_ids[int(i)],
                    need_agency_id=need.agency_id,
                    specialist_agency_id=int(spec_agency[int(i)]),
                    status=MatchStatus.APPROVED,
                    score=0.5,
                    capacity_percent=20,
                    start=need.start,
                    end=need.end,
                    proposed_by=ProposedBy.NOMINATION,
                    approved_at=now,
                )
            )
        Match.objects.bulk_create(matches, batch_size=BATCH)

    return Generated(
        agencies=agencies,
        specialists=specialists,
        skill_levels=levels_made,
        availabilities=len(avail),
        needs=needs,
        reservations=len(matches),
        seconds=time.perf_counter() - started,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--specialists", type=int, default=10_000)
    parser.add_argument("--needs", type=int, default=500)
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reset", action="store_true", help="remove earlier synthetic rows first")
    args = parser.parse_args()
    setup_django()
    if args.reset:
        reset()
    made = generate(
        specialists=args.specialists, needs=args.needs, agencies=args.agencies, seed=args.seed
    )
    print(made)


if __name__ == "__main__":
    main()
