"""A database that is down answers 503 ("try again shortly"), never a 500 or a stack trace.

So does the rare request that needs Redis itself and finds it down (ending a session must
reach the cache, see fastpaths/sessions.py); everything else reads around it.

When PostgreSQL refuses connections or drops one mid-request, the request's transaction
never commits, so nothing is half-written; the caller is told the service is briefly
unavailable and may retry. The API gets JSON, the web a plain page that renders without
the database (the product's base template reads the database for its header).
"""

import logging
import sys
from collections.abc import Callable

import kombu.exceptions
import redis.exceptions
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
API_PREFIX = "/api/"


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 answer for `request`: JSON under /api/, a self-contained page elsewhere."""
    if request.path.startswith(API_PREFIX):
        response: HttpResponse = JsonResponse(
            {"detail": "The service is temporarily unavailable; try again shortly."},
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,
)


try:  # the driver's own errors, where one escapes Django's wrapper (a rollback, a commit)
    import psycopg

    UNAVAILABLE += (psycopg.OperationalError, psycopg.InterfaceError)
except ImportError:  # the embedded default runs on SQLite
    pass


def _is_database_down(exception: BaseException | None) -> bool:
    return isinstance(exception, UNAVAILABLE)


def _remember_database_error(sender: object, request: HttpRequest | None = None, **kwargs) -> None:
    # Django turns an error raised inside another middleware into a 500 before any outer
    # middleware sees it; this signal runs while that error is being handled.
    if request is not None and _is_database_down(sys.exc_info()[1]):
        request.database_unavailable = True


class DatabaseUnavailableMiddleware:
    """A clean 503 when the database is down, wherever in the request it was found out.

    Errors raised by a view arrive in `process_exception`; errors raised by an inner
    middleware (one that reads the session user, say) arrive as Django's 500 response,
    recognised through `got_request_exception`. Install it first, just inside the
    request-id middleware, so it wraps every other layer.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        got_request_exception.connect(
            _remember_database_error, dispatch_uid="marketplace.outage.database_error"
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "database_unavailable", False):
            logger.error("Database or cache unavailable during %s %s", request.method, request.path)
            return database_unavailable_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if _is_database_down(exception):
            logger.error("Database or cache unavailable during %s %s", request.method, request.path)
            return database_unavailable_response(request)
        return None


class AtomicApiWriteMiddleware:
    """Each API write and the reading of its answer in one transaction.

    The answer to a write is read back from the database (the new need with its skills);
    read after the commit, a connection lost in between answered 503 for a change that had
    been made, and a client that retried made it twice. In one transaction, an error before
    the commit undoes the write (503, nothing written) and nothing after it reads the
    database (2xx, written). Work after the commit (notifications, cache bumps) is handed
    off without failing the reply. Install it last, so every other middleware's
    `process_view` has run.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS or not request.path.startswith(API_PREFIX):
            return None
        try:
            with transaction.atomic():
                return view_func(request, *view_args, **view_kwargs)
        except UNAVAILABLE:
            # Raised here, the error would pass no middleware's `process_exception`.
            logger.error("Database or cache unavailable during %s %s", request.method, request.path)
            return database_unavailable_response(request)
