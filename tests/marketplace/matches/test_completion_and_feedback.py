"""Completion from the engagement's start on, the actual last day, and both sides' feedback."""

import datetime as dt

import pytest
from django.utils import timezone

from marketplace.models import AuditEvent, Engagement, MatchStatus, ReportEngagementFact
from marketplace.reports.facts import report_facts_refresh
from marketplace.selectors.capacity import capacity_windows

pytestmark = pytest.mark.django_db


def _complete(client_for, world, match, **body):
    return client_for(world.manager_a).post(
        f"/api/v1/matches/{match.pk}/complete/", {"hours": "40", **body}, format="json"
    )


def test_an_engagement_that_has_not_started_cannot_be_completed(world, client_for):
    match = world.match(MatchStatus.ACCEPTED)

    response = _complete(client_for, world, match)

    assert response.status_code == 409
    assert match.start.isoformat() in response.json()["detail"]
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED
    assert capacity_windows(specialist_id=world.specialist.pk).reservations


def test_completing_before_the_end_records_today_as_the_last_day(world, client_for):
    match = world.running()

    response = _complete(client_for, world, match)

    assert response.status_code == 200, response.content
    match.refresh_from_db()
    assert (match.status, match.end) == (MatchStatus.COMPLETED, timezone.localdate())
    assert capacity_windows(specialist_id=world.specialist.pk).reservations == []
    audit = AuditEvent.objects.get(action="match.complete")
    assert audit.after["end"] == timezone.localdate().isoformat()


def test_completion_may_name_an_earlier_last_day(world, client_for):
    match = world.running()
    last_day = match.start + dt.timedelta(days=3)

    response = _complete(client_for, world, match, last_day=last_day.isoformat())

    assert response.status_code == 200
    match.refresh_from_db()
    assert match.end == last_day


@pytest.mark.parametrize("days_after_today", [1, -30])
def test_the_last_day_lies_between_the_start_and_today(world, client_for, days_after_today):
    match = world.running()
    day = timezone.localdate() + dt.timedelta(days=days_after_today)

    response = _complete(client_for, world, match, last_day=day.isoformat())

    assert response.status_code == 400
    assert "last_day" in response.json()


def test_completion_after_the_end_keeps_the_planned_end(world, client_for):
    today = timezone.localdate()
    match = world.running(end=today - dt.timedelta(days=2))

    _complete(client_for, world, match)

    match.refresh_from_db()
    assert match.end == today - dt.timedelta(days=2)


def test_the_specialist_gives_feedback_once_and_the_reports_read_it(world, client_for):
    match = world.running()
    _complete(client_for, world, match, rating=5)
    specialist = client_for(world.specialist.user)

    first = specialist.post(
        f"/api/v1/matches/{match.pk}/feedback/", {"rating": 4, "comment": "Bra team."}
    )
    second = specialist.post(f"/api/v1/matches/{match.pk}/feedback/", {"rating": 2})

    assert first.status_code == 200, first.content
    assert (first.json()["specialist_rating"], first.json()["rating"]) == (4, 5)
    assert second.status_code == 409
    engagement = Engagement.objects.get(match=match)
    assert (engagement.specialist_rating, engagement.specialist_comment) == (4, "Bra team.")
    report_facts_refresh(need_ids=[match.need_id])
    fact = ReportEngagementFact.objects.get(engagement=engagement)
    assert (fact.need_rating, fact.specialist_rating) == (5, 4)
    assert AuditEvent.objects.filter(action="engagement.feedback").count() == 1


def test_feedback_waits_for_completion(world, client_for):
    match = world.running()

    response = client_for(world.specialist.user).post(
        f"/api/v1/matches/{match.pk}/feedback/", {"rating": 4}
    )

    assert response.status_code == 409


@pytest.mark.parametrize("role", ["manager_a", "manager_b", "coordinator"])
def test_only_the_specialist_gives_the_specialists_feedback(world, client_for, role):
    match = world.running()
    _complete(client_for, world, match)

    response = client_for(world.user(role)).post(
        f"/api/v1/matches/{match.pk}/feedback/", {"rating": 4}
    )

    assert response.status_code == 403


@pytest.mark.parametrize("rating", [0, 6, "good", None])
def test_a_bad_rating_is_400(world, client_for, rating):
    match = world.running()
    _complete(client_for, world, match)

    response = client_for(world.specialist.user).post(
        f"/api/v1/matches/{match.pk}/feedback/", {"rating": rating}, format="json"
    )

    assert response.status_code == 400
    assert "rating" in response.json()
