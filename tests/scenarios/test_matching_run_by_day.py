"""Scenario: a coordinator's global run plans by day, not by calendar week.

A borrowing agency posts two short needs in one week, Tuesday–Wednesday and Thursday–
Saturday, each at 60%. One specialist of another agency has the skill and is free at
100%: never more than 60% on any day, and her agency lends one engagement at a time, so
the run must propose both needs to her (a model that counts the whole week as
overlapping would propose one). The coordinator starts the
run through the API, a real Celery worker executes it, and the coordinator's approval
queue shows both proposals; the run's page reports the model in Swedish and English.
"""

import datetime as dt
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _week_ahead(weeks: int) -> list[dt.date]:
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=weeks)
    return [monday + dt.timedelta(days=k) for k in range(7)]


def _post_need(client, *, title: str, skill, start: dt.date, end: dt.date) -> int:
    response = client.post(
        "/api/v1/needs/",
        {
            "title": title,
            "description": "Gallra och förteckna arkivet inför flytten.",
            "skills": [{"skill": skill.pk, "min_level": 3, "required": True}],
            "start": start.isoformat(),
            "end": end.isoformat(),
            "capacity_percent": 60,
            "headcount": 1,
            "languages": ["sv"],
            "remote_ok": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    need_id = response.json()["id"]
    assert client.post(f"/api/v1/needs/{need_id}/publish/").status_code == 200
    return need_id


def test_run_proposes_two_needs_of_one_week_on_different_days_to_the_one_specialist(
    client_for, live_worker
):
    archives = factories.SkillFactory(name="Arkivering")
    borrowing = factories.AgencyFactory(name="Lantmäteriet")
    lending = factories.AgencyFactory(name="Riksarkivet")
    borrowing_manager = factories.ManagerFactory(agency=borrowing)
    coordinator = factories.CoordinatorFactory(language="sv")
    karin = factories.SpecialistFactory(agency=lending, max_share_percent=100)
    # Two shareable specialists and the default outflow cap of one half: Riksarkivet lends
    # one engagement at a time, which two needs on different days respect.
    factories.SpecialistFactory(agency=lending)
    factories.SpecialistSkillFactory(specialist=karin, skill=archives, level=4)
    today = timezone.localdate()
    response = client_for(karin.user).post(
        f"/api/v1/specialists/{karin.pk}/availability/",
        {
            "start": today.isoformat(),
            "end": (today + dt.timedelta(days=180)).isoformat(),
            "capacity_percent": 100,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()

    week = _week_ahead(3)
    manager = client_for(borrowing_manager)
    early = _post_need(manager, title="Arkivgallring", skill=archives, start=week[1], end=week[2])
    late = _post_need(manager, title="Arkivförteckning", skill=archives, start=week[3], end=week[5])

    coordinator_api = client_for(coordinator)
    started = coordinator_api.post("/api/v1/matching-runs/")
    assert started.status_code == 202
    run_id = started.json()["id"]
    deadline = time.monotonic() + 60
    run = started.json()
    while run["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
        run = coordinator_api.get(f"/api/v1/matching-runs/{run_id}/").json()

    assert run["status"] == "done", run
    assert run["proposals_created"] == 2
    assert run["gap"] == 0.0
    assert run["total_score"] >= run["greedy_total"] > 0
    assert run["model_stats"]["pairs"] == 2

    queue = coordinator_api.get("/api/v1/matches/", {"status": "proposed"}).json()["results"]
    assert sorted((row["need"], row["specialist"]) for row in queue) == sorted(
        [(early, karin.pk), (late, karin.pk)]
    )

    page = Client()
    page.force_login(coordinator)
    swedish = page.get(reverse("web:matching_run_detail", args=[run_id])).content.decode()
    assert "Bevisad övre gräns" in swedish
    assert "2 par, 2 i den slutliga modellen" in swedish
    page.post(reverse("web:set_language"), {"language": "en", "next": "/"})
    english = page.get(reverse("web:matching_run_detail", args=[run_id])).content.decode()
    assert "Proven bound" in english
    assert "2 pairs, 2 in the final model" in english
