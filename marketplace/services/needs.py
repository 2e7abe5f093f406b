"""Writes to needs: drafting, editing, publishing, and ending them (cancel or close unfilled)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.errors import Conflict, Forbidden, InvalidInput, NotFound
from accounts.models import Agency, User
from marketplace.audit import audit_record
from marketplace.models import (
    Clearance,
    Need,
    NeedSkill,
    NeedStatus,
    Region,
    SavedSearchKind,
    Skill,
    Specialist,
    SpecialistSkill,
    UnfilledReason,
)
from marketplace.permissions import can_create_need_for, can_manage_need, can_view_need
from marketplace.reports.facts import report_facts_refresh
from marketplace.selectors.needs import need_skill_rows
from marketplace.services.audited_update import child_list_update, fields_changed, fields_update
from marketplace.services.matches import matches_cancel_for_need
from marketplace.services.saved_searches import saved_searches_check_later
from notifications.services import notify

NEED_FIELDS = (
    "title",
    "description",
    "start",
    "end",
    "capacity_percent",
    "headcount",
    "clearance_required",
    "languages",
    "region",
    "remote_ok",
    "allow_own_agency",
)
EDITABLE_STATUSES = (NeedStatus.DRAFT, NeedStatus.OPEN)
# Reasons a manager may give when an open need ends without anyone; `withdrawn` is cancel's.
CLOSE_REASONS = (UnfilledReason.NO_CANDIDATE, UnfilledReason.NONE_ACCEPTED)


@dataclass(frozen=True)
class NeedSkillSpec:
    skill_id: int
    min_level: int
    required: bool = True


def _validate(values: Mapping[str, Any], *, check_start_not_past: bool) -> None:
    errors: dict[str, list[str]] = {}
    start, end = values["start"], values["end"]
    if end < start:
        errors["end"] = ["The end date may not be before the start date."]
    if check_start_not_past and start < timezone.localdate():
        errors["start"] = ["The start date may not be in the past."]
    if not 1 <= int(values["capacity_percent"]) <= 100:
        errors["capacity_percent"] = ["Must be between 1 and 100."]
    if int(values["headcount"]) < 1:
        errors["headcount"] = ["At least one specialist must be asked for."]
    if values["clearance_required"] not in Clearance.values:
        errors["clearance_required"] = ["Unknown clearance class."]
    if values["region"] not in ("", *Region.values):
        errors["region"] = ["Unknown region."]
    if not str(values["title"]).strip():
        errors["title"] = ["A title is required."]
    if errors:
        raise InvalidInput(field_errors=errors)


def _validate_skills(skills: Sequence[NeedSkillSpec]) -> None:
    ids = [item.skill_id for item in skills]
    if len(set(ids)) != len(ids):
        raise InvalidInput(field_errors={"skills": ["Each skill may be listed only once."]})
    if any(not 1 <= item.min_level <= 5 for item in skills):
        raise InvalidInput(field_errors={"skills": ["A minimum level must be between 1 and 5."]})
    unknown = sorted(set(ids) - set(Skill.objects.filter(pk__in=ids).values_list("pk", flat=True)))
    if unknown:
        raise InvalidInput(field_errors={"skills": [f"Unknown skill id(s): {unknown}."]})


def _skills_snapshot(need: Need) -> list[dict[str, Any]]:
    return need_skill_rows(NeedSkill.objects.filter(need=need))


def _replace_skills(need: Need, skills: Sequence[NeedSkillSpec]) -> None:
    NeedSkill.objects.filter(need=need).delete()
    NeedSkill.objects.bulk_create(
        NeedSkill(
            need=need,
            skill_id=s.skill_id,
            min_level=s.min_level,
            required=s.required,
            need_created_at=need.created_at,
        )
        for s in skills
    )


def _reject_unknown(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(NEED_FIELDS)
    if unknown:
        raise InvalidInput(field_errors={name: ["Not an editable field."] for name in unknown})


def _lock_need(actor: User, need_id: int) -> Need:
    need = Need.objects.select_for_update().filter(pk=need_id).first()
    if need is None or not can_view_need(actor, need):
        raise NotFound("Need not found.")
    if not can_manage_need(actor, need):
        raise Forbidden("Only the need's agency managers may change it.")
    return need


@transaction.atomic
def need_create(
    *,
    actor: User,
    agency: Agency,
    fields: Mapping[str, Any],
    skills: Sequence[NeedSkillSpec] = (),
) -> Need:
    """Create a draft need for `agency`; `fields` holds NEED_FIELDS (title, start, end required)."""
    if not can_create_need_for(actor, agency.pk):
        raise Forbidden("You may only create needs for your own agency.")
    _reject_unknown(fields)
    missing = [name for name in ("title", "start", "end", "capacity_percent") if name not in fields]
    if missing:
        raise InvalidInput(field_errors={name: ["This field is required."] for name in missing})
    defaults = {
        "description": "",
        "headcount": 1,
        "clearance_required": Clearance.NONE,
        "languages": [],
        "region": "",
        "remote_ok": True,
        "allow_own_agency": False,
    }
    values = {**defaults, **fields}
    _validate(values, check_start_not_past=True)
    _validate_skills(skills)
    need = Need.objects.create(agency=agency, created_by=actor, status=NeedStatus.DRAFT, **values)
    _replace_skills(need, skills)
    after = dict(values)
    after.update(agency=agency.pk, status=need.status, skills=_skills_snapshot(need))
    audit_record(actor=actor, action="need.create", target=need, after=after)
    return need


@transaction.atomic
def need_update(
    *,
    actor: User,
    need: Need,
    fields: Mapping[str, Any],
    skills: Sequence[NeedSkillSpec] | None = None,
) -> Need:
    """Edit a draft or open need; skills, when given, replace the whole list."""
    need = _lock_need(actor, need.pk)
    if need.status not in EDITABLE_STATUSES:
        raise Conflict(f"A {need.status} need can no longer be edited.")
    _reject_unknown(fields)
    changed = fields_changed(need, fields)
    values = {name: getattr(need, name) for name in NEED_FIELDS} | changed
    # A start date already in the past may stay; moving it into the past may not.
    _validate(values, check_start_not_past="start" in changed)
    if skills is not None:
        _validate_skills(skills)
    before, after = fields_update(need, changed)
    if skills is not None:
        child_list_update(
            before,
            after,
            name="skills",
            old=_skills_snapshot(need),
            new=need_skill_rows(skills),
            replace=lambda: _replace_skills(need, skills),
        )
    if after:
        audit_record(actor=actor, action="need.update", target=need, before=before, after=after)
        # Completed engagements of an open need take their rate from its required skills.
        report_facts_refresh(need_ids=[need.pk])
        if need.status == NeedStatus.OPEN:
            saved_searches_check_later(kind=SavedSearchKind.NEEDS_BOARD, item_id=need.pk)
    return need


@transaction.atomic
def need_delete(*, actor: User, need: Need) -> None:
    """Delete a draft; anything published stays, as the record of demand."""
    need = _lock_need(actor, need.pk)
    if need.status != NeedStatus.DRAFT:
        raise Conflict(
            f"Only drafts can be deleted; this need is {need.status}. Cancel it instead."
        )
    audit_record(
        actor=actor,
        action="need.delete",
        target=need,
        before={"title": need.title, "agency": need.agency_id, "status": need.status},
    )
    need.delete()


@transaction.atomic
def need_publish(*, actor: User, need_id: int) -> Need:
    """Open a draft to the network and tell the specialists it fits (those who opted in).

    Its start date must not have passed. The need is read once, locked, and checked here:
    callers pass its id.
    """
    need = _lock_need(actor, need_id)
    if need.status == NeedStatus.DRAFT and need.start < timezone.localdate():
        raise Conflict("The need's start date has passed; move it before publishing.")
    now = timezone.now()
    updated = Need.objects.filter(pk=need.pk, status=NeedStatus.DRAFT).update(
        status=NeedStatus.OPEN, published_at=now, updated_at=now
    )
    if not updated:
        raise Conflict(f"Only drafts can be published; this need is {need.status}.")
    audit_record(
        actor=actor,
        action="need.publish",
        target=need,
        before={"status": NeedStatus.DRAFT},
        after={"status": NeedStatus.OPEN, "published_at": now.isoformat()},
    )
    # What the guarded update wrote, on the row it holds locked.
    need.status, need.published_at, need.updated_at = NeedStatus.OPEN, now, now
    notify(
        kind="need_published_fit",
        recipients=_fitting_specialist_users(need),
        context={
            "title": f"A new need fits you: {need.title}",
            "need_id": need.pk,
            "need_title": need.title,
            "start": need.start.isoformat(),
            "end": need.end.isoformat(),
            "capacity_percent": need.capacity_percent,
        },
        link=f"/needs/{need.pk}/",
    )
    saved_searches_check_later(kind=SavedSearchKind.NEEDS_BOARD, item_id=need.pk)
    return need


def _fitting_specialist_users(need: Need) -> list[User]:
    """Users of shareable specialists who meet the need's hard profile constraints.

    Capacity is left out on purpose: the notice invites a look, matching decides. Whether
    anyone actually hears of it is each user's preference (the kind is opt-in).
    """
    specialists = Specialist.objects.filter(
        shareable=True, clearance__gte=need.clearance_required, user__is_active=True
    )
    if not need.allow_own_agency:
        specialists = specialists.exclude(agency_id=need.agency_id)
    for requirement in NeedSkill.objects.filter(need=need, required=True):
        specialists = specialists.filter(
            Exists(
                SpecialistSkill.objects.filter(
                    specialist=OuterRef("pk"),
                    skill_id=requirement.skill_id,
                    level__gte=requirement.min_level,
                )
            )
        )
    return list(User.objects.filter(specialist__in=specialists))


def _end_unfilled(
    *, actor: User, need: Need, from_statuses: Sequence[str], status: str, reason: str, action: str
) -> Need:
    old_status = need.status
    now = timezone.now()
    updated = Need.objects.filter(pk=need.pk, status__in=from_statuses).update(
        status=status, unfilled_reason=reason, closed_at=now, updated_at=now
    )
    if not updated:
        raise Conflict(f"A {old_status} need cannot be {status}.")
    need.refresh_from_db()
    matches_cancel_for_need(need=need, actor=actor)
    audit_record(
        actor=actor,
        action=action,
        target=need,
        before={"status": old_status, "unfilled_reason": ""},
        after={"status": status, "unfilled_reason": reason},
    )
    report_facts_refresh(need_ids=[need.pk])
    return need


@transaction.atomic
def need_cancel(*, actor: User, need: Need) -> Need:
    """Withdraw a draft or open need and cancel its active matches."""
    need = _lock_need(actor, need.pk)
    return _end_unfilled(
        actor=actor,
        need=need,
        from_statuses=EDITABLE_STATUSES,
        status=NeedStatus.CANCELLED,
        reason=UnfilledReason.WITHDRAWN,
        action="need.cancel",
    )


@transaction.atomic
def need_close(*, actor: User, need: Need, reason: str) -> Need:
    """Close an open need that ends unfilled, recording why, and cancel its active matches."""
    # The rule first: a caller who may not close this need learns that, not "bad reason".
    need = _lock_need(actor, need.pk)
    if reason not in CLOSE_REASONS:
        raise InvalidInput(field_errors={"reason": [f"Must be one of {list(CLOSE_REASONS)}."]})
    return _end_unfilled(
        actor=actor,
        need=need,
        from_statuses=(NeedStatus.OPEN,),
        status=NeedStatus.CLOSED,
        reason=reason,
        action="need.close",
    )
