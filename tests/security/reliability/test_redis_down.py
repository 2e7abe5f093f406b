"""Issue 24, findings 3 and 5: Redis down is no outage, and after-commit work never changes
the reply.

Every API call (`/me/`, `/ping/`, token login) and every web approval answered 500 while
Redis was down, because the throttle's cache read raised; an approval committed while
Redis died answered 500 too. Redis is a cache and a broker: reads around it, writes go to
PostgreSQL, the outbox waits for the broker.
"""

import contextlib
import logging
from collections.abc import Iterator

import pytest
from django.test import Client

from marketplace.models import AuditEvent, Match, MatchStatus
from notifications.models import Delivery, NotificationKind
from tests import factories
from tests.security.reliability.conftest import broker_unreachable, closed_port

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

PASSWORD = "correct-horse-battery"


@contextlib.contextmanager
def redis_unreachable(settings) -> Iterator[None]:
    """The cache, the sessions' cache and the broker all on a port nothing listens on."""
    url = f"redis://127.0.0.1:{closed_port()}/0"
    options = {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "fastpaths.redis_cache.DegradingRedisCache",
            "LOCATION": url,
            "OPTIONS": options,
        },
        "sessions": {
            "BACKEND": "fastpaths.redis_cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": options,
        },
    }
    settings.SESSION_ENGINE = "fastpaths.sessions"
    settings.SESSION_CACHE_ALIAS = "sessions"
    with broker_unreachable():
        yield


@pytest.fixture
def project_rates(settings):
    # The throttles read the cache only with a rate to keep.
    settings.API_THROTTLE_RATE_ANON = "60/minute"
    settings.API_THROTTLE_RATE_USER = "1200/minute"
    settings.LOGIN_THROTTLE_RATE = "10/minute"


def test_api_calls_are_served_while_redis_is_down(settings, project_rates, client_for, caplog):
    user = factories.ManagerFactory()
    with redis_unreachable(settings), caplog.at_level(logging.WARNING):
        me = client_for(user).get("/api/v1/me/")
        ping = client_for(user).get("/api/v1/ping/")
        login = Client().post(
            "/api/v1/auth/token/",
            {"email": user.email, "password": PASSWORD},
            content_type="application/json",
        )

    assert (me.status_code, ping.status_code, login.status_code) == (200, 200, 200)
    assert login.json()["token"]
    assert "Cache unreachable" in caplog.text


def test_a_web_page_opens_while_redis_is_down(settings, project_rates):
    manager = factories.ManagerFactory()
    with redis_unreachable(settings):
        client = Client()
        client.force_login(manager)
        response = client.get("/needs/")

    assert response.status_code == 200


def test_a_web_approval_while_redis_is_down_is_committed_and_answered(
    settings, project_rates, market
):
    coordinator = market["coordinator"]
    with redis_unreachable(settings):
        client = Client()
        client.force_login(coordinator)
        response = client.post(f"/matches/{market['match'].pk}/approve/")

    assert response.status_code in (200, 302)
    assert Match.objects.get(pk=market["match"].pk).status == MatchStatus.APPROVED


@pytest.mark.django_db(transaction=True)
def test_an_api_approval_while_redis_is_down_answers_200_with_its_outbox(
    settings, project_rates, market, client_for
):
    with redis_unreachable(settings):
        response = client_for(market["coordinator"]).post(
            f"/api/v1/matches/{market['match'].pk}/approve/"
        )

    assert response.status_code == 200
    assert Match.objects.get(pk=market["match"].pk).status == MatchStatus.APPROVED
    assert AuditEvent.objects.filter(action="match.approve").count() == 1
    assert Delivery.objects.filter(notification__kind=NotificationKind.MATCH_APPROVED).exists()


@pytest.mark.django_db(transaction=True)
def test_a_hand_off_failing_after_commit_never_changes_the_reply(market, client_for):
    """The broker answers the transaction but not the hand-off after it (Redis died)."""
    from marketplace.celery import app

    def broker_dies(*args, **kwargs):
        raise ConnectionError("Redis went away after the commit")

    original = app.send_task
    app.send_task = broker_dies
    app.conf.task_always_eager = False  # hand-offs go to the broker, as in production
    try:
        search = client_for(market["borrower_manager"]).post(
            "/api/v1/saved-searches/",
            {"kind": "needs_board", "name": "Molnbehov", "criteria": {"q": "moln"}},
            format="json",
        )
        run = client_for(market["coordinator"]).post("/api/v1/matching-runs/")
    finally:
        app.send_task = original
        app.conf.task_always_eager = True

    assert search.status_code == 201, search.content
    assert run.status_code == 202, run.content
