"""Fault test (issue 24): Redis stopped during 50 approvals, then started again.

The test runs its own redis-server (cache, sessions and broker) with a live worker on it,
approves 50 matches, stops Redis after the 15th approval and starts it again (empty, as a
crashed Redis without persistence) after the 35th. Every approval answers 2xx or 503,
never 500; every committed one is notified exactly once after Redis is back (the outbox
sweep re-sends what the lost queue held).
"""

from collections import Counter

import pytest
from django.core import mail

from marketplace.models import Match, MatchStatus
from notifications.models import NotificationKind
from notifications.tasks import sweep
from tests.security.reliability.conftest import broker_on, wait_for
from tests.security.reliability.faults import (
    OwnRedis,
    all_emails_sent,
    caches_on,
    email_figures,
    live_worker_on_broker,
    proposed_matches,
)

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

APPROVALS = 50
STOP_AFTER, START_AFTER = 15, 35


@pytest.fixture
def own_redis():
    server = OwnRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATIONS_SWEEP_GRACE_SECONDS = 0
    mail.outbox = []


def test_fifty_approvals_across_a_redis_restart(
    settings, own_redis, locmem_email, client_for, capsys
):
    settings.CACHES = caches_on(own_redis.url)
    matches, coordinator = proposed_matches(APPROVALS)
    client = client_for(coordinator)
    statuses: dict[int, int] = {}

    with broker_on(own_redis.url), live_worker_on_broker():
        for index, match in enumerate(matches):
            if index == STOP_AFTER:
                own_redis.stop()
            if index == START_AFTER:
                own_redis.start()
            statuses[match.pk] = client.post(f"/api/v1/matches/{match.pk}/approve/").status_code
        sweep.delay()
        assert wait_for(lambda: all_emails_sent(NotificationKind.MATCH_APPROVED), timeout=90)

    figures = email_figures(NotificationKind.MATCH_APPROVED)
    with capsys.disabled():
        replies = sorted(Counter(statuses.values()).items())
        print(f"\nRedis restart during {APPROVALS} approvals: replies {replies}, emails {figures}")
    assert set(statuses.values()) <= {200, 503}
    approved = set(Match.objects.filter(status=MatchStatus.APPROVED).values_list("pk", flat=True))
    assert approved == {pk for pk, status in statuses.items() if status == 200}
    assert figures["expected"] == 3 * len(approved)  # the specialist and both managers
    assert figures["doubled"] == figures["lost"] == 0
