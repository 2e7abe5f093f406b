"""Keeping the warm specialist index (`marketplace.selectors.specialist_index`) fresh.

Every service that writes what the index holds — specialists, their skills, availability,
a match entering or leaving the reserving statuses — calls `matching_index_invalidate`
with the specialists it touched. Writes that bypass the services (Django admin, the
shell, test factories) are caught by a safety net of model signals connected at start-up
(`connect_invalidation_signals`); bulk updates bypass signals, so the services never rely
on it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from marketplace.models import Availability, Match, Skill, Specialist, SpecialistSkill
from marketplace.selectors.specialist_index import (
    CHANGE_KEY,
    CHANGE_TTL_SECONDS,
    FULL_REBUILD,
    VERSION_KEY,
)


def _bump(specialist_ids: list[int] | None) -> None:
    # A fresh key starts at the clock, so a version lost from the cache is never reused.
    cache.add(VERSION_KEY, time.time_ns(), timeout=None)
    try:
        version = cache.incr(VERSION_KEY)
    except ValueError:  # evicted between add and incr: readers rebuild in full
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
        return
    change = FULL_REBUILD if specialist_ids is None else specialist_ids
    cache.set(CHANGE_KEY.format(version=version), change, timeout=CHANGE_TTL_SECONDS)


def matching_index_invalidate(*, specialist_ids: Iterable[int] | None = None) -> None:
    """Mark the specialist index stale in every process.

    Call after any write to specialists, their skills, availability or a match's status.
    With `specialist_ids`, readers reload just those specialists' rows (milliseconds);
    without, they rebuild the whole index (seconds at 100,000 specialists). Bumps now, so
    this request sees its own write, and again after commit, so a process that reloaded
    in between, before the write was visible, reloads once more.
    """
    ids = None if specialist_ids is None else sorted({int(i) for i in specialist_ids})
    _bump(ids)
    transaction.on_commit(lambda: _bump(ids), robust=True)


def _invalidate_on_change(sender, instance, **kwargs) -> None:
    if isinstance(instance, Specialist):
        matching_index_invalidate(specialist_ids=[instance.pk])
    elif isinstance(instance, SpecialistSkill | Availability | Match):
        matching_index_invalidate(specialist_ids=[instance.specialist_id])
    else:
        matching_index_invalidate()


def connect_invalidation_signals() -> None:
    """Safety net for writes outside the services (admin, factories, shell)."""
    for model in (Specialist, SpecialistSkill, Availability, Match, Skill):
        for signal in (post_save, post_delete):
            signal.connect(
                _invalidate_on_change, sender=model, dispatch_uid=f"matching_index_{model.__name__}"
            )
