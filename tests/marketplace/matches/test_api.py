"""The matches and audit-events endpoints: shapes, filters, input errors and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.models import AuditEvent, DeclineReason, Match, MatchStatus
from tests import factories

pytestmark = pytest.mark.django_db

MATCH_FIELDS = {
    "id",
    "need",
    "specialist",
    "status",
    "score",
    "breakdown",
    "capacity_percent",
    "start",
    "end",
    "proposed_by",
    "specialist_consent_at",
    "release_at",
    "decline_reason",
    "approved_at",
    "accepted_at",
}


def test_match_detail_has_the_documented_fields(world, client_for):
    match = world.match(MatchStatus.APPROVED)

    data = client_for(world.coordinator).get(f"/api/v1/matches/{match.pk}/").json()

    assert set(data) >= MATCH_FIELDS
    assert data["need"] == world.need.pk
    assert data["specialist"] == world.specialist.pk
    assert data["start"] == world.need.start.isoformat()


def test_match_list_shows_only_visible_matches(world, client_for):
    visible = world.match()
    factories.MatchFactory()  # another agencies' match, out of manager_a's sight

    data = client_for(world.manager_a).get("/api/v1/matches/").json()

    assert [row["id"] for row in data["results"]] == [visible.pk]


def test_match_list_filters_by_status_need_and_specialist(world, client_for):
    wanted = world.match(MatchStatus.APPROVED)
    world.match(MatchStatus.PROPOSED, specialist=world.other_specialist)
    other_need = factories.MatchFactory(status=MatchStatus.APPROVED)
    client = client_for(world.coordinator)

    by_status = client.get("/api/v1/matches/", {"status": "approved"}).json()
    by_need = client.get("/api/v1/matches/", {"need": world.need.pk}).json()
    by_both = client.get(
        "/api/v1/matches/", {"status": "approved", "specialist": world.specialist.pk}
    ).json()

    assert {row["id"] for row in by_status["results"]} == {wanted.pk, other_need.pk}
    assert len(by_need["results"]) == 2
    assert [row["id"] for row in by_both["results"]] == [wanted.pk]


def test_match_list_orders_by_score(world, client_for):
    low = world.match(score=0.2)
    high = world.match(score=0.9, specialist=world.other_specialist)

    data = client_for(world.coordinator).get("/api/v1/matches/", {"ordering": "-score"}).json()

    assert [row["id"] for row in data["results"]] == [high.pk, low.pk]


@pytest.mark.parametrize("query", [{"status": "bogus"}, {"need": "x"}, {"specialist": "x"}])
def test_match_list_rejects_bad_filters(world, client_for, query):
    response = client_for(world.coordinator).get("/api/v1/matches/", query)

    assert response.status_code == 400
    assert set(query) <= set(response.json())


def test_nominate_returns_the_new_match(world, client_for):
    response = client_for(world.manager_a).post(
        "/api/v1/matches/", {"need": world.need.pk, "specialist": world.specialist.pk}
    )

    assert response.status_code == 201
    assert response.json()["status"] == "proposed"
    assert response.json()["proposed_by"] == "nomination"


def test_nominated_match_records_the_agencies_of_its_need_and_specialist(world, client_for):
    response = client_for(world.manager_a).post(
        "/api/v1/matches/", {"need": world.need.pk, "specialist": world.specialist.pk}
    )

    match = Match.objects.get(pk=response.json()["id"])
    assert match.need_agency_id == world.need.agency_id
    assert match.specialist_agency_id == world.specialist.agency_id
    assert match.need_agency_id != match.specialist_agency_id


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "need"), ({"need": "x", "specialist": 1}, "need"), ({"need": 1}, "specialist")],
)
def test_nominate_with_bad_body_names_the_field(world, client_for, body, field):
    response = client_for(world.manager_a).post("/api/v1/matches/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_nominating_a_missing_specialist_is_404(world, client_for):
    response = client_for(world.manager_a).post(
        "/api/v1/matches/", {"need": world.need.pk, "specialist": 999999}
    )

    assert response.status_code == 404


def test_nominating_own_agencys_specialist_is_400_on_specialist(world, client_for):
    own = factories.SpecialistFactory(agency=world.agency_a)

    response = client_for(world.manager_a).post(
        "/api/v1/matches/", {"need": world.need.pk, "specialist": own.pk}
    )

    assert response.status_code == 400
    assert "specialist" in response.json()


def test_nominating_the_same_pair_twice_is_409(world, client_for):
    client = client_for(world.manager_a)
    body = {"need": world.need.pk, "specialist": world.specialist.pk}
    client.post("/api/v1/matches/", body)

    response = client.post("/api/v1/matches/", body)

    assert response.status_code == 409
    assert "active match" in response.json()["detail"]


def test_illegal_transition_is_409_with_the_status_in_the_message(world, client_for):
    match = world.match(MatchStatus.DECLINED, decline_reason=DeclineReason.OTHER)

    response = client_for(world.coordinator).post(f"/api/v1/matches/{match.pk}/approve/")

    assert response.status_code == 409
    assert response.json()["detail"] == "The match is declined; it cannot be approved."


def test_reject_without_reason_is_400_on_reason(world, client_for):
    match = world.match()

    response = client_for(world.coordinator).post(f"/api/v1/matches/{match.pk}/reject/", {})

    assert response.status_code == 400
    assert "reason" in response.json()


@pytest.mark.parametrize("reason", ["bored", "not_selected", ""])
def test_decline_with_unknown_reason_is_400_on_reason(world, client_for, reason):
    match = world.match(MatchStatus.APPROVED)

    response = client_for(world.specialist.user).post(
        f"/api/v1/matches/{match.pk}/decline/", {"reason": reason}
    )

    assert response.status_code == 400
    assert "reason" in response.json()


def test_decline_through_the_api_records_reason_and_comment(world, client_for):
    match = world.match(MatchStatus.APPROVED)

    response = client_for(world.specialist.user).post(
        f"/api/v1/matches/{match.pk}/decline/", {"reason": "not_available", "comment": "Sjuk"}
    )

    assert response.status_code == 200
    assert response.json()["decline_reason"] == "not_available"
    assert response.json()["status"] == "declined"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "hours"),
        ({"hours": "-1"}, "hours"),
        ({"hours": "abc"}, "hours"),
        ({"hours": "1e30"}, "hours"),
        ({"hours": "10", "rating": 0}, "rating"),
        ({"hours": "10", "rating": 6}, "rating"),
        ({"hours": "10", "rating": "good"}, "rating"),
    ],
)
def test_complete_with_bad_input_is_400_naming_the_field(world, client_for, body, field):
    match = world.match(MatchStatus.ACCEPTED)

    response = client_for(world.manager_a).post(
        f"/api/v1/matches/{match.pk}/complete/", body, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()


def test_complete_returns_the_engagement(world, client_for):
    match = world.running()

    response = client_for(world.manager_a).post(
        f"/api/v1/matches/{match.pk}/complete/",
        {"hours": "80.5", "rating": 4, "comment": "Bra"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["hours"] == "80.5"
    assert response.json()["rating"] == 4
    assert response.json()["match"] == match.pk


def _make_matches(world, count: int) -> None:
    for _ in range(count):
        specialist = factories.SpecialistFactory(agency=world.agency_b)
        world.match(MatchStatus.APPROVED, specialist=specialist)


@pytest.mark.parametrize("role", ["coordinator", "manager_a", "manager_b", "specialist"])
def test_match_list_query_count_does_not_grow_with_page_size(world, client_for, role):
    _make_matches(world, 55)
    world.match(MatchStatus.PROPOSED)
    client = client_for(world.user(role))

    counts = []
    for page_size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/matches/", {"page_size": page_size})
        assert response.status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert counts[1] <= 3


def test_audit_list_query_count_does_not_grow_with_page_size(world, client_for):
    for _ in range(60):
        AuditEvent.objects.create(
            actor=world.manager_a, action="x.y", object_type="a.b", object_id="1"
        )
    client = client_for(world.coordinator)

    counts = []
    for page_size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/audit-events/", {"page_size": page_size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == page_size
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert counts[1] <= 3


def test_audit_trail_records_a_transition_with_before_and_after(world, client_for):
    match = world.match()
    client_for(world.coordinator).post(f"/api/v1/matches/{match.pk}/approve/")

    data = (
        client_for(world.admin)
        .get(
            "/api/v1/audit-events/",
            {"object_type": "marketplace.match", "object_id": str(match.pk)},
        )
        .json()
    )

    [event] = data["results"]
    assert event["action"] == "match.approve"
    assert event["actor"] == world.coordinator.pk
    assert event["before"]["status"] == "proposed"
    assert event["after"]["status"] == "approved"


def test_audit_trail_filters_by_actor_action_and_time(world, client_for):
    need_a = str(world.need.pk)
    need_b = str(factories.NeedFactory(agency=world.agency_b).pk)
    first = AuditEvent.objects.create(
        actor=world.manager_a,
        action="need.publish",
        object_type="marketplace.need",
        object_id=need_a,
    )
    AuditEvent.objects.create(
        actor=world.manager_b,
        action="need.publish",
        object_type="marketplace.need",
        object_id=need_b,
    )
    AuditEvent.objects.create(
        actor=world.manager_a,
        action="need.cancel",
        object_type="marketplace.need",
        object_id=need_a,
    )
    client = client_for(world.coordinator)

    by_actor_action = client.get(
        "/api/v1/audit-events/", {"actor": world.manager_a.pk, "action": "need.publish"}
    ).json()
    after_everything = client.get(
        "/api/v1/audit-events/", {"created_after": "2100-01-01T00:00:00Z"}
    ).json()
    before_first = client.get(
        "/api/v1/audit-events/", {"created_before": first.created_at.isoformat()}
    ).json()

    assert [row["id"] for row in by_actor_action["results"]] == [first.pk]
    assert after_everything["results"] == []
    assert before_first["results"] == []


@pytest.mark.parametrize("query", [{"created_after": "yesterday"}, {"actor": "me"}])
def test_audit_trail_rejects_bad_filters(world, client_for, query):
    response = client_for(world.coordinator).get("/api/v1/audit-events/", query)

    assert response.status_code == 400
    assert set(query) <= set(response.json())


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_audit_trail_is_read_only(world, client_for, method):
    response = getattr(client_for(world.admin), method)("/api/v1/audit-events/", {})

    assert response.status_code == 405


def test_schema_documents_the_match_endpoints(client_for, world):
    response = client_for(world.admin).get("/api/v1/schema/", {"format": "json"})

    paths = response.json()["paths"]
    assert {"409", "404", "403"} <= set(paths["/api/v1/matches/{id}/approve/"]["post"]["responses"])
    assert "400" in paths["/api/v1/matches/{id}/decline/"]["post"]["responses"]
    assert "/api/v1/audit-events/" in paths


def test_nominating_a_specialist_who_lacks_a_required_skill_is_400_with_explains_reasons(
    world, client_for
):
    skill = factories.SkillFactory(name="Kubernetes")
    factories.NeedSkillFactory(need=world.need, skill=skill, min_level=4)
    factories.SpecialistSkillFactory(specialist=world.specialist, skill=skill, level=2)
    client = client_for(world.manager_a)
    body = {"need": world.need.pk, "specialist": world.specialist.pk}

    response = client.post("/api/v1/matches/", body, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    explained = client.get(
        f"/api/v1/needs/{world.need.pk}/candidates/?explain={world.specialist.pk}",
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()
    assert response.json()["specialist"] == [reason["text"] for reason in explained["reasons"]]
    assert response.json()["specialist"] == ["Kubernetes at level 2, below the required 4"]
    assert not Match.objects.filter(need=world.need).exists()


def test_nominating_a_specialist_without_the_free_capacity_is_409_naming_the_day(world, client_for):
    world.specialist.availabilities.update(capacity_percent=30)  # the need asks 40

    response = client_for(world.manager_a).post(
        "/api/v1/matches/",
        {"need": world.need.pk, "specialist": world.specialist.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 409
    assert "only 30% free on" in response.json()["detail"]
    assert "(the period asks 40%)" in response.json()["detail"]
