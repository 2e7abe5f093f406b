"""Scenario: the whole match flow tells exactly the right people and agencies, each once,
in their own language, through a real Celery worker on Redis, a local SMTP server and a
webhook receiver per agency.

Trafikverket borrows, Skatteverket lends. Trafikverket's manager Maja (Swedish) nominates
Anna (English) for a cloud need; Cecilia, the coordinator who follows Trafikverket,
approves; Anna consents, her manager Bo (English) releases her, and Maja completes the
engagement. A second nomination (Erik, Swedish) is approved and then declined by Erik.
David, a coordinator who follows nobody, starts a global matching run. Every in-app
notice, email and webhook that came out is collected and compared, as a multiset of
(event, recipient or agency, channel, language, match), with the routing table's answer.
"""

import datetime as dt
import email
import email.policy
import hashlib
import hmac
import json
import time
from collections import Counter

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from marketplace.models import Match, MatchingRun
from notifications.models import Delivery, DeliveryStatus, Notification, ProposalFollow
from tests import factories
from tests.notifications.conftest import wait_for, webhook_receiver_running

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SECRETS = {"Trafikverket": "trv-hemlighet", "Skatteverket": "skv-hemlighet"}


def _settled() -> bool:
    busy = Delivery.objects.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING])
    return not busy.exists()


def _language_of(notification: Notification, title: str) -> str:
    for language in ("sv", "en"):
        if notification.text_in(language)[0] == title:
            return language
    raise AssertionError(f"{title!r} is neither language of {notification.kind}")


def _emails(smtp_server) -> list[tuple]:
    keys = dict(Delivery.objects.values_list("idempotency_key", "notification_id"))
    delivered = []
    for raw in smtp_server.messages:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        key = message["Message-ID"].strip("<>").split("@")[0]
        notification = Notification.objects.select_related("recipient").get(pk=keys[key])
        assert message["To"] == notification.recipient.email
        # The footer links to the preferences page on the web.
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert "/notifications/preferences/" in text
        delivered.append(
            (
                notification.kind,
                notification.recipient.name,
                "email",
                _language_of(notification, str(message["Subject"]).strip()),
                notification.context.get("match_id"),
            )
        )
    return delivered


def _in_app(users) -> list[tuple]:
    """What each person's notifications page shows, read in their own language."""
    shown = []
    for user in users:
        page = Client()
        page.force_login(user)
        page.cookies["django_language"] = user.language
        html = page.get("/notifications/").content.decode()
        for notification in Notification.objects.filter(recipient=user, in_app_at__isnull=False):
            [language] = [
                language
                for language in ("sv", "en")
                if escape(notification.text_in(language)[0]) in html
            ]
            shown.append(
                (
                    notification.kind,
                    user.name,
                    "in_app",
                    language,
                    notification.context.get("match_id"),
                )
            )
    return shown


def _webhooks(receivers) -> list[tuple]:
    delivered = []
    for agency, receiver in receivers.items():
        for headers, body in receiver.requests:
            expected = hmac.new(SECRETS[agency].encode(), body, hashlib.sha256).hexdigest()
            assert headers["X-Signature"] == f"sha256={expected}"
            event = json.loads(body)
            delivered.append((event["event"], agency, "webhook", "", event["data"]["match_id"]))
    return delivered


def _people_told(kind: str, match_id: int, *people) -> list[tuple]:
    return [
        (kind, person.name, channel, person.language, match_id)
        for person in people
        for channel in ("in_app", "email")
    ]


def _agencies_told(kind: str, match_id: int) -> list[tuple]:
    return [(kind, agency, "webhook", "", match_id) for agency in SECRETS]


def test_match_flow_tells_exactly_the_right_people_and_agencies_once_in_their_language(
    live_worker, smtp_server, client_for, settings
):
    settings.NOTIFICATIONS_WEBHOOK_ALLOW_HTTP_LOCALHOST = True
    settings.NOTIFICATIONS_SWEEP_GRACE_SECONDS = 0
    today = timezone.localdate()
    with (
        webhook_receiver_running() as trafikverket_hooks,
        webhook_receiver_running() as skatteverket_hooks,
    ):
        receivers = {"Trafikverket": trafikverket_hooks, "Skatteverket": skatteverket_hooks}
        trafikverket = factories.AgencyFactory(
            name="Trafikverket",
            webhook_url=trafikverket_hooks.url,
            webhook_secret=SECRETS["Trafikverket"],
        )
        skatteverket = factories.AgencyFactory(
            name="Skatteverket",
            webhook_url=skatteverket_hooks.url,
            webhook_secret=SECRETS["Skatteverket"],
        )
        maja = factories.ManagerFactory(agency=trafikverket, name="Maja Lind", language="sv")
        bo = factories.ManagerFactory(agency=skatteverket, name="Bo Berg", language="en")
        cecilia = factories.CoordinatorFactory(name="Cecilia Ek", language="sv")
        david = factories.CoordinatorFactory(name="David Ross", language="en")
        ProposalFollow.objects.create(user=cecilia, agency=trafikverket)
        skills = {
            category: factories.SkillFactory(name=f"Skill {category}", category=category)
            for category in ("cloud", "security", "data")
        }
        specialists = {}
        for name, language, category in [
            ("Anna Ek", "en", "cloud"),
            ("Erik Holm", "sv", "security"),
            ("Fia Strand", "sv", "data"),
        ]:
            specialist = factories.SpecialistFactory(
                agency=skatteverket, user__name=name, user__language=language
            )
            factories.SpecialistSkillFactory(specialist=specialist, skill=skills[category], level=4)
            factories.AvailabilityFactory(
                specialist=specialist,
                start=today,
                end=today + dt.timedelta(days=180),
                capacity_percent=50,
            )
            specialists[name] = specialist
        # Enough colleagues that lending three does not reach Skatteverket's outflow cap.
        factories.SpecialistFactory.create_batch(6, agency=skatteverket)
        anna, erik, fia = specialists.values()

        manager_api = client_for(maja)

        def publish(title: str, category: str, start: dt.date) -> int:
            response = manager_api.post(
                "/api/v1/needs/",
                {
                    "title": title,
                    "description": f"Vi behöver stöd: {title}.",
                    "skills": [{"skill": skills[category].pk, "min_level": 3, "required": True}],
                    "start": start.isoformat(),
                    "end": (start + dt.timedelta(days=60)).isoformat(),
                    "capacity_percent": 30,
                },
                format="json",
            )
            assert response.status_code == 201, response.json()
            need_id = response.json()["id"]
            assert manager_api.post(f"/api/v1/needs/{need_id}/publish/").status_code == 200
            return need_id

        cloud_need = publish("Molnarkitekt", "cloud", today)
        security_need = publish("Säkerhetsanalys", "security", today + dt.timedelta(days=14))
        data_need = publish("Dataplattform", "data", today + dt.timedelta(days=21))

        def act(client, path: str, body: dict | None = None) -> dict:
            response = client.post(path, body or {}, format="json")
            assert response.status_code in (200, 201, 202), (path, response.json())
            return response.json()

        # Nominate, approve, consent, release, complete.
        first = act(manager_api, "/api/v1/matches/", {"need": cloud_need, "specialist": anna.pk})
        first_id = first["id"]
        act(client_for(cecilia), f"/api/v1/matches/{first_id}/approve/")
        act(client_for(anna.user), f"/api/v1/matches/{first_id}/accept/")
        act(client_for(bo), f"/api/v1/matches/{first_id}/accept/")
        act(manager_api, f"/api/v1/matches/{first_id}/complete/", {"hours": 120, "rating": 5})

        # One decline.
        second = act(
            manager_api, "/api/v1/matches/", {"need": security_need, "specialist": erik.pk}
        )
        second_id = second["id"]
        act(client_for(cecilia), f"/api/v1/matches/{second_id}/approve/")
        act(
            client_for(erik.user),
            f"/api/v1/matches/{second_id}/decline/",
            {"reason": "workload"},
        )

        # One run.
        run_id = act(client_for(david), "/api/v1/matching-runs/")["id"]
        assert wait_for(
            lambda: MatchingRun.objects.get(pk=run_id).status in ("done", "failed"), timeout=60
        )
        run_matches = list(Match.objects.filter(matching_run_id=run_id))
        assert (data_need, fia.pk) in {(m.need_id, m.specialist_id) for m in run_matches}

        assert wait_for(_settled, timeout=60)
        time.sleep(1)  # anything still arriving would show as extra

        delivered = Counter(
            _emails(smtp_server)
            + _in_app([maja, bo, cecilia, david, anna.user, erik.user, fia.user])
            + _webhooks(receivers)
        )

    expected = Counter(
        _people_told("match_proposed", first_id, cecilia)
        + _agencies_told("match_proposed", first_id)
        + _people_told("match_approved", first_id, anna.user, bo, maja)
        + _agencies_told("match_approved", first_id)
        + _people_told("match_consented", first_id, bo)
        + _agencies_told("match_consented", first_id)
        + _people_told("match_accepted", first_id, anna.user, bo, maja, cecilia)
        + _agencies_told("match_accepted", first_id)
        + _people_told("match_completed", first_id, anna.user, bo)
        + _agencies_told("match_completed", first_id)
        + _people_told("match_proposed", second_id, cecilia)
        + _agencies_told("match_proposed", second_id)
        + _people_told("match_approved", second_id, erik.user, bo, maja)
        + _agencies_told("match_approved", second_id)
        + _people_told("match_declined", second_id, bo, maja, cecilia)
        + _agencies_told("match_declined", second_id)
        + _people_told("matching_run_done", None, david)
        + [row for m in run_matches for row in _agencies_told("match_proposed", m.pk)]
    )
    assert delivered == expected


def test_a_swedish_and_an_english_reader_see_the_same_notice_each_in_their_language(
    live_worker, smtp_server, client_for
):
    lending = factories.AgencyFactory(name="Skatteverket")
    borrowing = factories.AgencyFactory(name="Trafikverket")
    maja = factories.ManagerFactory(agency=borrowing, name="Maja Lind", language="sv")
    bo = factories.ManagerFactory(agency=lending, name="Bo Berg", language="en")
    match = factories.MatchFactory(
        need__agency=borrowing,
        need__title="Molnarkitekt",
        specialist__agency=lending,
        specialist__user__name="Anna Ek",
    )
    factories.AvailabilityFactory(specialist=match.specialist, capacity_percent=100)
    coordinator = factories.CoordinatorFactory()
    approved = client_for(coordinator).post(f"/api/v1/matches/{match.pk}/approve/")
    assert approved.status_code == 200, approved.json()
    assert wait_for(lambda: len(smtp_server.messages) == 3)  # Anna, Maja, Bo

    subjects = {}
    for raw in smtp_server.messages:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        subjects[message["To"]] = str(message["Subject"]).strip()
    assert subjects[maja.email] == "Matchning godkänd: Anna Ek till Molnarkitekt"
    assert subjects[bo.email] == "Match approved: Anna Ek for Molnarkitekt"

    def page(user, language: str) -> str:
        # The reader switches the interface with the language switch (saved on the account).
        client = Client()
        client.force_login(user)
        client.post("/language/", {"language": language, "next": "/notifications/"})
        return client.get("/notifications/").content.decode()

    assert "Matchning godkänd: Anna Ek till Molnarkitekt" in page(maja, "sv")
    assert "Match approved: Anna Ek for Molnarkitekt" in page(bo, "en")
    # The text is rendered when shown: Bo switching the interface to Swedish reads Swedish.
    assert "Matchning godkänd: Anna Ek till Molnarkitekt" in page(bo, "sv")
    api = client_for(maja).get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert api["results"][0]["title"] == "Match approved: Anna Ek for Molnarkitekt"
