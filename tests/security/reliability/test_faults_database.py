"""PostgreSQL refusing or dropping connections mid-request: a clean 503, nothing half-written."""

import pytest
from django.db import connection

from marketplace.models import AuditEvent, Match, MatchStatus
from notifications.models import Notification
from tests.security.reliability.conftest import database_refusing

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

KILL_ON_NOTIFY = """
CREATE OR REPLACE FUNCTION reliability_test_kill_own_backend() RETURNS trigger AS $$
BEGIN
    PERFORM pg_terminate_backend(pg_backend_pid());
    PERFORM pg_sleep(5);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER reliability_test_kill_own_backend BEFORE INSERT ON notifications_notification
    FOR EACH ROW EXECUTE FUNCTION reliability_test_kill_own_backend();
"""
UNDO_KILL_ON_NOTIFY = """
DROP TRIGGER IF EXISTS reliability_test_kill_own_backend ON notifications_notification;
DROP FUNCTION IF EXISTS reliability_test_kill_own_backend();
"""


def _nothing_written(match: Match) -> bool:
    match.refresh_from_db()
    return (
        match.status == MatchStatus.PROPOSED
        and not AuditEvent.objects.filter(action="match.approve").exists()
        and not Notification.objects.exists()
    )


def test_api_request_while_the_database_refuses_connections_is_a_clean_503(market, client_for):
    client = client_for(market["coordinator"])

    with database_refusing():
        response = client.post(f"/api/v1/matches/{market['match'].pk}/approve/")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "The service is temporarily unavailable; try again shortly."
    }
    assert response["Retry-After"] == "30"
    assert _nothing_written(market["match"])


def test_web_page_while_the_database_refuses_connections_is_a_503_page(market, client):
    client.force_login(market["borrower_manager"])
    # As under gunicorn: the error is answered, not re-raised into the caller.
    client.raise_request_exception = False

    with database_refusing():
        response = client.get("/needs/")

    assert response.status_code == 503
    assert "tillfälligt otillgänglig" in response.content.decode()


def test_service_answers_again_once_the_database_is_back(market, client_for):
    client = client_for(market["coordinator"])
    with database_refusing():
        client.get("/api/v1/matches/")

    response = client.post(f"/api/v1/matches/{market['match'].pk}/approve/")

    assert response.status_code == 200
    assert response.json()["status"] == "approved"


def test_connection_lost_in_the_middle_of_an_approval_leaves_nothing_half_written(
    market, client_for
):
    """The backend dies after the match row was updated and audited, before commit."""
    client = client_for(market["coordinator"])
    with connection.cursor() as cursor:
        cursor.execute(KILL_ON_NOTIFY)
    try:
        response = client.post(f"/api/v1/matches/{market['match'].pk}/approve/")
    finally:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(UNDO_KILL_ON_NOTIFY)

    assert response.status_code == 503
    assert _nothing_written(market["match"])
