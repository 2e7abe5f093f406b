"""Changing a row's fields and child list, and what the audit trail records of the change.

`need_update` and `specialist_update` (and whatever edits a row next) write through these,
so every edit records the same before and after: the fields that changed, and the whole
child list (skills) when it changed. `audit_record` turns the values into JSON.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.db import models


def fields_changed(instance: models.Model, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The given fields whose value differs from the row's."""
    return {name: value for name, value in fields.items() if getattr(instance, name) != value}


def fields_update(
    instance: models.Model, changed: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Write `changed` to the row (with its `updated_at`); returns the audit trail's before
    and after of those fields."""
    before = {name: getattr(instance, name) for name in changed}
    for name, value in changed.items():
        setattr(instance, name, value)
    if changed:
        instance.save(update_fields=[*changed, "updated_at"])
    return before, dict(changed)


def child_list_update(
    before: dict[str, Any],
    after: dict[str, Any],
    *,
    name: str,
    old: list[Any],
    new: list[Any],
    replace: Callable[[], None],
) -> None:
    """Replace a child list (in the shape and order `old` and `new` share) if it changed,
    and add it whole to the audit trail's before and after under `name`."""
    if old != new:
        replace()
        before[name] = old
        after[name] = new
