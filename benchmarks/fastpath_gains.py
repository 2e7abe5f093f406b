"""What each compiled query saves of its request, call site by call site, in one command.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/delad_bench \
    REDIS_URL=redis://127.0.0.1:6379/1 .venv/bin/python -m benchmarks.fastpath_gains

Run it after `benchmarks.load` (it reads that database and its users). Each page of the
load benchmark is requested in-process, one at a time, with production settings (no
DEBUG, no guard); every compiled query a request sends is then timed both ways: as
compiled (`CompiledQuery.rows`) and as the ORM builds, compiles and runs the same
queryset. The gain is the difference as a share of the page's own time. `fastpaths`
keeps a compiled query only where that share is at least a tenth (see the README).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

from benchmarks.synthetic import ensure_database

ROUNDS = 30


def _median_ms(action: Callable[[], object], rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    ensure_database(os.environ["DATABASE_URL"])
    os.environ.update(
        DJANGO_SETTINGS_MODULE="benchmarks.settings_load",
        DEBUG="false",
        FASTPATHS_GUARD="false",
        SECURE_SSL_REDIRECT="false",
        API_THROTTLE_RATE_USER="1000000/minute",
    )
    import django

    django.setup()
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from benchmarks.synthetic import SLUG_PREFIX
    from fastpaths.compiled_queries import CompiledQuery
    from marketplace.models import Need, NeedStatus, Skill

    users = {
        "coordinator": User.objects.get(email="bench-coordinator@example.invalid"),
        "manager": User.objects.get(email="bench-manager@example.invalid"),
    }
    users["specialist"] = (
        User.objects.filter(specialist__agency=users["manager"].agency).order_by("id").first()
    )
    skill = Skill.objects.order_by("id").values_list("id", flat=True)[3]
    need = (
        Need.objects.filter(status=NeedStatus.OPEN, agency__slug__startswith=SLUG_PREFIX)
        .order_by("id")
        .values_list("id", flat=True)[100]
    )
    pages = {
        "needs_list": ("coordinator", f"/api/v1/needs/?status=open&skill={skill}"),
        "specialists_list": (
            "manager",
            f"/api/v1/specialists/?skill={skill}&min_level=3&available_from=2027-02-01"
            "&available_to=2027-03-01&min_capacity=20",
        ),
        "need_detail": ("specialist", f"/api/v1/needs/{need}/"),
        "candidates": ("coordinator", f"/api/v1/needs/{need}/candidates/?limit=10"),
        "dashboard_specialist": ("specialist", "/"),
        "dashboard_manager": ("manager", "/"),
        "dashboard_coordinator": ("coordinator", "/"),
        "page_floor": ("specialist", "/tillganglighet/"),
    }
    calls: list[tuple[CompiledQuery, object, dict]] = []
    compiled_rows = CompiledQuery.rows

    def recording(self, *, shape=None, **values):
        calls.append((self, shape, values))
        return compiled_rows(self, shape=shape, **values)

    CompiledQuery.rows = recording  # type: ignore[method-assign]
    print(f"{'page':22} {'call site':58} {'page ms':>8} {'saves ms':>9} {'gain':>6}")
    for page, (role, url) in pages.items():
        client = Client(HTTP_HOST="127.0.0.1")
        if url.startswith("/api/"):
            token = Token.objects.get_or_create(user=users[role])[0].key
            client.defaults["HTTP_AUTHORIZATION"] = f"Token {token}"
        else:
            client.force_login(users[role])
        for _ in range(3):
            assert client.get(url).status_code == 200, (page, url)
        page_ms = _median_ms(lambda url=url, client=client: client.get(url))
        calls.clear()
        client.get(url)
        seen = set()
        for query, shape, values in list(calls):
            site = getattr(query._build, "__qualname__", repr(query._build))
            if site in seen:
                continue
            seen.add(site)
            built = dict(values) if shape is None else {**values, "shape": shape}
            compiled_ms = _median_ms(
                lambda q=query, s=shape, v=values: compiled_rows(q, shape=s, **v)
            )
            orm_ms = _median_ms(lambda q=query, b=built: list(q._build(**b)))
            saved = orm_ms - compiled_ms
            print(f"{page:22} {site[:58]:58} {page_ms:8.1f} {saved:9.2f} {saved / page_ms:6.0%}")
        if not seen:
            print(f"{page:22} {'(no compiled query)':58} {page_ms:8.1f}")


if __name__ == "__main__":
    main()
