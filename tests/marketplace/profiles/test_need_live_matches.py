"""A need with approved or accepted matches refuses changes to what they were agreed on,
through the API and on its web form; its text edits freely. A need needs a required skill
to be published."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from marketplace.models import MatchStatus, Need, NeedStatus
from tests import factories
from tests.web.test_forms import need_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(world):
    """An open need of `own` with one accepted match (headcount 2, so it is still open)."""
    skill = factories.SkillFactory()
    need = factories.NeedFactory(agency=world.own, headcount=2, capacity_percent=40)
    factories.NeedSkillFactory(need=need, skill=skill, min_level=3)
    specialist = factories.SpecialistFactory(agency=world.other, user__name="Anna Svensson")
    match = factories.MatchFactory(need=need, specialist=specialist, status=MatchStatus.ACCEPTED)
    proposal = factories.MatchFactory(need=need, status=MatchStatus.PROPOSED)
    return need, match, skill, proposal


CHANGES = {
    "start": lambda need, skill: {"start": (need.start + dt.timedelta(days=2)).isoformat()},
    "end": lambda need, skill: {"end": (need.end + dt.timedelta(days=30)).isoformat()},
    "capacity_percent": lambda need, skill: {"capacity_percent": 100},
    "headcount": lambda need, skill: {"headcount": 3},
    "clearance_required": lambda need, skill: {"clearance_required": 2},
    "skills": lambda need, skill: {
        "skills": [{"skill": skill.pk, "min_level": 5, "required": True}]
    },
}


@pytest.mark.parametrize("field", list(CHANGES))
def test_a_bound_change_is_409_naming_the_matches(world, as_role, live, field):
    need, match, skill, _ = live

    response = as_role("manager_own").patch(
        f"/api/v1/needs/{need.pk}/", CHANGES[field](need, skill), format="json"
    )

    assert response.status_code == 409, response.content
    detail = response.json()["detail"]
    assert field in detail and "Anna Svensson" in detail and f"#{match.pk}" in detail
    fresh = Need.objects.get(pk=need.pk)
    assert (fresh.start, fresh.end, fresh.capacity_percent, fresh.headcount) == (
        need.start,
        need.end,
        need.capacity_percent,
        need.headcount,
    )


def test_text_edits_freely_beside_live_matches(world, as_role, live):
    need, *_ = live

    response = as_role("manager_own").patch(
        f"/api/v1/needs/{need.pk}/",
        {"title": "Ny titel", "description": "Mer om behovet.", "remote_ok": False},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Ny titel"


def test_a_nice_to_have_skill_may_be_added_beside_live_matches(world, as_role, live):
    need, _, skill, _ = live
    extra = factories.SkillFactory()

    response = as_role("manager_own").patch(
        f"/api/v1/needs/{need.pk}/",
        {
            "skills": [
                {"skill": skill.pk, "min_level": 3, "required": True},
                {"skill": extra.pk, "min_level": 2, "required": False},
            ]
        },
        format="json",
    )

    assert response.status_code == 200, response.content


def test_a_proposal_follows_the_need_when_nothing_is_live(world, as_role):
    need = factories.NeedFactory(agency=world.own, capacity_percent=40)
    proposal = factories.MatchFactory(need=need, status=MatchStatus.PROPOSED)
    new_end = need.end + dt.timedelta(days=14)

    response = as_role("manager_own").patch(
        f"/api/v1/needs/{need.pk}/",
        {"end": new_end.isoformat(), "capacity_percent": 60},
        format="json",
    )

    assert response.status_code == 200
    proposal.refresh_from_db()
    assert (proposal.end, proposal.capacity_percent) == (new_end, 60)


def test_the_web_form_keeps_the_input_and_says_which_matches_block_it(world, live):
    need, _, skill, _ = live
    client = Client()
    client.force_login(world.users["manager_own"])

    response = client.post(
        reverse("web:need_edit", args=[need.pk]),
        need_data(
            title=need.title,
            start=need.start.isoformat(),
            end=need.end.isoformat(),
            capacity_percent="100",
            headcount="2",
            **{"skills-0-skill": str(skill.pk)},
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "Anna Svensson" in html and 'value="100"' in html
    assert Need.objects.get(pk=need.pk).capacity_percent == 40


def test_publishing_without_a_required_skill_is_400_naming_skills(world, as_role):
    need = factories.DraftNeedFactory(agency=world.own)
    factories.NeedSkillFactory(need=need, required=False)

    response = as_role("manager_own").post(f"/api/v1/needs/{need.pk}/publish/")

    assert response.status_code == 400
    assert "skills" in response.json()
    assert Need.objects.get(pk=need.pk).status == NeedStatus.DRAFT


def test_publishing_without_a_required_skill_on_the_web_says_why(world):
    need = factories.DraftNeedFactory(agency=world.own)
    client = Client()
    client.force_login(world.users["manager_own"])
    client.cookies["django_language"] = "sv"

    response = client.post(reverse("web:need_publish", args=[need.pk]), follow=True)

    assert response.status_code == 200
    assert "minst en obligatorisk kompetens" in response.content.decode()
    assert Need.objects.get(pk=need.pk).status == NeedStatus.DRAFT
