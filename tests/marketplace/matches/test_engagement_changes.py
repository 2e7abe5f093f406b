"""Changes to a running engagement and its early end, through the API.

The world's specialist has 50 % from tomorrow for a year; the accepted match holds 40 %
of it for the need's period (days 30–120), so 10 % is free beside it.
"""

import datetime as dt

import pytest
from django.utils import timezone

from marketplace.matching.capacity import Window
from marketplace.models import AuditEvent, MatchChange, MatchStatus
from marketplace.selectors.capacity import capacity_windows
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


def _reservations(world) -> list[Window]:
    return capacity_windows(specialist_id=world.specialist.pk).reservations


def _change(client_for, user, match, **body):
    return client_for(user).post(f"/api/v1/matches/{match.pk}/change/", body, format="json")


def _kinds_for(user) -> set[str]:
    return set(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_a_smaller_share_applies_at_once_and_releases_the_rest(world, client_for):
    match = world.match(MatchStatus.ACCEPTED)

    response = _change(client_for, world.manager_a, match, capacity_percent=20)

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "applied"
    assert _reservations(world) == [Window(match.start, match.end, 20)]
    assert "engagement_changed" in _kinds_for(world.specialist.user)
    assert "engagement_changed" in _kinds_for(world.manager_b)
    audit = AuditEvent.objects.get(action="match.change", object_id=str(match.pk))
    assert (audit.before["capacity_percent"], audit.after["capacity_percent"]) == (40, 20)


def test_a_later_end_waits_for_approval_and_both_consents_then_holds_the_time(world, client_for):
    match = world.match(MatchStatus.ACCEPTED)
    new_end = match.end + dt.timedelta(days=31)

    requested = _change(client_for, world.manager_a, match, end=new_end.isoformat())

    assert requested.status_code == 200, requested.content
    assert requested.json()["status"] == "pending"
    assert _reservations(world) == [Window(match.start, match.end, 40)]
    assert "engagement_change_requested" in _kinds_for(world.specialist.user)
    assert "engagement_change_requested" in _kinds_for(world.coordinator)
    assert "engagement_change_requested" not in _kinds_for(world.other_coordinator)
    for user in (world.coordinator, world.specialist.user):
        answer = client_for(user).post(f"/api/v1/matches/{match.pk}/change/accept/")
        assert answer.json()["status"] == "pending"
        assert _reservations(world) == [Window(match.start, match.end, 40)]
    applied = client_for(world.manager_b).post(f"/api/v1/matches/{match.pk}/change/accept/")
    assert applied.json()["status"] == "applied"
    assert _reservations(world) == [Window(match.start, new_end, 40)]
    match.refresh_from_db()
    assert match.end == new_end
    assert "engagement_changed" in _kinds_for(world.specialist.user)


def test_a_growing_change_beyond_free_capacity_is_409_naming_the_days(world, client_for):
    match = world.match(MatchStatus.ACCEPTED)

    response = _change(client_for, world.manager_a, match, capacity_percent=60)

    assert response.status_code == 409
    assert "50% free" in response.json()["detail"]  # its own 40 % plus the 10 % beside it
    assert not MatchChange.objects.exists()


def test_capacity_taken_while_a_change_waits_refuses_the_next_yes(world, client_for):
    match = world.match(MatchStatus.ACCEPTED)
    _change(client_for, world.manager_a, match, capacity_percent=50)
    other_need = factories.NeedFactory(agency=world.agency_c, capacity_percent=10)
    world.match(MatchStatus.APPROVED, need=other_need)
    client_for(world.coordinator).post(f"/api/v1/matches/{match.pk}/change/accept/")
    client_for(world.specialist.user).post(f"/api/v1/matches/{match.pk}/change/accept/")

    response = client_for(world.manager_b).post(f"/api/v1/matches/{match.pk}/change/accept/")

    assert response.status_code == 409
    match.refresh_from_db()
    assert match.capacity_percent == 40


def test_only_one_change_waits_at_a_time(world, client_for):
    match = world.match(MatchStatus.ACCEPTED)
    _change(client_for, world.manager_a, match, capacity_percent=45)

    second = _change(client_for, world.manager_a, match, capacity_percent=48)

    assert second.status_code == 409


def test_a_declined_change_leaves_the_engagement_as_it_was(world, client_for):
    match = world.match(MatchStatus.ACCEPTED)
    _change(client_for, world.manager_a, match, capacity_percent=45)

    response = client_for(world.specialist.user).post(
        f"/api/v1/matches/{match.pk}/change/decline/", {"comment": "Hinner inte."}
    )

    assert response.json()["status"] == "declined"
    match.refresh_from_db()
    assert match.capacity_percent == 40
    assert "engagement_change_declined" in _kinds_for(world.manager_a)


def test_the_start_moves_only_before_the_engagement_begins(world, client_for):
    running = world.running()

    response = _change(
        client_for,
        world.manager_a,
        running,
        start=(running.start + dt.timedelta(days=3)).isoformat(),
    )

    assert response.status_code == 400
    assert "start" in response.json()


def test_a_later_start_before_it_begins_shrinks_and_applies_at_once(world, client_for):
    match = world.match(MatchStatus.ACCEPTED)
    later = match.start + dt.timedelta(days=7)

    response = _change(client_for, world.manager_a, match, start=later.isoformat())

    assert response.json()["status"] == "applied"
    assert _reservations(world) == [Window(later, match.end, 40)]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "non_field_errors"),
        ({"capacity_percent": 0}, "capacity_percent"),
        ({"end": "2020-01-01"}, "end"),
        ({"end": "not a date"}, "end"),
        ({"capacity_percent": 40}, "end"),
    ],
)
def test_bad_changes_are_400_with_the_field(world, client_for, body, field):
    match = world.match(MatchStatus.ACCEPTED)

    response = _change(client_for, world.manager_a, match, **body)

    assert response.status_code == 400
    assert field in response.json()


def test_only_an_accepted_match_changes(world, client_for):
    match = world.match(MatchStatus.APPROVED)

    response = _change(client_for, world.manager_a, match, capacity_percent=20)

    assert response.status_code == 409


@pytest.mark.parametrize("role", ["manager_b", "specialist", "coordinator"])
def test_only_the_needs_managers_ask_for_a_change(world, client_for, role):
    match = world.match(MatchStatus.ACCEPTED)

    response = _change(client_for, world.user(role), match, capacity_percent=20)

    assert response.status_code == 403


@pytest.mark.parametrize("role", ["manager_a", "manager_b"])
def test_either_sides_manager_ends_early_and_the_rest_is_free_at_once(world, client_for, role):
    match = world.match(MatchStatus.ACCEPTED)
    last_day = match.start + dt.timedelta(days=20)

    response = client_for(world.user(role)).post(
        f"/api/v1/matches/{match.pk}/end-early/", {"last_day": last_day.isoformat()}
    )

    assert response.status_code == 200, response.content
    assert response.json()["end"] == last_day.isoformat()
    assert _reservations(world) == [Window(match.start, last_day, 40)]
    actor = world.user(role)
    for user in (world.specialist.user, world.manager_a, world.manager_b, world.coordinator):
        # Everyone concerned is told, but not the manager who ended it.
        assert ("engagement_ended_early" in _kinds_for(user)) == (user != actor)
    assert AuditEvent.objects.filter(action="match.end_early", object_id=str(match.pk)).exists()


def test_ending_early_drops_a_waiting_change(world, client_for):
    match = world.match(MatchStatus.ACCEPTED)
    _change(client_for, world.manager_a, match, capacity_percent=45)

    client_for(world.manager_b).post(
        f"/api/v1/matches/{match.pk}/end-early/",
        {"last_day": (match.start + dt.timedelta(days=5)).isoformat()},
    )

    assert not MatchChange.objects.filter(match=match, status="pending").exists()


@pytest.mark.parametrize("offset", [-1, 0, 90])
def test_the_last_day_lies_from_the_start_to_before_the_end(world, client_for, offset):
    match = world.match(MatchStatus.ACCEPTED)
    day = match.start + dt.timedelta(days=offset) if offset < 90 else match.end

    response = client_for(world.manager_a).post(
        f"/api/v1/matches/{match.pk}/end-early/", {"last_day": day.isoformat()}
    )

    assert response.status_code == (200 if offset == 0 else 400)
    if offset != 0:
        assert "last_day" in response.json()


@pytest.mark.parametrize("role", ["specialist", "coordinator", "manager_c"])
def test_end_early_is_for_the_managers_only(world, client_for, role):
    match = world.match(MatchStatus.ACCEPTED)

    response = client_for(world.user(role)).post(
        f"/api/v1/matches/{match.pk}/end-early/",
        {"last_day": (match.start + dt.timedelta(days=5)).isoformat()},
    )

    assert response.status_code == (404 if role == "manager_c" else 403)


def test_the_week_released_by_an_early_end_can_be_booked(world, client_for):
    match = world.match(MatchStatus.ACCEPTED)
    last_day = match.end - dt.timedelta(days=7)
    follow_up = factories.NeedFactory(
        agency=world.agency_c,
        capacity_percent=40,
        start=last_day + dt.timedelta(days=1),
        end=match.end,
    )
    blocked = world.match(MatchStatus.PROPOSED, need=follow_up)
    refused = client_for(world.coordinator).post(f"/api/v1/matches/{blocked.pk}/approve/")
    assert refused.status_code == 409

    client_for(world.manager_a).post(
        f"/api/v1/matches/{match.pk}/end-early/", {"last_day": last_day.isoformat()}
    )

    approved = client_for(world.coordinator).post(f"/api/v1/matches/{blocked.pk}/approve/")
    assert approved.status_code == 200, approved.content


def test_today_is_a_valid_change_end_for_a_running_engagement(world, client_for):
    running = world.running()

    response = _change(client_for, world.manager_a, running, end=timezone.localdate().isoformat())

    assert response.status_code == 200
    assert response.json()["status"] == "applied"
