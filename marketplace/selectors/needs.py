"""Reads of needs, with visibility applied."""

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
