"""Writes to specialist profiles: creation, profile edits, sharing settings and skills."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from accounts.errors import Conflict, Forbidden, InvalidInput, NotFound
from accounts.models import Role, User
from marketplace.audit import audit_record
from marketplace.matching import capacity
from marketplace.models import (
    Clearance,
    Region,
    SavedSearchKind,
    Skill,
    Specialist,
    SpecialistSkill,
)
from marketplace.permissions import (
    can_create_specialist_for,
    can_edit_specialist_profile,
    can_manage_specialist_sharing,
    can_view_specialist,
)
from marketplace.selectors.capacity import capacity_windows
from marketplace.services.audited_update import child_list_update, fields_changed, fields_update
from marketplace.services.saved_searches import saved_searches_check_later
from marketplace.services.specialist_index import matching_index_invalidate

# The specialist (or their manager) keeps these up to date.
PROFILE_FIELDS = ("title", "summary", "phone", "languages", "region", "remote_ok")
# The agency decides these: lending its people and attesting clearance is its call.
SHARING_FIELDS = ("shareable", "max_share_percent", "clearance", "clearance_expires")


@dataclass(frozen=True)
class SkillLevel:
    skill_id: int
    level: int


def _skills_snapshot(specialist: Specialist) -> list[dict[str, int]]:
    return [
        {"skill": row.skill_id, "level": row.level}
        for row in SpecialistSkill.objects.filter(specialist=specialist).order_by("skill_id")
    ]


def _validate_skills(skills: Sequence[SkillLevel]) -> None:
    ids = [item.skill_id for item in skills]
    if len(set(ids)) != len(ids):
        raise InvalidInput(field_errors={"skills": ["Each skill may be listed only once."]})
    bad_levels = [item.skill_id for item in skills if not 1 <= item.level <= 5]
    if bad_levels:
        raise InvalidInput(field_errors={"skills": ["A skill level must be between 1 and 5."]})
    known = set(Skill.objects.filter(pk__in=ids).values_list("pk", flat=True))
    unknown = sorted(set(ids) - known)
    if unknown:
        raise InvalidInput(field_errors={"skills": [f"Unknown skill id(s): {unknown}."]})


def _validate_fields(fields: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if "max_share_percent" in fields and not 1 <= int(fields["max_share_percent"]) <= 100:
        errors["max_share_percent"] = ["Must be between 1 and 100."]
    if "clearance" in fields and fields["clearance"] not in Clearance.values:
        errors["clearance"] = ["Unknown clearance class."]
    if "region" in fields and fields["region"] not in ("", *Region.values):
        errors["region"] = ["Unknown region."]
    if "title" in fields and not str(fields["title"]).strip():
        errors["title"] = ["A title is required."]
    if errors:
        raise InvalidInput(field_errors=errors)


def _replace_skills(specialist: Specialist, skills: Sequence[SkillLevel]) -> None:
    SpecialistSkill.objects.filter(specialist=specialist).delete()
    SpecialistSkill.objects.bulk_create(
        SpecialistSkill(specialist=specialist, skill_id=item.skill_id, level=item.level)
        for item in skills
    )
    # Bulk writes skip the model signals, so the matching index hears of them here.
    matching_index_invalidate(specialist_ids=[specialist.pk])


@transaction.atomic
def specialist_create(
    *,
    actor: User,
    user: User,
    fields: Mapping[str, Any],
    skills: Sequence[SkillLevel] = (),
) -> Specialist:
    """Create the specialist profile of an existing specialist user of the actor's agency.

    `fields` may hold any of PROFILE_FIELDS and SHARING_FIELDS; `title` is required.
    """
    if not can_create_specialist_for(actor, user.agency_id):
        raise Forbidden("You may only create profiles for specialists of your own agency.")
    if user.role != Role.SPECIALIST or user.agency_id is None:
        raise InvalidInput(field_errors={"user": ["The user must have the specialist role."]})
    if Specialist.objects.filter(user=user).exists():
        raise InvalidInput(field_errors={"user": ["This user already has a specialist profile."]})
    unknown = set(fields) - set(PROFILE_FIELDS) - set(SHARING_FIELDS)
    if unknown:
        raise InvalidInput(field_errors={name: ["Not a profile field."] for name in unknown})
    if not fields.get("title"):
        raise InvalidInput(field_errors={"title": ["A title is required."]})
    _validate_fields(fields)
    _validate_skills(skills)
    specialist = Specialist.objects.create(user=user, agency_id=user.agency_id, **fields)
    _replace_skills(specialist, skills)
    after = {name: getattr(specialist, name) for name in fields}
    after["user"] = user.pk
    after["skills"] = _skills_snapshot(specialist)
    audit_record(actor=actor, action="specialist.create", target=specialist, after=after)
    saved_searches_check_later(kind=SavedSearchKind.DIRECTORY, item_id=specialist.pk)
    return specialist


def _days_the_new_cap_breaks(specialist: Specialist, new_max: int) -> list[capacity.Window]:
    """Periods on which approved/accepted matches would no longer fit under `new_max`."""
    windows = capacity_windows(specialist_id=specialist.pk)
    return capacity.broken_by_change(
        reservations=windows.reservations,
        availability_before=windows.availability,
        availability_after=windows.availability,
        max_share_before=specialist.max_share_percent,
        max_share_after=new_max,
    )


@transaction.atomic
def specialist_update(
    *,
    actor: User,
    specialist: Specialist,
    fields: Mapping[str, Any],
    skills: Sequence[SkillLevel] | None = None,
) -> Specialist:
    """Change profile fields, sharing settings and (as a whole list) skills of a specialist.

    Profile fields need `can_edit_specialist_profile`; sharing fields (only when their value
    actually changes) need `can_manage_specialist_sharing`. Lowering the max share below what
    reservations already hold on some day is a conflict.
    """
    # The row lock serialises this with match approvals that reserve capacity against the cap.
    specialist = Specialist.objects.select_for_update().filter(pk=specialist.pk).first()
    if specialist is None or not can_view_specialist(actor, specialist):
        raise NotFound("Specialist not found.")
    if not can_edit_specialist_profile(actor, specialist):
        raise Forbidden("You may not edit this specialist's profile.")
    unknown = set(fields) - set(PROFILE_FIELDS) - set(SHARING_FIELDS)
    if unknown:
        raise InvalidInput(field_errors={name: ["Not an editable field."] for name in unknown})
    changed = fields_changed(specialist, fields)
    sharing_changes = sorted(set(changed) & set(SHARING_FIELDS))
    if sharing_changes and not can_manage_specialist_sharing(actor, specialist):
        raise Forbidden(f"Only the specialist's agency managers may change {sharing_changes}.")
    _validate_fields(changed)
    if skills is not None:
        _validate_skills(skills)

    if (
        "max_share_percent" in changed
        and changed["max_share_percent"] < specialist.max_share_percent
    ):
        over = _days_the_new_cap_breaks(specialist, changed["max_share_percent"])
        if over:
            days = ", ".join(f"{w.start.isoformat()}–{w.end.isoformat()}" for w in over)
            raise Conflict(
                "Approved or accepted matches already reserve more than "
                f"{changed['max_share_percent']}% on {days}."
            )

    before, after = fields_update(specialist, changed)
    if changed:
        matching_index_invalidate(specialist_ids=[specialist.pk])
    if skills is not None:
        child_list_update(
            before,
            after,
            name="skills",
            old=_skills_snapshot(specialist),
            new=sorted(
                ({"skill": item.skill_id, "level": item.level} for item in skills),
                key=lambda row: row["skill"],
            ),
            replace=lambda: _replace_skills(specialist, skills),
        )
    if after:
        audit_record(
            actor=actor, action="specialist.update", target=specialist, before=before, after=after
        )
        saved_searches_check_later(kind=SavedSearchKind.DIRECTORY, item_id=specialist.pk)
    return specialist
