"""The audit trail pages by cursor: no count of the whole table, stable under new rows."""

import pytest

from marketplace.audit import audit_record
from tests import factories

pytestmark = pytest.mark.django_db


def _events(actor, n: int) -> None:
    agency = factories.AgencyFactory()
    for i in range(n):
        audit_record(actor=actor, action=f"test.event{i}", target=agency, before={}, after={})


def test_audit_trail_pages_by_cursor_without_a_count(client_for):
    coordinator = factories.CoordinatorFactory()
    _events(coordinator, 3)
    data = client_for(coordinator).get("/api/v1/audit-events/", {"page_size": 2}).json()
    assert "count" not in data
    assert "cursor=" in data["next"]


def test_audit_trail_cursor_pages_cover_every_event_once(client_for):
    coordinator = factories.CoordinatorFactory()
    _events(coordinator, 5)
    client = client_for(coordinator)
    seen: list[int] = []
    url = "/api/v1/audit-events/?page_size=2&action__startswith=test"
    while url:
        data = client.get(url).json()
        seen.extend(row["id"] for row in data["results"] if row["action"].startswith("test."))
        url = data["next"]
    assert len(seen) == len(set(seen)) == 5
    assert seen == sorted(seen, reverse=True)


def test_audit_trail_page_stays_put_when_new_events_arrive(client_for):
    coordinator = factories.CoordinatorFactory()
    _events(coordinator, 4)
    client = client_for(coordinator)
    first = client.get("/api/v1/audit-events/", {"page_size": 2}).json()
    _events(coordinator, 3)
    second = client.get(first["next"]).json()
    assert {row["id"] for row in second["results"]}.isdisjoint(
        row["id"] for row in first["results"]
    )
    assert max(row["id"] for row in second["results"]) < min(row["id"] for row in first["results"])
