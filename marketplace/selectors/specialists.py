"""Reads of specialists and their availability, with visibility and contact rules applied."""

from django.db.models import BooleanField, ExpressionWrapper, F, Prefetch, QuerySet, Value
from django.utils.translation import gettext as _

from accounts.errors import NotFound
from accounts.models import User
from fastpaths.child_rows import ChildObjectsJSON, json_text
from marketplace.models import Availability, Skill, Specialist, SpecialistSkill
from marketplace.permissions import contact_visibility, specialist_visibility


def skill_list() -> QuerySet[Skill]:
    return Skill.objects.all()


def _visible_specialists(user: User) -> QuerySet[Specialist]:
    rule = contact_visibility(user)
    # Evaluated on each row itself: no second scan of the specialists per row.
    contact = ExpressionWrapper(rule, output_field=BooleanField()) if rule else Value(True)
    return Specialist.objects.filter(specialist_visibility(user)).annotate(
        name=F("user__name"), contact_visible=contact
    )


def specialists_named(*, user: User, text: str, limit: int = 5) -> list[Specialist]:
    """Visible specialists whose name contains `text` (any case), for a person's lookup."""
    text = text.strip()
    if not text:
        return []
    return list(
        _visible_specialists(user)
        .filter(user__name__icontains=text)
        .select_related("user", "agency")
        .order_by("user__name", "pk")[:limit]
    )


def specialist_list(*, user: User) -> QuerySet[Specialist]:
    """Specialists the user may see, each annotated with `contact_visible` for email and phone."""
    return (
        _visible_specialists(user)
        .select_related("user")
        .prefetch_related(
            Prefetch("skill_levels", queryset=SpecialistSkill.objects.order_by("skill_id"))
        )
    )


# A specialist's skill levels as the API lists them, by skill id.
_SKILLS_JSON = ChildObjectsJSON(
    SpecialistSkill,
    parent="specialist",
    fields={"skill": "skill_id", "level": "level"},
    order_by=("skill_id",),
)


def specialist_list_with_json(*, user: User) -> QuerySet[Specialist]:
    """`specialist_list` for pages of specialists: each row brings its skill levels
    (`skills_json`, by skill id) and languages (`languages_json`) along in the same query,
    as JSON text in the API's shape, for the API to pass on without parsing."""
    return _visible_specialists(user).annotate(
        skills_json=_SKILLS_JSON, languages_json=json_text("languages")
    )


def specialist_get(*, user: User, specialist_id: int) -> Specialist:
    specialist = specialist_list(user=user).filter(pk=specialist_id).first()
    if specialist is None:
        raise NotFound(_("Specialist not found."))
    return specialist


def availability_list(*, user: User, specialist_id: int) -> QuerySet[Availability]:
    """Windows of one specialist; 404 when the specialist is not visible to the user."""
    if not Specialist.objects.filter(specialist_visibility(user), pk=specialist_id).exists():
        raise NotFound(_("Specialist not found."))
    return Availability.objects.filter(specialist_id=specialist_id).order_by("start")


def availability_get(*, user: User, availability_id: int) -> Availability:
    window = (
        Availability.objects.filter(pk=availability_id)
        .filter(specialist__in=Specialist.objects.filter(specialist_visibility(user)))
        .first()
    )
    if window is None:
        raise NotFound(_("Availability window not found."))
    return window
