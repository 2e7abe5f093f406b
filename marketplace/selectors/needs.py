"""Reads of needs, with visibility applied."""

from collections import defaultdict
from typing import NamedTuple

from django.db.models import Prefetch, QuerySet

from accounts.errors import NotFound
from accounts.models import User
from marketplace.models import Need, NeedSkill
from marketplace.permissions import need_visibility


def need_list(*, user: User) -> QuerySet[Need]:
    return Need.objects.filter(need_visibility(user)).prefetch_related(
        Prefetch("skill_requirements", queryset=NeedSkill.objects.order_by("-required", "skill_id"))
    )


def need_get(*, user: User, need_id: int) -> Need:
    need = need_list(user=user).filter(pk=need_id).first()
    if need is None:
        raise NotFound("Need not found.")
    return need


class SkillRequirement(NamedTuple):
    skill_id: int
    min_level: int
    required: bool


def need_page_with_skills(*, needs: list[Need]) -> list[Need]:
    """A page of needs, each with its skill requirements as `skill_rows`, in one query.

    For lists from `need_list(...).prefetch_related(None)`: a prefetch builds a queryset
    per need, which costs more than the query itself on a page of 50.
    """
    rows: dict[int, list[SkillRequirement]] = defaultdict(list)
    found = (
        NeedSkill.objects.filter(need_id__in=[need.pk for need in needs])
        .order_by("need_id", "-required", "skill_id")
        .values_list("need_id", "skill_id", "min_level", "required")
    )
    for need_id, *requirement in found:
        rows[need_id].append(SkillRequirement(*requirement))
    for need in needs:
        need.skill_rows = rows[need.pk]
    return needs
