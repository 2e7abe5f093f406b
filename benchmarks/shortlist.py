"""Shortlist latency at scale: the scoring core alone, and end to end through the API.

    DATABASE_URL=postgres://... [REDIS_URL=redis://...] .venv/bin/python -m benchmarks.shortlist \
        --specialists 100000 --needs 500

Generates the synthetic population (benchmarks.synthetic) in a child process when the
database does not already hold one of the asked size, so this process's peak memory is
that of the index and the requests. Then, for every synthetic need:

- core: `shortlist(index, need, limit=20)` on the warm index: the hard constraints,
  vectorised scoring of the survivors and the top 20 with their breakdowns;
- API: `GET /api/v1/needs/{id}/candidates/?limit=20` through Django's test client
  (in-process, the full middleware stack, token authentication as a coordinator,
  JSON rendering with the explanations in words; no network socket).

Prints p50/p95/p99 for both (wall clock, and for the core also this thread's CPU time,
which separates our cost from other load on the machine), the cold index build, the index
size and peak RSS. Database connections persist between requests (CONN_MAX_AGE=600
unless set), as a production deployment would configure them.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import timedelta

import numpy as np

from benchmarks.synthetic import SLUG_PREFIX, setup_django, synthetic_counts


def __getattr__(name: str):
    """`urlpatterns`, built lazily (after django.setup()), for when the project's API
    urls do not include the candidates endpoint yet."""
    if name != "urlpatterns":
        raise AttributeError(name)
    from django.urls import include, path

    return [path("api/v1/", include(("marketplace.api.urls_candidates", "api"), namespace="api"))]


def percentiles(samples_ms: list[float]) -> str:
    p50, p95, p99 = np.percentile(samples_ms, [50, 95, 99])
    return (
        f"p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  p99 {p99:7.2f} ms  "
        f"mean {statistics.fmean(samples_ms):7.2f} ms  (n={len(samples_ms)})"
    )


def index_bytes(index) -> int:
    arrays = sum(value.nbytes for value in vars(index).values() if isinstance(value, np.ndarray))
    return arrays + index.free.nbytes


def ensure_population(args: argparse.Namespace) -> None:
    specialists, needs = synthetic_counts()
    if (specialists, needs) == (args.specialists, args.needs) and not args.regenerate:
        print(f"using the {specialists} synthetic specialists and {needs} needs in the database")
        return
    command = [
        sys.executable,
        "-m",
        "benchmarks.synthetic",
        "--specialists",
        str(args.specialists),
        "--needs",
        str(args.needs),
        "--seed",
        str(args.seed),
        "--reset",
    ]
    print("generating:", " ".join(command[1:]), flush=True)
    subprocess.run(command, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--specialists", type=int, default=10_000)
    parser.add_argument("--needs", type=int, default=500)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("CONN_MAX_AGE", "600")
    setup_django()

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import NoReverseMatch, clear_url_caches, reverse
    from rest_framework.authtoken.models import Token

    from accounts.models import Role, User
    from marketplace.matching.shortlist import shortlist
    from marketplace.models import Need, NeedSkill
    from marketplace.selectors.specialist_index import (
        need_spec_from,
        patch_specialist_index,
        specialist_index,
    )
    from marketplace.services.specialist_index import matching_index_invalidate

    ensure_population(args)
    print(
        f"database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}; "
        f"cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}; "
        f"DEBUG={settings.DEBUG}; CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    matching_index_invalidate()
    started = time.perf_counter()
    index = specialist_index()
    build_s = time.perf_counter() - started
    print(
        f"index: {len(index)} specialists × {len(index.skill_column)} skills, "
        f"{len(index.free.free)} free-capacity segments from {index.day0}, "
        f"cold build {build_s:.2f} s, {index_bytes(index) / 2**20:.1f} MiB of arrays "
        f"({index.free.nbytes / 2**20:.1f} MiB of them capacity)"
    )

    patch_ms = []
    for specialist_id in index.ids[:: max(len(index) // 20, 1)][:20].tolist():
        started = time.perf_counter()
        patch_specialist_index(index, [specialist_id], today=index.day0)
        patch_ms.append((time.perf_counter() - started) * 1000)
    print(f"patch (one specialist reloaded into a copy of the index): {percentiles(patch_ms)}")

    needs = list(
        Need.objects.filter(agency__slug__startswith=SLUG_PREFIX)
        .prefetch_related("skill_requirements")
        .order_by("id")[: args.needs]
    )
    assert NeedSkill.objects.filter(need__in=needs[:1]).exists(), "needs without skills"
    specs = [need_spec_from(need) for need in needs]
    weights = settings.MATCHING_WEIGHTS

    for spec in specs[:20]:  # warm up caches and code paths
        shortlist(index, spec, limit=args.limit, weights=weights)
    core_ms, core_cpu_ms, shown = [], [], []
    for spec in specs:
        started, cpu = time.perf_counter(), time.thread_time()
        result = shortlist(index, spec, limit=args.limit, weights=weights)
        core_ms.append((time.perf_counter() - started) * 1000)
        core_cpu_ms.append((time.thread_time() - cpu) * 1000)
        shown.append(len(result))
    print(f"core  (shortlist on the warm index), wall: {percentiles(core_ms)}")
    print(f"core  (shortlist on the warm index), CPU:  {percentiles(core_cpu_ms)}")
    print(
        f"      candidates returned per need: mean {statistics.fmean(shown):.1f}, "
        f"needs with none {sum(1 for s in shown if s == 0)}"
    )

    setup_test_environment()  # allows the test client's host
    try:
        reverse("api:need-candidates", kwargs={"pk": needs[0].pk})
        route = "the project's urls"
    except (NoReverseMatch, ImportError) as error:
        # The project's urls lack the route or do not import (a half-finished area):
        # measure the same view through a urlconf holding only this route.
        settings.ROOT_URLCONF = "benchmarks.shortlist"
        clear_url_caches()
        route = f"benchmarks.shortlist's own urls ({type(error).__name__} in the project's)"
    coordinator, _ = User.objects.get_or_create(
        email=f"{SLUG_PREFIX}coordinator@example.invalid",
        defaults={"name": "Benchmark coordinator", "role": Role.COORDINATOR},
    )
    token, _ = Token.objects.get_or_create(user=coordinator)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    secure = not settings.DEBUG  # production settings redirect plain HTTP
    for need in needs[:20]:
        client.get(f"/api/v1/needs/{need.pk}/candidates/?limit={args.limit}", secure=secure)
    api_ms, api_cpu_ms = [], []
    for need in needs:
        started, cpu = time.perf_counter(), time.thread_time()
        response = client.get(
            f"/api/v1/needs/{need.pk}/candidates/?limit={args.limit}", secure=secure
        )
        api_ms.append((time.perf_counter() - started) * 1000)
        api_cpu_ms.append((time.thread_time() - cpu) * 1000)
        assert response.status_code == 200, (response.status_code, response.content[:300])
    print(f"API   (Django test client via {route})")
    print(f"      wall: {percentiles(api_ms)}")
    print(f"      CPU:  {percentiles(api_cpu_ms)}  (excludes time waiting on PostgreSQL)")
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"peak RSS of this process: {rss_peak / 1024:.0f} MiB "
        f"({rss_before / 1024:.0f} MiB before building the index)"
    )
    # After the RSS figure: the global run's read of every row by day, not a request's.
    year_ms = []
    for _ in range(5):
        started = time.perf_counter()
        year = index.free_by_day(np.arange(len(index)), index.day0, index.day0 + timedelta(364))
        year_ms.append((time.perf_counter() - started) * 1000)
    print(
        f"free_by_day (every specialist × 365 days, {year.nbytes / 2**20:.0f} MiB int16): "
        f"{percentiles(year_ms)}"
    )


if __name__ == "__main__":
    main()
