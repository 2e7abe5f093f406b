"""A list row's children (a need's requirements, a specialist's skill levels) read inside
the row's own query: all of them, whatever the list is filtered by, and none for none."""

import pytest
from rest_framework.test import APIClient

from marketplace.models import NeedStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_api():
    api = APIClient()
    api.force_authenticate(factories.CoordinatorFactory())
    return api


def _by_id(response) -> dict[int, dict]:
    assert response.status_code == 200, response.content
    return {row["id"]: row for row in response.json()["results"]}


def test_a_need_filtered_by_one_skill_still_lists_all_its_requirements(coordinator_api):
    asked, other = factories.SkillFactory(), factories.SkillFactory()
    need = factories.NeedFactory(status=NeedStatus.OPEN)
    factories.NeedSkillFactory(need=need, skill=asked, min_level=4, required=True)
    factories.NeedSkillFactory(need=need, skill=other, min_level=2, required=False)

    rows = _by_id(coordinator_api.get("/api/v1/needs/", {"skill": asked.pk}))

    assert rows[need.pk]["skills"] == [
        {"skill": asked.pk, "min_level": 4, "required": True},
        {"skill": other.pk, "min_level": 2, "required": False},
    ]


def test_a_need_without_requirements_lists_none(coordinator_api):
    bare = factories.NeedFactory(status=NeedStatus.OPEN)
    asking = factories.NeedFactory(status=NeedStatus.OPEN)
    factories.NeedSkillFactory(need=asking)

    rows = _by_id(coordinator_api.get("/api/v1/needs/", {"status": "open"}))

    assert rows[bare.pk]["skills"] == []
    assert len(rows[asking.pk]["skills"]) == 1


def test_each_specialist_lists_their_own_skill_levels(coordinator_api):
    python, design = factories.SkillFactory(), factories.SkillFactory()
    both = factories.SpecialistFactory()
    factories.SpecialistSkillFactory(specialist=both, skill=python, level=5)
    factories.SpecialistSkillFactory(specialist=both, skill=design, level=2)
    one = factories.SpecialistFactory()
    factories.SpecialistSkillFactory(specialist=one, skill=python, level=3)
    none = factories.SpecialistFactory()

    rows = _by_id(coordinator_api.get("/api/v1/specialists/", {"skill": python.pk}))

    levels = {pk: {s["skill"]: s["level"] for s in rows[pk]["skills"]} for pk in rows}
    assert levels[both.pk] == {python.pk: 5, design.pk: 2}
    assert levels[one.pk] == {python.pk: 3}
    assert none.pk not in rows
    everyone = _by_id(coordinator_api.get("/api/v1/specialists/"))
    assert everyone[none.pk]["skills"] == []
