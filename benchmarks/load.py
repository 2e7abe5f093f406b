"""Load benchmark of the production shape at government scale, in one command.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/delad_bench \
    REDIS_URL=redis://127.0.0.1:6379/1 .venv/bin/python -m benchmarks.load

It migrates the PostgreSQL database, seeds it with `benchmarks.synthetic` at the asked
scale (200 agencies, 50,000 specialists, 20,000 needs by default; kept between runs when
the counts already match), starts gunicorn with the README's worker count, a Celery
worker on Redis and the Redis cache, and drives every scenario with locust (headless,
users that never wait) for a fixed time. Each scenario runs alone and is printed beside
the floor, an authenticated DRF endpoint with one query (`GET /api/v1/ping/`) measured by
the same server right before and after it, so the ratio holds on a noisy machine.

Targets: read scenarios at least half the floor's requests per second, p99 at most
250 ms, no errors; approving a match p99 at most 300 ms, no errors. The exit status is 1
when a target is missed and `--strict` is given.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

from benchmarks.synthetic import ensure_database

SETTINGS = "benchmarks.settings_load"
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
READ_SCENARIOS = (
    "needs_list",
    "specialists_list",
    "need_detail",
    "candidates",
    "dashboard_specialist",
    "dashboard_manager",
    "dashboard_coordinator",
)
WRITE_SCENARIOS = ("approve",)
# Measured for reference, with no target: the cheapest signed-in page (session, user and
# second-factor reads, the header's unread count, the base template), the floor under
# every dashboard that the API ping does not have.
INFO_SCENARIOS = ("page_floor",)
READ_MIN_RATIO = 0.5
READ_MAX_P99_MS = 250
WRITE_MAX_P99_MS = 300
BENCH_AGENCY_SLUG = "bench-approvals"


@dataclass(frozen=True)
class Figures:
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float


# Preparing the database -----------------------------------------------------------------


def seed(*, specialists: int, needs: int, agencies: int, force: bool) -> None:
    from accounts.selectors import AGENCIES
    from benchmarks import synthetic
    from fastpaths.list_cache import list_cache_invalidate

    if not force and synthetic.synthetic_counts() == (specialists, needs):
        print(f"seed: {specialists} specialists and {needs} needs already there", flush=True)
        return
    print(f"seed: {agencies} agencies, {specialists} specialists, {needs} needs …", flush=True)
    synthetic.reset()
    made = synthetic.generate(specialists=specialists, needs=needs, agencies=agencies)
    list_cache_invalidate(namespace=AGENCIES)  # bulk_create sends no signals
    print(f"seed: done in {made.seconds:.0f} s", flush=True)


def _user(email: str, **fields):
    from accounts.models import User

    user, _created = User.objects.update_or_create(email=email, defaults=fields)
    return user


def _session_key(user) -> str:
    """A logged-in session written straight to the session store, as a login would leave it.

    The benchmark measures pages, not the login form (which may ask for a second factor).
    """
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

    backend = next(
        (b for b in settings.AUTHENTICATION_BACKENDS if b.endswith(".ModelBackend")),
        settings.AUTHENTICATION_BACKENDS[-1],
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    device_key = _verified_device_key(user)
    if device_key:
        session[device_key[0]] = device_key[1]
    session.create()
    return session.session_key


def _verified_device_key(user) -> tuple[str, str] | None:
    """With django-otp installed, the session holds a confirmed TOTP device, as after a
    login that gave its one-time code (coordinators and admins must)."""
    try:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice
    except ImportError:
        return None
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="Benchmark", defaults={"confirmed": True}
    )
    return DEVICE_ID_SESSION_KEY, device.persistent_id


def _approvable_matches(*, count: int) -> list[int]:
    """Fresh proposed matches that an approval will accept: one per need, as each need
    is locked while one of its matches is approved, for specialists with room to spare."""
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from accounts.models import Agency
    from benchmarks.synthetic import _org_number
    from marketplace.models import (
        RESERVING_MATCH_STATUSES,
        Availability,
        Match,
        MatchStatus,
        Need,
        NeedSkill,
        NeedStatus,
        ProposedBy,
        ReportEngagementFact,
        ReportMatchFact,
        ReportNeedFact,
        Specialist,
    )

    agency, _created = Agency.objects.get_or_create(
        slug=BENCH_AGENCY_SLUG,
        defaults={
            "name": "Benchmark approvals",
            "org_number": _org_number(9_999_999),
            "contact_email": "bench@example.invalid",
        },
    )
    # The previous run's pool goes, so the database stays at the seeded scale; with it the
    # report facts its approvals wrote, which keep what they count from being deleted.
    for facts in (ReportEngagementFact, ReportMatchFact, ReportNeedFact):
        facts.objects.filter(need__agency=agency).delete()
    Match.objects.filter(need__agency=agency).delete()
    NeedSkill.objects.filter(need__agency=agency).delete()
    Need.objects.filter(agency=agency).delete()
    today = timezone.localdate()
    start, end = today + timedelta(days=30), today + timedelta(days=60)
    covering = Availability.objects.filter(
        specialist=OuterRef("pk"), start__lte=start, end__gte=end, capacity_percent__gte=50
    )
    reserved = Match.objects.filter(specialist=OuterRef("pk"), status__in=RESERVING_MATCH_STATUSES)
    specialists = list(
        Specialist.objects.filter(shareable=True, max_share_percent__gte=50)
        .filter(Exists(covering))
        .exclude(Exists(reserved))
        .order_by("id")
        .values_list("id", "agency_id")[:count]
    )
    now = timezone.now()
    needs = Need.objects.bulk_create(
        Need(
            agency=agency,
            title=f"Benchmark approval {n}",
            start=start,
            end=end,
            capacity_percent=10,
            status=NeedStatus.OPEN,
            published_at=now,
        )
        for n in range(len(specialists))
    )
    # Like every need on the board, each asks for skills: those of a seeded need, in turn.
    # (Skill-less needs, all newer than the rest, would sit on top of the board and make
    # every skill filter step over thousands of rows no real board has.)
    seeded = list(
        Need.objects.exclude(agency=agency)
        .filter(skill_requirements__isnull=False)
        .order_by("id")
        .values_list("id", flat=True)
        .distinct()[: len(needs)]
    )
    by_need: dict[int, list[NeedSkill]] = {}
    for row in NeedSkill.objects.filter(need_id__in=seeded):
        by_need.setdefault(row.need_id, []).append(row)
    NeedSkill.objects.bulk_create(
        NeedSkill(
            need=need,
            skill_id=row.skill_id,
            min_level=row.min_level,
            required=row.required,
            need_created_at=need.created_at,
        )
        for need, source in zip(needs, seeded, strict=False)
        for row in by_need[source]
    )
    matches = Match.objects.bulk_create(
        Match(
            need=need,
            specialist_id=specialist_id,
            need_agency=agency,
            specialist_agency_id=specialist_agency_id,
            status=MatchStatus.PROPOSED,
            score=0.5,
            capacity_percent=10,
            start=start,
            end=end,
            proposed_by=ProposedBy.NOMINATION,
        )
        for need, (specialist_id, specialist_agency_id) in zip(needs, specialists, strict=True)
    )
    return [m.pk for m in matches]


def prepare(*, approvals: int) -> dict:
    """Users, tokens, sessions and the ids the locust users pick from."""
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts.models import Agency, Role
    from benchmarks.synthetic import SLUG_PREFIX
    from marketplace.models import (
        Availability,
        Match,
        Need,
        NeedSkill,
        NeedStatus,
        Skill,
        Specialist,
        SpecialistSkill,
    )

    home = (
        Agency.objects.filter(slug__startswith=SLUG_PREFIX)
        .annotate(size=Count("specialists"))
        .order_by("-size", "id")
        .first()
    )
    users = {
        "coordinator": _user(
            "bench-coordinator@example.invalid", name="Bench coordinator", role=Role.COORDINATOR
        ),
        "manager": _user(
            "bench-manager@example.invalid", name="Bench manager", role=Role.MANAGER, agency=home
        ),
        "specialist": Specialist.objects.filter(agency=home).order_by("id").first().user,
    }
    today = timezone.localdate()
    approvable = _approvable_matches(count=approvals)
    # The state autovacuum leaves a settled database in, now rather than whenever it gets
    # round to the fresh rows: planner statistics, and visibility maps so that covering
    # indexes answer without visiting the table.
    with connection.cursor() as cursor:
        for model in (Agency, Specialist, SpecialistSkill, Availability, Need, NeedSkill, Match):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    open_needs = Need.objects.filter(
        status=NeedStatus.OPEN, agency__slug__startswith=SLUG_PREFIX
    ).order_by("?")
    return {
        "tokens": {
            role: Token.objects.get_or_create(user=user)[0].key for role, user in users.items()
        },
        "sessions": {role: _session_key(user) for role, user in users.items()},
        "skills": list(Skill.objects.values_list("id", flat=True)),
        "agencies": list(
            Agency.objects.filter(slug__startswith=SLUG_PREFIX).values_list("id", flat=True)
        ),
        "needs": list(open_needs.values_list("id", flat=True)[:2000]),
        "periods": [
            (str(today + timedelta(days=d)), str(today + timedelta(days=d + 30)))
            for d in range(0, 120, 15)
        ],
        "approvable_matches": approvable,
    }


# Running the production shape -------------------------------------------------------------


def _server_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    url = env["DATABASE_URL"]
    if "random_page_cost" not in url:
        # PostgreSQL's default costs assume spinning disks; on SSD (or a database held in
        # memory) 1.1 is the usual setting, and it lets the planner pick index lookups for
        # selective filters. Production sets it in postgresql.conf (see the README).
        url += ("&" if "?" in url else "?") + "options=-c%20random_page_cost%3D1.1"
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CONN_MAX_AGE=env.get("CONN_MAX_AGE", "60"),
        LOG_LEVEL="WARNING",
        # Capacity is measured with three users; the per-user API rate limit (checked in
        # Redis on every request all the same) would otherwise answer 429 within seconds.
        API_THROTTLE_RATE_USER=env.get("BENCH_THROTTLE_RATE_USER", "1000000/minute"),
    )
    return env


def start_services(*, port: int, workers: int, logdir: Path) -> list[subprocess.Popen]:
    env = _server_env(port)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    celery = subprocess.Popen(
        [
            *(str(BIN / "celery"), "-A", "marketplace", "worker"),
            *("-Q", "default,notifications", "--concurrency", "1", "--loglevel", "WARNING"),
        ],
        cwd=ROOT,
        env=env,
        stdout=open(logdir / "celery.log", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    gunicorn = subprocess.Popen(
        [
            *(str(BIN / "gunicorn"), "marketplace.wsgi:application", "--workers", str(workers)),
            *("--bind", f"127.0.0.1:{port}", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
        stdout=open(logdir / "gunicorn.log", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline or gunicorn.poll() is not None:
            stop_services([celery, gunicorn])
            raise SystemExit(f"gunicorn did not answer /healthz; see {logdir}/gunicorn.log")
        time.sleep(0.5)
    return [celery, gunicorn]


def stop_services(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def run_locust(
    *, scenario: str, seconds: int, users: int, port: int, fixture: Path, workdir: Path
) -> Figures:
    prefix = workdir / scenario
    env = dict(os.environ, BENCH_SCENARIO=scenario, BENCH_FIXTURE=str(fixture))
    subprocess.run(
        [
            *(str(BIN / "locust"), "-f", str(ROOT / "benchmarks" / "locustfile.py"), "--headless"),
            *("--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s"),
            *("--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary"),
            *("--loglevel", "ERROR", "--stop-timeout", "5"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(workdir / f"{scenario}.locust.log", "a"),  # noqa: SIM115
        check=False,  # locust exits 1 when a request failed; the figures say so
    )
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        row = next((r for r in csv.DictReader(handle) if r["Name"] == scenario), None)
    if row is None:  # not one request finished in time
        return Figures(requests=0, errors=0, rps=0.0, p50_ms=0.0, p99_ms=0.0)
    return Figures(
        requests=int(row["Request Count"]),
        errors=int(row["Failure Count"]),
        rps=float(row["Requests/s"]),
        p50_ms=float(row["50%"]),
        p99_ms=float(row["99%"]),
    )


# Reporting ------------------------------------------------------------------------------------


def verdict(scenario: str, figures: Figures, floor_rps: float) -> list[str]:
    """The targets this scenario misses (empty when it meets them all)."""
    missed = []
    if scenario in INFO_SCENARIOS:
        return missed
    if figures.errors:
        missed.append(f"{figures.errors} errors")
    if scenario in WRITE_SCENARIOS:
        if figures.p99_ms > WRITE_MAX_P99_MS:
            missed.append(f"p99 > {WRITE_MAX_P99_MS} ms")
        return missed
    if figures.p99_ms > READ_MAX_P99_MS:
        missed.append(f"p99 > {READ_MAX_P99_MS} ms")
    if floor_rps and figures.rps / floor_rps < READ_MIN_RATIO:
        missed.append(f"rps < {READ_MIN_RATIO:.0%} of floor")
    return missed


def print_table(results: list[tuple[str, Figures, Figures]]) -> bool:
    header = (
        f"{'scenario':<22}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'errors':>8}"
        f"  |{'floor/s':>8}{'p50 ms':>8}{'p99 ms':>8}  |{'ratio':>7}  verdict"
    )
    print(header)
    print("-" * len(header))
    passed = True
    for scenario, figures, floor in results:
        ratio = figures.rps / floor.rps if floor.rps else 0.0
        missed = verdict(scenario, figures, floor.rps)
        passed = passed and not missed
        note = "info" if scenario in INFO_SCENARIOS else "ok"
        print(
            f"{scenario:<22}{figures.rps:>8.1f}{figures.p50_ms:>8.0f}{figures.p99_ms:>8.0f}"
            f"{figures.errors:>8}  |{floor.rps:>8.1f}{floor.p50_ms:>8.0f}{floor.p99_ms:>8.0f}"
            f"  |{ratio:>7.2f}  {note if not missed else 'MISSED: ' + ', '.join(missed)}"
        )
    return passed


def _mean(a: Figures, b: Figures) -> Figures:
    return Figures(
        requests=a.requests + b.requests,
        errors=a.errors + b.errors,
        rps=(a.rps + b.rps) / 2,
        p50_ms=(a.p50_ms + b.p50_ms) / 2,
        p99_ms=(a.p99_ms + b.p99_ms) / 2,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--specialists", type=int, default=50_000)
    parser.add_argument("--needs", type=int, default=20_000)
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--skip-migrate", action="store_true", help="the schema is current")
    parser.add_argument("--reseed", action="store_true", help="seed again even if counts match")
    parser.add_argument("--seconds", type=int, default=20, help="per scenario")
    parser.add_argument("--warmup", type=int, default=3, help="seconds per scenario, not counted")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument(
        "--users", type=int, help="concurrent readers (default: one per gunicorn worker)"
    )
    parser.add_argument(
        "--write-users",
        type=int,
        default=2,
        help="concurrent approvers: a handful of coordinators, never waiting between approvals",
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--approvals", type=int, default=3000, help="proposed matches to approve")
    parser.add_argument(
        "--scenarios", default=",".join(READ_SCENARIOS + INFO_SCENARIOS + WRITE_SCENARIOS)
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    scenarios = [s for s in args.scenarios.split(",") if s]
    # Users that never wait saturate the server once there is one per worker; more only
    # queue in front of gunicorn and add their wait to every latency.
    args.users = args.users or args.workers

    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (and REDIS_URL to Redis).")
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("Set REDIS_URL: the production shape caches and queues in Redis.")
    ensure_database(os.environ["DATABASE_URL"])
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    if not args.skip_migrate:
        call_command("migrate", "--noinput", verbosity=0)
    seed(specialists=args.specialists, needs=args.needs, agencies=args.agencies, force=args.reseed)
    fixture_data = prepare(approvals=args.approvals)
    connections.close_all()

    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    fixture = workdir / "fixture.json"
    fixture.write_text(json.dumps(fixture_data), encoding="utf-8")
    print(
        f"load: {args.workers} gunicorn workers, {args.users} readers, "
        f"{args.write_users} approvers, {args.seconds} s per scenario, logs in {workdir}"
    )
    processes = start_services(port=args.port, workers=args.workers, logdir=workdir)
    results: list[tuple[str, Figures, Figures]] = []
    try:

        def measure(scenario: str, seconds: int) -> Figures:
            return run_locust(
                scenario=scenario,
                seconds=seconds,
                users=args.write_users if scenario in WRITE_SCENARIOS else args.users,
                port=args.port,
                fixture=fixture,
                workdir=workdir,
            )

        if args.warmup:
            for scenario in ["ping", *[s for s in scenarios if s not in WRITE_SCENARIOS]]:
                measure(scenario, args.warmup)
        before = measure("ping", args.seconds)
        for scenario in scenarios:
            print(f"load: {scenario} …", flush=True)
            figures = measure(scenario, args.seconds)
            after = measure("ping", args.seconds)
            results.append((scenario, figures, _mean(before, after)))
            before = after
    finally:
        stop_services(processes)

    print()
    passed = print_table(results)
    if args.json:
        args.json.write_text(
            json.dumps(
                {s: {"scenario": asdict(f), "floor": asdict(p)} for s, f, p in results}, indent=2
            ),
            encoding="utf-8",
        )
    print("\nall targets met" if passed else "\nsome targets missed")
    if args.strict and not passed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
