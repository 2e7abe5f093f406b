from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse

from marketplace.celery import app as celery_app


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver error means "down" to a health check
        return False, type(error).__name__
    return True, "ok"


def _broker_ok() -> tuple[bool, str]:
    if celery_app.conf.task_always_eager:
        return True, "in-process"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.HEALTHZ_BROKER_TIMEOUT)
    except Exception as error:  # any transport error means "down" to a health check
        return False, type(error).__name__
    return True, "ok"


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer; 503 naming the part that did not."""
    database_ok, database_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    healthy = database_ok and broker_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": database_detail,
            "broker": broker_detail,
        },
        status=200 if healthy else 503,
    )
