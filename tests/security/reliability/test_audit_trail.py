"""Every write path leaves one event: actor, action, object, before/after and request id."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from marketplace.models import AuditEvent, MatchStatus
from tests import factories
from tests.factories import future

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@dataclass(frozen=True)
class WritePath:
    """One API write: who calls, how, and the audit action it must leave."""

    action: str
    caller: str  # a key of the `market` fixture, or "specialist_user"
    call: Callable[[APIClient, dict], object]
    changes_existing: bool  # updates and deletes must say what was there before


def _approved(market: dict, **consents) -> None:
    match = market["match"]
    match.status = MatchStatus.APPROVED
    match.approved_by = market["coordinator"]
    for name, value in consents.items():
        setattr(match, name, value)
    match.save()


def _draft(market: dict):
    return factories.PublishableDraftNeedFactory(agency=market["borrower"])


def _nominate(client, market):
    other = factories.SpecialistFactory(agency=market["lender"])
    # A nominee must pass the need's hard constraints, free capacity included.
    factories.AvailabilityFactory(specialist=other, capacity_percent=100)
    return client.post("/api/v1/matches/", {"need": market["need"].pk, "specialist": other.pk})


def _consent(client, market):
    _approved(market)
    return client.post(f"/api/v1/matches/{market['match'].pk}/accept/")


def _release(client, market):
    _approved(market)
    return client.post(f"/api/v1/matches/{market['match'].pk}/accept/")


def _complete(client, market):
    from django.utils import timezone

    _approved(market)
    match = market["match"]
    match.status = MatchStatus.ACCEPTED
    match.specialist_consent_at = match.release_at = match.accepted_at = timezone.now()
    match.start = timezone.localdate()  # completion is possible from the first day on
    match.save()
    return client.post(f"/api/v1/matches/{match.pk}/complete/", {"hours": 120, "rating": 4})


def _specialist_create(client, market):
    user = factories.UserFactory(agency=market["lender"], role=Role.SPECIALIST)
    return client.post("/api/v1/specialists/", {"user": user.pk, "title": "Dataingenjör"})


def _window(market):
    return market["specialist"].availabilities.get()


WRITE_PATHS = [
    WritePath("match.nominate", "borrower_manager", _nominate, False),
    WritePath(
        "match.approve",
        "coordinator",
        lambda c, m: c.post(f"/api/v1/matches/{m['match'].pk}/approve/"),
        True,
    ),
    WritePath(
        "match.reject",
        "coordinator",
        lambda c, m: c.post(f"/api/v1/matches/{m['match'].pk}/reject/", {"reason": "Fel profil"}),
        True,
    ),
    WritePath(
        "match.decline",
        "lender_manager",
        lambda c, m: c.post(f"/api/v1/matches/{m['match'].pk}/decline/", {"reason": "workload"}),
        True,
    ),
    WritePath("match.consent", "specialist_user", _consent, True),
    WritePath("match.release", "lender_manager", _release, True),
    WritePath("match.complete", "borrower_manager", _complete, True),
    WritePath(
        "match.cancel",
        "borrower_manager",
        lambda c, m: c.post(f"/api/v1/matches/{m['match'].pk}/cancel/"),
        True,
    ),
    WritePath(
        "need.create",
        "borrower_manager",
        lambda c, m: c.post(
            "/api/v1/needs/",
            {"title": "Jurist", "start": future(40), "end": future(90), "capacity_percent": 20},
        ),
        False,
    ),
    WritePath(
        "need.update",
        "borrower_manager",
        lambda c, m: c.patch(f"/api/v1/needs/{m['need'].pk}/", {"title": "Nytt namn"}),
        True,
    ),
    WritePath(
        "need.publish",
        "borrower_manager",
        lambda c, m: c.post(f"/api/v1/needs/{_draft(m).pk}/publish/"),
        True,
    ),
    WritePath(
        "need.cancel",
        "borrower_manager",
        lambda c, m: c.post(f"/api/v1/needs/{m['need'].pk}/cancel/"),
        True,
    ),
    WritePath(
        "need.close",
        "borrower_manager",
        lambda c, m: c.post(f"/api/v1/needs/{m['need'].pk}/close/", {"reason": "no_candidate"}),
        True,
    ),
    WritePath(
        "need.delete",
        "borrower_manager",
        lambda c, m: c.delete(f"/api/v1/needs/{_draft(m).pk}/"),
        True,
    ),
    WritePath("specialist.create", "lender_manager", _specialist_create, False),
    WritePath(
        "specialist.update",
        "specialist_user",
        lambda c, m: c.patch(f"/api/v1/specialists/{m['specialist'].pk}/", {"summary": "Ny"}),
        True,
    ),
    WritePath(
        "availability.create",
        "specialist_user",
        lambda c, m: c.post(
            f"/api/v1/specialists/{m['specialist'].pk}/availability/",
            {"start": future(400), "end": future(420), "capacity_percent": 30},
        ),
        False,
    ),
    WritePath(
        "availability.update",
        "specialist_user",
        lambda c, m: c.patch(f"/api/v1/availability/{_window(m).pk}/", {"capacity_percent": 60}),
        True,
    ),
    WritePath(
        "availability.delete",
        "specialist_user",
        lambda c, m: c.delete(f"/api/v1/availability/{_window(m).pk}/"),
        True,
    ),
    WritePath(
        "matching_run.start", "coordinator", lambda c, m: c.post("/api/v1/matching-runs/"), False
    ),
    WritePath(
        "user.invite",
        "admin",
        lambda c, m: c.post(
            "/api/v1/users/",
            {
                "email": "ny@myndighet.se",
                "name": "Ny Person",
                "role": "specialist",
                "agency": m["lender"].pk,
            },
        ),
        False,
    ),
    WritePath(
        "user.update",
        "admin",
        lambda c, m: c.patch(f"/api/v1/users/{m['lender_manager'].pk}/", {"name": "Omdöpt"}),
        True,
    ),
    WritePath(
        "specialist.erase",
        "admin",
        lambda c, m: c.post(f"/api/v1/specialists/{m['specialist'].pk}/erase/"),
        True,
    ),
]


@pytest.mark.parametrize("path", WRITE_PATHS, ids=[p.action for p in WRITE_PATHS])
def test_api_write_records_one_event_with_actor_before_after_and_request_id(market, path):
    caller = market["specialist"].user if path.caller == "specialist_user" else market[path.caller]
    request_id = f"req-{path.action}"

    client = _client(caller)
    client.credentials(HTTP_X_REQUEST_ID=request_id)
    response = path.call(client, market)

    assert response.status_code < 300, response.content
    assert response["X-Request-ID"] == request_id
    event = AuditEvent.objects.get(action=path.action, request_id=request_id)
    assert event.actor_id == caller.pk
    assert event.object_type and event.object_id
    assert event.after is not None or path.action.endswith(".delete")
    if path.changes_existing:
        assert event.before is not None


def test_request_without_an_id_gets_one_that_the_event_and_the_response_share(market):
    response = _client(market["coordinator"]).post(f"/api/v1/matches/{market['match'].pk}/approve/")

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="match.approve")
    assert len(response["X-Request-ID"]) >= 16
    assert event.request_id == response["X-Request-ID"]


def test_approval_event_holds_the_status_before_and_after(market):
    _client(market["coordinator"]).post(f"/api/v1/matches/{market['match'].pk}/approve/")

    event = AuditEvent.objects.get(action="match.approve")
    assert event.object_type == "marketplace.match"
    assert event.object_id == str(market["match"].pk)
    assert event.before["status"] == "proposed"
    assert event.after["status"] == "approved"
    assert event.after["approved_by_id"] == market["coordinator"].pk


def test_password_change_is_audited_without_the_hash(market):
    target = market["lender_manager"]

    response = _client(market["admin"]).patch(
        f"/api/v1/users/{target.pk}/", {"password": "ett-langt-nytt-losenord-42"}
    )

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="user.update", object_id=str(target.pk))
    target.refresh_from_db()
    assert event.after == {"password": "(changed)"}
    assert target.password not in str(event.before) + str(event.after)


def test_admin_change_of_a_need_is_audited_with_before_and_after(market, client):
    need = market["need"]
    client.force_login(market["admin"])
    url = f"/admin/marketplace/need/{need.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data.update(
        {
            "title": "Ändrad i admin",
            "agency": need.agency_id,
            "created_by": market["borrower_manager"].pk,
            "languages": "[]",
            "skill_requirements-TOTAL_FORMS": "0",
            "skill_requirements-INITIAL_FORMS": "0",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.change", object_id=str(need.pk))
    assert event.actor_id == market["admin"].pk
    assert event.before["title"] == need.title
    assert event.after["title"] == "Ändrad i admin"


def test_coordinator_reads_the_trail_filtered_by_action(market):
    _client(market["coordinator"]).post(f"/api/v1/matches/{market['match'].pk}/approve/")
    _client(market["borrower_manager"]).patch(f"/api/v1/needs/{market['need'].pk}/", {"title": "X"})

    response = _client(market["coordinator"]).get("/api/v1/audit-events/?action=match.approve")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["action"] for row in rows] == ["match.approve"]
    assert set(rows[0]) >= {
        "actor",
        "action",
        "object_type",
        "object_id",
        "before",
        "after",
        "request_id",
        "created_at",
    }


def test_admin_reads_the_trail_filtered_by_object(market):
    _client(market["coordinator"]).post(f"/api/v1/matches/{market['match'].pk}/approve/")

    response = _client(market["admin"]).get(
        f"/api/v1/audit-events/?object_type=marketplace.match&object_id={market['match'].pk}"
    )

    assert response.status_code == 200
    assert [row["action"] for row in response.json()["results"]] == ["match.approve"]


@pytest.mark.parametrize("caller", ["lender_manager", "borrower_manager"])
def test_managers_cannot_read_the_trail(market, caller):
    assert _client(market[caller]).get("/api/v1/audit-events/").status_code == 403


def test_specialist_cannot_read_the_trail(market):
    assert _client(market["specialist"].user).get("/api/v1/audit-events/").status_code == 403
