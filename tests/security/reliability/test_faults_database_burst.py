"""Fault test (issue 24): database connections terminated 25 times during a 15 s burst of
API writes (approvals and new needs, from three clients at once).

Every write answered 2xx is there afterwards; every one answered 503 left nothing; none
answered 500. A live worker started after the burst then sends every committed approval's
emails exactly once (delivery through database faults is the notifications' own test).
"""

import threading
import time
from collections import Counter

import pytest
from django.core import mail
from django.db import close_old_connections, connection

from marketplace.models import Match, MatchStatus, Need
from notifications.models import Delivery, NotificationKind
from notifications.tasks import sweep
from tests import factories
from tests.security.reliability.conftest import wait_for
from tests.security.reliability.faults import (
    Terminator,
    all_emails_sent,
    email_figures,
    live_worker_on_broker,
    need_body,
    proposed_matches,
)

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BURST_SECONDS, TERMINATIONS, MATCHES = 15.0, 25, 60


@pytest.fixture
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATIONS_SWEEP_GRACE_SECONDS = 0
    mail.outbox = []


def test_writes_keep_their_answers_while_connections_are_terminated(
    locmem_email, client_for, capsys
):
    from marketplace.celery import app

    app.conf.task_always_eager = False  # hand-offs go to the broker, as in production
    matches, coordinator = proposed_matches(MATCHES)
    manager = factories.ManagerFactory()
    skill = factories.SkillFactory()
    approvals: dict[int, int] = {}
    needs: dict[str, int] = {}
    deadline = time.monotonic() + BURST_SECONDS

    def approve(share: list) -> None:
        client = client_for(coordinator)
        client.raise_request_exception = False  # answered, as under gunicorn
        for match in share:
            if time.monotonic() > deadline:
                return
            close_old_connections()
            approvals[match.pk] = client.post(f"/api/v1/matches/{match.pk}/approve/").status_code
            time.sleep(0.2)

    def create_needs() -> None:
        client = client_for(manager)
        client.raise_request_exception = False
        index = 0
        while time.monotonic() < deadline:
            close_old_connections()
            title = f"Upphandlingsstöd {index}"
            needs[title] = client.post(
                "/api/v1/needs/",
                need_body(title=title, skills=[{"skill": skill.pk, "min_level": 3}]),
                format="json",
            ).status_code
            index += 1
            time.sleep(0.1)

    terminator = Terminator(times=TERMINATIONS, seconds=BURST_SECONDS)
    writers = [
        threading.Thread(target=approve, args=(matches[0::2],)),
        threading.Thread(target=approve, args=(matches[1::2],)),
        threading.Thread(target=create_needs),
    ]
    terminator.start()
    for thread in writers:
        thread.start()
    for thread in [*writers, terminator]:
        thread.join(timeout=60)
    connection.close()

    replies = [*approvals.values(), *needs.values()]
    assert 500 not in replies
    assert set(replies) <= {200, 201, 503}
    assert 503 in replies and any(status < 300 for status in replies)  # the faults hit
    approved = set(Match.objects.filter(status=MatchStatus.APPROVED).values_list("pk", flat=True))
    assert approved == {pk for pk, status in approvals.items() if status == 200}
    created = set(Need.objects.filter(title__in=needs).values_list("title", flat=True))
    assert created == {title for title, status in needs.items() if status == 201}

    with live_worker_on_broker():
        sweep.delay()
        sent = wait_for(lambda: all_emails_sent(NotificationKind.MATCH_APPROVED), timeout=90)
        assert sent, Counter(Delivery.objects.values_list("channel", "status", "attempts"))
    figures = email_figures(NotificationKind.MATCH_APPROVED)
    with capsys.disabled():
        print(
            f"\nDatabase burst: {terminator.terminated} connections terminated in "
            f"{TERMINATIONS} rounds; approvals {sorted(Counter(approvals.values()).items())}; "
            f"new needs {sorted(Counter(needs.values()).items())}; emails {figures}"
        )
    assert figures["expected"] == 3 * len(approved)
    assert figures["doubled"] == figures["lost"] == 0
