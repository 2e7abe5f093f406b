"""Every list endpoint runs a fixed number of queries, whatever the page size."""

import pytest

from marketplace.models import MatchStatus
from tests import factories

PAGE_SIZES = [1, 50]


@pytest.fixture
def crowd(world):
    """Enough rows with skills, windows and matches that any N+1 would show."""
    skills = factories.SkillFactory.create_batch(3)
    specialists = factories.SpecialistFactory.create_batch(6, agency=world.own)
    for specialist in specialists:
        factories.AvailabilityFactory(specialist=specialist)
        for skill in skills:
            factories.SpecialistSkillFactory(specialist=specialist, skill=skill)
        need = factories.NeedFactory(agency=world.other)
        factories.MatchFactory(need=need, specialist=specialist, status=MatchStatus.APPROVED)
        for skill in skills:
            factories.NeedSkillFactory(need=need, skill=skill)
    return specialists


@pytest.mark.parametrize("page_size", PAGE_SIZES)
@pytest.mark.parametrize("role", ["admin", "coordinator", "manager_other", "specialist_other"])
def test_specialist_list_queries_are_bounded(
    as_role, crowd, django_assert_max_num_queries, role, page_size
):
    client = as_role(role)

    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/specialists/", {"page_size": page_size})

    assert len(response.json()["results"]) == min(page_size, 6)


@pytest.mark.parametrize("page_size", PAGE_SIZES)
def test_filtered_specialist_list_queries_are_bounded(
    as_role, crowd, django_assert_max_num_queries, page_size
):
    client = as_role("manager_own")
    skill = crowd[0].skill_levels.first().skill_id

    with django_assert_max_num_queries(3):
        response = client.get(
            "/api/v1/specialists/",
            {"page_size": page_size, "skill": skill, "min_level": 2, "min_capacity": 10},
        )

    assert len(response.json()["results"]) == min(page_size, 6)


@pytest.mark.parametrize("page_size", PAGE_SIZES)
@pytest.mark.parametrize("role", ["admin", "manager_own", "specialist_self"])
def test_need_list_queries_are_bounded(
    as_role, crowd, django_assert_max_num_queries, role, page_size
):
    client = as_role(role)

    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/needs/", {"page_size": page_size})

    assert len(response.json()["results"]) == min(page_size, 6)


@pytest.mark.parametrize("page_size", PAGE_SIZES)
def test_availability_list_queries_are_bounded(
    as_role, world, django_assert_max_num_queries, page_size
):
    specialist = factories.SpecialistFactory(agency=world.own)
    for month in range(6):
        factories.AvailabilityFactory(
            specialist=specialist,
            start=factories.future(1 + 30 * month),
            end=factories.future(29 + 30 * month),
        )
    client = as_role("specialist_same")

    with django_assert_max_num_queries(3):
        response = client.get(
            f"/api/v1/specialists/{specialist.pk}/availability/", {"page_size": page_size}
        )

    assert len(response.json()["results"]) == min(page_size, 6)


@pytest.mark.parametrize("page_size", PAGE_SIZES)
def test_skill_list_queries_are_bounded(as_role, world, django_assert_max_num_queries, page_size):
    factories.SkillFactory.create_batch(60)
    client = as_role("specialist_self")

    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/skills/", {"page_size": page_size})

    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("path", ["/api/v1/needs/{pk}/publish/"])
def test_publishing_a_need_reads_it_once(as_role, world, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    need = factories.DraftNeedFactory(agency=world.own)
    factories.NeedSkillFactory(need=need)

    with CaptureQueriesContext(connection) as queries:
        response = as_role("manager_own").post(path.format(pk=need.pk))

    assert response.status_code == 200
    assert response.json()["status"] == "open"
    need_reads = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith("SELECT") and 'FROM "marketplace_need"' in query["sql"]
    ]
    assert len(need_reads) == 1, need_reads
