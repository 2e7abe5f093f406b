"""Regression tests for what the fuzzer and the matrix found, one behaviour each."""

import pytest
from rest_framework.test import APIClient

from tests.security.conftest import SECRET_DRAFT, World

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = 2**63


def _client(world: World, role: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[role]}")
    return client


def test_path_id_beyond_64_bits_is_a_json_404(isolated):
    response = _client(isolated, "manager").get(f"/api/v1/needs/{BEYOND_64_BITS}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_unknown_api_url_is_a_json_404_not_an_html_page(isolated):
    response = _client(isolated, "manager").get("/api/v1/needs/-1/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_web_path_id_beyond_64_bits_is_a_404(isolated):
    from django.test import Client

    client = Client()
    client.force_login(isolated.own.manager)
    assert client.get(f"/needs/{BEYOND_64_BITS}/").status_code == 404


def test_skill_id_beyond_64_bits_in_a_body_is_a_field_error(isolated):
    response = _client(isolated, "manager").patch(
        f"/api/v1/specialists/{isolated.own.specialist.pk}/",
        {"skills": [{"skill": BEYOND_64_BITS, "level": 3}]},
        format="json",
    )
    assert response.status_code == 400
    assert "skills" in response.json()


def test_filter_id_beyond_64_bits_is_a_field_error(isolated):
    response = _client(isolated, "coordinator").get(f"/api/v1/needs/?agency={BEYOND_64_BITS}")
    assert response.status_code == 400
    assert "agency" in response.json()


def test_patching_need_skills_without_required_defaults_to_required(isolated):
    response = _client(isolated, "manager").patch(
        f"/api/v1/needs/{isolated.own.draft.pk}/",
        {"skills": [{"skill": isolated.skill.pk, "min_level": 2}]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["skills"] == [
        {"skill": isolated.skill.pk, "min_level": 2, "required": True}
    ]


def test_specialist_rejecting_a_match_is_forbidden_before_the_body_is_read(isolated):
    response = _client(isolated, "specialist").post(
        f"/api/v1/matches/{isolated.own.match.pk}/reject/", {}, format="json"
    )
    assert response.status_code == 403


def test_coordinator_inviting_a_user_is_forbidden_before_the_body_is_read(isolated):
    response = _client(isolated, "coordinator").post("/api/v1/users/", {}, format="json")
    assert response.status_code == 403


def test_coordinator_audit_trail_hides_draft_events(isolated):
    response = _client(isolated, "coordinator").get("/api/v1/audit-events/?page_size=200")
    assert response.status_code == 200
    assert SECRET_DRAFT.format("B") not in response.content.decode()


def test_coordinator_audit_trail_shows_events_of_a_need_once_published(isolated):
    manager = _client(isolated, "manager")
    assert manager.post(f"/api/v1/needs/{isolated.own.draft.pk}/publish/").status_code == 200
    response = _client(isolated, "coordinator").get(
        f"/api/v1/audit-events/?object_type=marketplace.need&object_id={isolated.own.draft.pk}"
    )
    actions = {event["action"] for event in response.json()["results"]}
    assert {"need.create", "need.publish"} <= actions


def test_admin_audit_trail_shows_draft_events(isolated):
    response = _client(isolated, "admin").get("/api/v1/audit-events/?page_size=200")
    assert SECRET_DRAFT.format("B") in response.content.decode()


@pytest.mark.parametrize(
    "value", ["5931-05-07T07:20:17+23:08", "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"]
)
def test_audit_window_with_an_extreme_offset_never_fails(isolated, value):
    response = _client(isolated, "coordinator").get(
        "/api/v1/audit-events/", {"created_before": value, "created_after": value}
    )
    assert response.status_code in (200, 400)
