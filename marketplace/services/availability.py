"""Writes to a specialist's availability windows, guarded against breaking reservations.

Every write locks the specialist row first, the same lock match approval takes, so a window
cannot shrink under a reservation that is being approved at the same moment.
"""

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from accounts.errors import Conflict, Forbidden, InvalidInput, NotFound
from accounts.models import User
from marketplace.audit import audit_record
from marketplace.matching import capacity
from marketplace.models import (
    Availability,
    SavedSearchKind,
    Specialist,
)
from marketplace.permissions import can_edit_specialist_profile, can_view_specialist
from marketplace.selectors.capacity import capacity_windows
from marketplace.services.saved_searches import saved_searches_check_later
from marketplace.services.specialist_index import matching_index_invalidate

AUDITED_FIELDS = ("start", "end", "capacity_percent")


def _lock_specialist(actor: User, specialist_id: int) -> Specialist:
    specialist = Specialist.objects.select_for_update().filter(pk=specialist_id).first()
    if specialist is None or not can_view_specialist(actor, specialist):
        raise NotFound("Specialist not found.")
    if not can_edit_specialist_profile(actor, specialist):
        raise Forbidden("Only the specialist and their agency's managers may change availability.")
    return specialist


def _validate_window(
    specialist: Specialist, start: dt.date, end: dt.date, percent: int, exclude_id: int | None
) -> None:
    errors: dict[str, list[str]] = {}
    if end < start:
        errors["end"] = ["The end date may not be before the start date."]
    if not 1 <= percent <= 100:
        errors["capacity_percent"] = ["Must be between 1 and 100."]
    if errors:
        raise InvalidInput(field_errors=errors)
    overlapping = Availability.objects.filter(
        specialist=specialist, start__lte=end, end__gte=start
    ).exclude(pk=exclude_id)
    clash = overlapping.first()
    if clash is not None:
        raise InvalidInput(
            field_errors={
                "start": [
                    f"Overlaps the window {clash.start.isoformat()}–{clash.end.isoformat()}; "
                    "windows of one specialist may not overlap."
                ]
            }
        )


def _refuse_if_reservations_break(
    specialist: Specialist,
    before: Sequence[capacity.Window],
    after: Sequence[capacity.Window],
) -> None:
    """409 when the change leaves some day with less free capacity than zero and less than before.

    Days that were already over-committed and do not get worse are not this change's doing.
    """
    broken = capacity.broken_by_change(
        reservations=capacity_windows(specialist_id=specialist.pk).reservations,
        availability_before=before,
        availability_after=after,
        max_share_before=specialist.max_share_percent,
        max_share_after=specialist.max_share_percent,
    )
    if broken:
        days = ", ".join(f"{w.start.isoformat()}–{w.end.isoformat()}" for w in broken)
        raise Conflict(
            f"Approved or accepted matches reserve more capacity than would remain on {days}."
        )


@transaction.atomic
def availability_create(
    *, actor: User, specialist: Specialist, start: dt.date, end: dt.date, capacity_percent: int
) -> Availability:
    """Add an availability window; windows of one specialist never overlap."""
    specialist = _lock_specialist(actor, specialist.pk)
    _validate_window(specialist, start, end, capacity_percent, exclude_id=None)
    window = Availability.objects.create(
        specialist=specialist, start=start, end=end, capacity_percent=capacity_percent
    )
    matching_index_invalidate(specialist_ids=[specialist.pk])
    audit_record(
        actor=actor,
        action="availability.create",
        target=window,
        after={"specialist": specialist.pk, **_snapshot(window)},
    )
    saved_searches_check_later(kind=SavedSearchKind.DIRECTORY, item_id=specialist.pk)
    return window


def _snapshot(window: Availability) -> dict:
    return {name: getattr(window, name) for name in AUDITED_FIELDS}


def _lock_window(actor: User, availability_id: int) -> tuple[Specialist, Availability]:
    specialist_id = (
        Availability.objects.filter(pk=availability_id)
        .values_list("specialist_id", flat=True)
        .first()
    )
    if specialist_id is None:
        raise NotFound("Availability window not found.")
    specialist = _lock_specialist(actor, specialist_id)
    window = Availability.objects.filter(pk=availability_id, specialist=specialist).first()
    if window is None:
        raise NotFound("Availability window not found.")
    return specialist, window


@transaction.atomic
def availability_update(
    *,
    actor: User,
    availability: Availability,
    start: dt.date | None = None,
    end: dt.date | None = None,
    capacity_percent: int | None = None,
) -> Availability:
    """Move or resize a window; refused when it would take capacity that matches reserve."""
    specialist, window = _lock_window(actor, availability.pk)
    new_start = start if start is not None else window.start
    new_end = end if end is not None else window.end
    new_percent = capacity_percent if capacity_percent is not None else window.capacity_percent
    _validate_window(specialist, new_start, new_end, new_percent, exclude_id=window.pk)
    before_windows = capacity_windows(specialist_id=specialist.pk).availability
    after_windows = [
        w
        for w in before_windows
        if (w.start, w.end, w.percent) != (window.start, window.end, window.capacity_percent)
    ]
    after_windows.append(capacity.Window(new_start, new_end, new_percent))
    _refuse_if_reservations_break(specialist, before_windows, after_windows)
    before = _snapshot(window)
    window.start, window.end, window.capacity_percent = new_start, new_end, new_percent
    window.save(update_fields=list(AUDITED_FIELDS))
    matching_index_invalidate(specialist_ids=[specialist.pk])
    after = _snapshot(window)
    changed = [name for name in AUDITED_FIELDS if before[name] != after[name]]
    if changed:
        audit_record(
            actor=actor,
            action="availability.update",
            target=window,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
        saved_searches_check_later(kind=SavedSearchKind.DIRECTORY, item_id=specialist.pk)
    return window


@transaction.atomic
def availability_delete(*, actor: User, availability: Availability) -> None:
    """Remove a window; refused when matches reserve capacity that only it provides."""
    specialist, window = _lock_window(actor, availability.pk)
    before_windows = capacity_windows(specialist_id=specialist.pk).availability
    after_windows = [
        w
        for w in before_windows
        if (w.start, w.end, w.percent) != (window.start, window.end, window.capacity_percent)
    ]
    _refuse_if_reservations_break(specialist, before_windows, after_windows)
    audit_record(
        actor=actor,
        action="availability.delete",
        target=window,
        before={"specialist": specialist.pk, **_snapshot(window)},
    )
    window.delete()
    matching_index_invalidate(specialist_ids=[specialist.pk])
