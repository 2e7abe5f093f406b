"""Reads of specialists and their availability, with visibility and contact rules applied."""

from collections import defaultdict
from typing import NamedTuple

from django.db.models import BooleanField, ExpressionWrapper, F, Prefetch, QuerySet, Value

from accounts.errors import NotFound
from accounts.models import User
from marketplace.models import Availability, Skill, Specialist, SpecialistSkill
from marketplace.permissions import contact_visibility, specialist_visibility


def skill_list() -> QuerySet[Skill]:
    return Skill.objects.all()


def specialist_list(*, user: User) -> QuerySet[Specialist]:
    """Specialists the user may see, each annotated with `contact_visible` for email and phone."""
    rule = contact_visibility(user)
    # Evaluated on each row itself: no second scan of the specialists per row.
    contact = ExpressionWrapper(rule, output_field=BooleanField()) if rule else Value(True)
    return (
        Specialist.objects.filter(specialist_visibility(user))
        .select_related("user")
        .prefetch_related(
            Prefetch("skill_levels", queryset=SpecialistSkill.objects.order_by("skill_id"))
        )
        .annotate(name=F("user__name"), contact_visible=contact)
    )


class SkillLevelRow(NamedTuple):
    skill_id: int
    level: int


def specialist_page_with_skills(*, specialists: list[Specialist]) -> list[Specialist]:
    """A page of specialists, each with its skill levels as `skill_rows`, in one query.

    For lists from `specialist_list(...).prefetch_related(None)`: a prefetch builds a
    queryset per specialist, which costs more than the query itself on a page of 50.
    """
    rows: dict[int, list[SkillLevelRow]] = defaultdict(list)
    found = (
        SpecialistSkill.objects.filter(specialist_id__in=[s.pk for s in specialists])
        .order_by("specialist_id", "skill_id")
        .values_list("specialist_id", "skill_id", "level")
    )
    for specialist_id, skill_id, level in found:
        rows[specialist_id].append(SkillLevelRow(skill_id, level))
    for specialist in specialists:
        specialist.skill_rows = rows[specialist.pk]
    return specialists


def specialist_get(*, user: User, specialist_id: int) -> Specialist:
    specialist = specialist_list(user=user).filter(pk=specialist_id).first()
    if specialist is None:
        raise NotFound("Specialist not found.")
    return specialist


def availability_list(*, user: User, specialist_id: int) -> QuerySet[Availability]:
    """Windows of one specialist; 404 when the specialist is not visible to the user."""
    if not Specialist.objects.filter(specialist_visibility(user), pk=specialist_id).exists():
        raise NotFound("Specialist not found.")
    return Availability.objects.filter(specialist_id=specialist_id).order_by("start")


def availability_get(*, user: User, availability_id: int) -> Availability:
    window = (
        Availability.objects.filter(pk=availability_id)
        .filter(specialist__in=Specialist.objects.filter(specialist_visibility(user)))
        .first()
    )
    if window is None:
        raise NotFound("Availability window not found.")
    return window
