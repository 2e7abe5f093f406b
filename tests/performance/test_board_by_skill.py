"""The needs board filtered by a skill, read newest first from the requirement rows.

Each requirement row holds its need's created_at (`NeedSkill.need_created_at`), so the
skill's needs come newest first from one index. The pages must be exactly those of the
need's own order: every need with the skill once, in board order, in both directions, on
the API and on the web board, with cursors that mean the same with or without the filter.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.models import Need, NeedSkill, NeedStatus
from marketplace.services.needs import NeedSkillSpec, need_create, need_update
from tests import factories
from tests.performance.test_list_cursors import _walk, _walk_back

pytestmark = pytest.mark.django_db

NEEDS = "/api/v1/needs/"


@pytest.fixture
def skill(db):
    return factories.SkillFactory()


@pytest.fixture
def board(skill):
    """Needs with and without the skill, several created at the very same moment."""
    other = factories.SkillFactory()
    moment = timezone.now() - dt.timedelta(days=3)
    with_skill, without = [], []
    for n in range(9):
        # Three needs share each created_at: the id breaks the tie.
        created = moment + dt.timedelta(hours=n // 3)
        need = factories.NeedFactory(status=NeedStatus.OPEN)
        Need.objects.filter(pk=need.pk).update(created_at=created)
        need.refresh_from_db()
        factories.NeedSkillFactory(need=need, skill=skill if n % 3 else other)
        (with_skill if n % 3 else without).append(need)
    return {"with": with_skill, "without": without}


def _board_order(needs: list[Need]) -> list[int]:
    return [n.pk for n in sorted(needs, key=lambda n: (n.created_at, n.pk), reverse=True)]


def test_every_need_with_the_skill_comes_once_newest_first(client_for, skill, board):
    client = client_for(factories.CoordinatorFactory())
    rows = _walk(client, NEEDS, {"skill": skill.pk, "page_size": 2})
    assert [row["id"] for row in rows] == _board_order(board["with"])


def test_pages_back_from_the_end_give_the_same_needs(client_for, skill, board):
    client = client_for(factories.CoordinatorFactory())
    rows = _walk_back(client, NEEDS, {"skill": skill.pk, "page_size": 2})
    assert [row["id"] for row in rows] == _board_order(board["with"])


def test_a_cursor_of_the_whole_board_continues_the_filtered_board(client_for, skill, board):
    client = client_for(factories.CoordinatorFactory())
    first = client.get(NEEDS, {"page_size": 3}).json()
    cursor = first["next"].split("cursor=")[1].split("&")[0]
    after = client.get(NEEDS, {"skill": skill.pk, "cursor": cursor, "page_size": 50}).json()
    last_seen = Need.objects.get(pk=first["results"][-1]["id"])
    expected = [
        n.pk
        for n in sorted(board["with"], key=lambda n: (n.created_at, n.pk), reverse=True)
        if (n.created_at, n.pk) < (last_seen.created_at, last_seen.pk)
    ]
    assert [row["id"] for row in after["results"]] == expected


def test_other_orderings_of_the_filtered_board_are_unchanged(client_for, skill, board):
    client = client_for(factories.CoordinatorFactory())
    rows = _walk(client, NEEDS, {"skill": skill.pk, "ordering": "id", "page_size": 2})
    assert [row["id"] for row in rows] == sorted(n.pk for n in board["with"])


def test_web_board_filtered_by_skill_lists_the_skills_needs_newest_first(client, skill, board):
    client.force_login(factories.CoordinatorFactory())
    html = client.get(reverse("web:need_list"), {"skill": skill.pk}).content.decode()

    def link(need_id: int) -> str:
        return f'href="{reverse("web:need_detail", args=[need_id])}"'

    positions = [html.index(link(pk)) for pk in _board_order(board["with"])]
    assert positions == sorted(positions)
    for need in board["without"]:
        assert link(need.pk) not in html


def test_requirements_written_by_the_services_carry_their_needs_created_at(skill):
    manager = factories.ManagerFactory()
    today = timezone.localdate()
    need = need_create(
        actor=manager,
        agency=manager.agency,
        fields={"title": "Molnarkitekt", "start": today, "end": today, "capacity_percent": 20},
        skills=[NeedSkillSpec(skill_id=skill.pk, min_level=3, required=True)],
    )
    other = factories.SkillFactory()
    need_update(
        actor=manager,
        need=need,
        fields={},
        skills=[NeedSkillSpec(skill_id=other.pk, min_level=2, required=False)],
    )
    assert list(NeedSkill.objects.filter(need=need).values_list("need_created_at", flat=True)) == [
        Need.objects.get(pk=need.pk).created_at
    ]
