"""Reads of needs, with visibility applied."""

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from django.db.models import F, Prefetch, QuerySet

from accounts.errors import NotFound
from accounts.models import User
from fastpaths.child_rows import (
    ChildObjectsJSON,
    child_rows,
    decoded_rows,
    json_text,
)
from fastpaths.compiled_queries import CompiledQuery, instance_of, model_columns
from fastpaths.keyset import is_annotated
from marketplace.models import Need, NeedSkill
from marketplace.permissions import need_visibility

# A need's requirements in the one shape and order every reader shows them in (the API's
# JSON, the audit trail, the web form): required first, then by skill id.
NEED_SKILL_FIELDS = {"skill": "skill_id", "min_level": "min_level", "required": "required"}
NEED_SKILL_ORDER = ("-required", "skill_id")


def need_skill_order(requirement: Any) -> tuple[bool, int]:
    """The sort key of NEED_SKILL_ORDER, for requirements already in memory."""
    return (not requirement.required, requirement.skill_id)


def need_skill_rows(requirements: Iterable[Any]) -> list[dict[str, Any]]:
    """Requirements (rows, or specs with the same attributes) in their JSON shape and order."""
    return [
        {key: getattr(requirement, attribute) for key, attribute in NEED_SKILL_FIELDS.items()}
        for requirement in sorted(requirements, key=need_skill_order)
    ]


def need_list(*, user: User) -> QuerySet[Need]:
    return Need.objects.filter(need_visibility(user)).prefetch_related(
        Prefetch("skill_requirements", queryset=NeedSkill.objects.order_by(*NEED_SKILL_ORDER))
    )


# The needs board's default order: newest first.
BOARD_ORDERING = ("-created_at", "-id")


def needs_asking_for(needs: QuerySet[Need], *, skill_id: int) -> QuerySet[Need]:
    """The needs that ask for the skill, each with `skill_listed_at`: its created_at as the
    requirement row holds it, which `board_ordering` orders by."""
    return needs.filter(skill_requirements__skill_id=skill_id).annotate(
        skill_listed_at=F("skill_requirements__need_created_at")
    )


def board_ordering(needs: QuerySet[Need], ordering: Sequence[str]) -> list[str]:
    """The ordering to page `needs` by: the default order of a board filtered by a skill reads
    that skill's needs newest first from the requirement index (needskill_board_idx) and
    stops at the page's end, where ordering by the need's own created_at would walk every
    need and look up its skills."""
    if tuple(ordering) == BOARD_ORDERING and is_annotated(needs, "skill_listed_at"):
        return ["-skill_listed_at", "-id"]
    return list(ordering)


def need_get(*, user: User, need_id: int) -> Need:
    need = need_list(user=user).filter(pk=need_id).first()
    if need is None:
        raise NotFound("Need not found.")
    return need


def need_get_with_skills(*, user: User, need_id: int) -> Need:
    """`need_get` in one query: the requirements come along as `skill_rows`."""
    rows = _NEED_WITH_SKILLS.rows(user=user, need_id=need_id)
    if not rows:
        raise NotFound("Need not found.")
    need = instance_of(Need, rows[0])
    need.skill_rows = sorted(
        (
            SkillRequirement(int(skill_id), int(min_level), bool(required))
            for skill_id, min_level, required in decoded_rows(rows[0][-1])
        ),
        key=need_skill_order,
    )
    return need


# A need's detail and its candidates read it on every request: compiled once.
_NEED_WITH_SKILLS = CompiledQuery(
    lambda user, need_id: (
        Need.objects.filter(need_visibility(user), pk=need_id)
        .annotate(skill_json=_SKILL_ROWS)
        .order_by()
        .values_list(*model_columns(Need), "skill_json")
    )
)


class SkillRequirement(NamedTuple):
    skill_id: int
    min_level: int
    required: bool


# A need's requirements as [skill_id, min_level, required] arrays, inside the need's row.
_SKILL_ROWS = child_rows(
    NeedSkill.objects.all(), parent="need", columns=("skill_id", "min_level", "required")
)


# A need's requirements as the API lists them.
_SKILLS_JSON = ChildObjectsJSON(
    NeedSkill, parent="need", fields=NEED_SKILL_FIELDS, order_by=NEED_SKILL_ORDER
)


def need_list_with_json(*, user: User) -> QuerySet[Need]:
    """`need_list` for pages of needs: each row brings its requirements (`skills_json`,
    in `need_list`'s order) and languages (`languages_json`) along in the same query, as
    JSON text in the API's shape, for the API to pass on without parsing."""
    return Need.objects.filter(need_visibility(user)).annotate(
        skills_json=_SKILLS_JSON, languages_json=json_text("languages")
    )
