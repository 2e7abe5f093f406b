"""Starting a global matching run: the coordinator's request, which queues the run.

The run itself is executed by a Celery worker (marketplace.tasks →
marketplace.services.matching_runs); starting and executing live in two modules so that
this one imports the tasks and the tasks import that one.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.errors import Conflict, Forbidden
from accounts.models import User
from marketplace import tasks
from marketplace.audit import audit_record
from marketplace.models import MatchingRun, MatchingRunStatus
from marketplace.permissions import can_run_matching

ACTIVE_RUN_STATUSES = (MatchingRunStatus.QUEUED, MatchingRunStatus.RUNNING)
# Any fixed number: the key of the PostgreSQL advisory lock that serialises run starts.
START_LOCK_KEY = 0x6D61_7463_6872_756E  # "matchrun"
# A run still queued or running after this long has lost its worker for good; it no
# longer blocks a new run.
QUEUED_STALE_AFTER = timedelta(hours=1)


def _running_stale_after() -> timedelta:
    return timedelta(seconds=2 * int(getattr(settings, "CELERY_TASK_TIME_LIMIT", 360)))


def _lock_run_starts() -> None:
    """Serialise concurrent starts so "is a run active?" and "create one" cannot interleave.

    On PostgreSQL a transaction-scoped advisory lock; SQLite (the embedded mode) already
    lets one writer at a time and runs tasks in-process.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [START_LOCK_KEY])


def _fail_abandoned_runs() -> None:
    now = timezone.now()
    abandoned = "Abandoned: no worker finished it."
    stale = MatchingRun.objects.select_for_update().filter(
        Q(status=MatchingRunStatus.QUEUED, created_at__lt=now - QUEUED_STALE_AFTER)
        | Q(status=MatchingRunStatus.RUNNING, started_at__lt=now - _running_stale_after())
    )
    for run in stale:
        before = {"status": run.status}
        run.status, run.error, run.finished_at = MatchingRunStatus.FAILED, abandoned, now
        run.save(update_fields=["status", "error", "finished_at"])
        audit_record(
            actor=None,
            action="matching_run.fail",
            target=run,
            before=before,
            after={"status": run.status, "error": abandoned},
        )


@transaction.atomic
def matching_run_start(*, actor: User) -> MatchingRun:
    """Queue a global matching run; coordinators and admins only, one run at a time.

    Raises Forbidden for other roles and Conflict while another run is queued or running.
    The Celery task is sent only once the run is committed.
    """
    if not can_run_matching(actor):
        raise Forbidden(_("Only coordinators start matching runs."))
    _lock_run_starts()
    _fail_abandoned_runs()
    active = (
        MatchingRun.objects.select_for_update()
        .filter(status__in=ACTIVE_RUN_STATUSES)
        .order_by("pk")
        .first()
    )
    if active is not None:
        raise Conflict(
            _("Matching run %(id)s is %(status)s; wait until it ends.")
            % {"id": active.pk, "status": str(MatchingRunStatus(active.status).label).lower()}
        )
    run = MatchingRun.objects.create(requested_by=actor, status=MatchingRunStatus.QUEUED)
    audit_record(actor=actor, action="matching_run.start", target=run, after={"status": "queued"})

    # A broker that is down leaves the run queued (failed as stale later), never the reply.
    transaction.on_commit(lambda: tasks.matching_run_execute.delay(run.pk), robust=True)
    return run
