"""A Celery worker killed (SIGKILL) in the middle of a matching run.

The run's message is acknowledged only when the task ends (acks_late), so Redis still
holds it; a new worker takes it over once its visibility timeout has passed, the run is
redone from scratch and ends `done`, and no pair is proposed twice.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from accounts.models import Role, User
from marketplace.models import (
    AuditEvent,
    Availability,
    Match,
    MatchingRun,
    MatchingRunStatus,
    Need,
    NeedSkill,
    NeedStatus,
    Skill,
    SkillCategory,
    Specialist,
    SpecialistSkill,
)
from marketplace.services.matching_run_start import matching_run_start
from tests import factories
from tests.factories import future
from tests.security.reliability.conftest import wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]
# A market big enough for a real run; the test holds the run's row lock to catch the
# worker in the middle of it, whatever the machine's speed.
SPECIALISTS = 400
NEEDS = 60


def _big_market() -> None:
    """Enough open needs and specialists that a run takes seconds, written in bulk."""
    skills = [
        Skill.objects.get_or_create(name=f"Reliability skill {n}", category=SkillCategory.DATA)[0]
        for n in range(4)
    ]
    agencies = [factories.AgencyFactory() for _ in range(8)]
    users = User.objects.bulk_create(
        User(
            email=f"run-{n}@example.se",
            name=f"Specialist {n}",
            role=Role.SPECIALIST,
            agency=agencies[n % len(agencies)],
            password="!",
        )
        for n in range(SPECIALISTS)
    )
    specialists = Specialist.objects.bulk_create(
        Specialist(
            user=user,
            agency_id=user.agency_id,
            title="Dataingenjör",
            shareable=True,
            max_share_percent=100,
            languages=["sv"],
            region="AB",
        )
        for user in users
    )
    SpecialistSkill.objects.bulk_create(
        SpecialistSkill(specialist=s, skill=skills[(s.pk + k) % 4], level=2 + (s.pk + k) % 4)
        for s in specialists
        for k in range(2)
    )
    Availability.objects.bulk_create(
        Availability(specialist=s, start=future(1), end=future(365), capacity_percent=60)
        for s in specialists
    )
    needs = Need.objects.bulk_create(
        Need(
            agency=agencies[n % len(agencies)],
            title=f"Behov {n}",
            start=future(20 + n % 30),
            end=future(90 + n % 60),
            capacity_percent=20 + 10 * (n % 3),
            status=NeedStatus.OPEN,
            published_at=timezone.now(),
        )
        for n in range(NEEDS)
    )
    NeedSkill.objects.bulk_create(
        NeedSkill(
            need=need,
            skill=skills[n % 4],
            min_level=2,
            required=True,
            need_created_at=need.created_at,
        )
        for n, need in enumerate(needs)
    )


def _start_worker(name: str, **extra_env: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        **extra_env,
    }
    return subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "marketplace",
            "worker",
            "-Q",
            "matching",
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
            "-n",
            f"{name}-{uuid.uuid4().hex[:8]}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _database_url() -> str:
    """The test database (pytest-django's `test_<name>`), as the worker must see it."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


@pytest.fixture
def through_redis():
    """Tasks go through the real broker to the workers this test starts."""
    from marketplace.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("matching")
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


def _worker_waits_on_a_lock(holder: psycopg.Connection) -> bool:
    """Whether another session of this database is blocked by the holder's row lock."""
    row = holder.execute(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND wait_event_type = 'Lock'"
    ).fetchone()
    return bool(row and row[0])


def _status(run: MatchingRun) -> str:
    return MatchingRun.objects.values_list("status", flat=True).get(pk=run.pk)


def test_run_whose_worker_is_killed_is_redone_by_another_worker_without_duplicates(
    through_redis,
):
    _big_market()
    coordinator = factories.CoordinatorFactory()
    first = _start_worker("doomed")
    rescuer = None
    try:
        run = matching_run_start(actor=coordinator)
        assert wait_for(lambda: _status(run) == MatchingRunStatus.RUNNING, timeout=60)
        # Hold the run's row so the worker stops at the start of its write phase (it locks
        # the row there): it is then provably in the middle of the run when it is killed.
        with psycopg.connect(_database_url(), autocommit=False) as holder:
            holder.execute(
                "SELECT 1 FROM marketplace_matchingrun WHERE id = %s FOR UPDATE", [run.pk]
            )
            assert wait_for(lambda: _worker_waits_on_a_lock(holder), timeout=60)
            assert _status(run) == MatchingRunStatus.RUNNING

            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
            holder.rollback()
        assert not Match.objects.filter(matching_run=run).exists()
        assert _status(run) == MatchingRunStatus.RUNNING

        time.sleep(1.5)  # past the rescuer's visibility timeout
        rescuer = _start_worker("rescuer", CELERY_VISIBILITY_TIMEOUT="1")
        assert wait_for(
            lambda: _status(run) in (MatchingRunStatus.DONE, MatchingRunStatus.FAILED),
            timeout=120,
        )
    finally:
        _stop(first)
        if rescuer is not None:
            _stop(rescuer)

    run.refresh_from_db()
    assert run.status == MatchingRunStatus.DONE
    proposals = Match.objects.filter(matching_run=run)
    assert run.proposals_created == proposals.count() > 0
    pairs = proposals.values("need_id", "specialist_id").annotate(n=Count("id"))
    assert max(row["n"] for row in pairs) == 1
    actions = list(
        AuditEvent.objects.filter(object_type="marketplace.matchingrun", object_id=str(run.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "matching_run.start",
        "matching_run.run",
        "matching_run.restart",
        "matching_run.done",
    ]
