"""Who may do what to a match, through the API, with exact status codes.

404 for a match the caller may not see, 403 for one they see but may not change.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.models import Engagement, MatchStatus

pytestmark = pytest.mark.django_db

ROLES = [
    "admin",
    "coordinator",
    "manager_a",  # manager of the need's agency
    "manager_b",  # manager of the specialist's agency
    "manager_c",  # manager of a third agency
    "specialist",  # the matched specialist
    "other_specialist",  # a colleague of the specialist
]

# action: (status the match is in, request body, expected code per role in ROLES order)
MATRIX = {
    "approve": (MatchStatus.PROPOSED, {}, [200, 200, 403, 403, 404, 403, 404]),
    "reject": (MatchStatus.PROPOSED, {"reason": "Nej"}, [200, 200, 403, 403, 404, 403, 404]),
    "accept": (MatchStatus.APPROVED, {}, [200, 403, 403, 200, 404, 200, 404]),
    "decline": (
        MatchStatus.APPROVED,
        {"reason": "workload"},
        [200, 403, 403, 200, 404, 200, 404],
    ),
    "complete": (MatchStatus.ACCEPTED, {"hours": "10"}, [200, 403, 200, 403, 404, 403, 404]),
    "cancel": (MatchStatus.APPROVED, {}, [200, 403, 200, 403, 404, 403, 404]),
}

CASES = [
    pytest.param(action, role, codes[index], id=f"{action}-{role}")
    for action, (_, _, codes) in MATRIX.items()
    for index, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("action", "role", "expected"), CASES)
def test_match_action_permission(world, client_for, action, role, expected):
    status, body, _ = MATRIX[action]
    match = world.running(status) if action == "complete" else world.match(status)

    response = client_for(world.user(role)).post(
        f"/api/v1/matches/{match.pk}/{action}/", body, format="json"
    )

    assert response.status_code == expected, response.content


@pytest.mark.parametrize(
    ("role", "expected"),
    list(zip(ROLES, [200, 200, 200, 200, 404, 200, 404], strict=True)),
)
def test_match_detail_visibility(world, client_for, role, expected):
    match = world.match()

    response = client_for(world.user(role)).get(f"/api/v1/matches/{match.pk}/")

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    list(zip(ROLES, [201, 403, 201, 403, 403, 403, 403], strict=True)),
)
def test_nominate_permission(world, client_for, role, expected):
    response = client_for(world.user(role)).post(
        "/api/v1/matches/",
        {"need": world.need.pk, "specialist": world.specialist.pk},
        format="json",
    )

    assert response.status_code == expected, response.content


@pytest.mark.parametrize(
    ("role", "expected"),
    list(zip(ROLES, [200, 200, 403, 403, 403, 403, 403], strict=True)),
)
def test_audit_trail_permission(world, client_for, role, expected):
    response = client_for(world.user(role)).get("/api/v1/audit-events/")

    assert response.status_code == expected


def test_specialist_accepting_someone_elses_match_is_not_found(world, client_for):
    world.match(MatchStatus.APPROVED, specialist=world.other_specialist)
    theirs = world.match(MatchStatus.APPROVED)

    response = client_for(world.other_specialist.user).post(
        f"/api/v1/matches/{theirs.pk}/accept/", {}, format="json"
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.specialist_consent_at is None


def test_need_manager_giving_the_release_is_forbidden(world, client_for):
    match = world.match(MatchStatus.APPROVED)

    response = client_for(world.manager_a).post(f"/api/v1/matches/{match.pk}/accept/")

    assert response.status_code == 403
    match.refresh_from_db()
    assert match.release_at is None


def test_anonymous_caller_gets_401(world, api_client):
    match = world.match()

    response = api_client.post(f"/api/v1/matches/{match.pk}/approve/")

    assert response.status_code == 401


# Engagement actions on an accepted (or, for feedback, completed) match: the body for it.
ENGAGEMENT_MATRIX = {
    "change": (lambda match: {"capacity_percent": 20}, [200, 403, 200, 403, 404, 403, 404]),
    # The need's managers ask for a change; they withdraw it but do not answer it.
    "change/accept": (lambda match: {}, [409, 409, 403, 409, 404, 409, 404]),
    "change/decline": (lambda match: {}, [409, 409, 409, 409, 404, 409, 404]),
    "end-early": (
        lambda match: {"last_day": (match.start + timedelta(days=5)).isoformat()},
        [200, 403, 200, 200, 404, 403, 404],
    ),
    "feedback": (lambda match: {"rating": 4}, [403, 403, 403, 403, 404, 200, 404]),
}
ENGAGEMENT_CASES = [
    pytest.param(action, role, codes[index], id=f"{action}-{role}")
    for action, (_, codes) in ENGAGEMENT_MATRIX.items()
    for index, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("action", "role", "expected"), ENGAGEMENT_CASES)
def test_engagement_action_permission(world, client_for, action, role, expected):
    """No change waits here, so those allowed to answer one hear 409 rather than 403."""
    body, _ = ENGAGEMENT_MATRIX[action]
    if action == "feedback":
        match = world.running(MatchStatus.COMPLETED)
        Engagement.objects.create(match=match, hours=10, completed_at=timezone.now())
    else:
        match = world.match(MatchStatus.ACCEPTED)

    response = client_for(world.user(role)).post(
        f"/api/v1/matches/{match.pk}/{action}/", body(match), format="json"
    )

    assert response.status_code == expected, response.content
