"""Small public lists that rarely change (the skill taxonomy, the agencies), from the cache.

Every page and filter variant of a list is cached under its namespace's current version.
A change to any row of the list's model gives the namespace a new version, so all those
variants go stale at once without anyone knowing their keys. The version changes right
away and again when the transaction commits: a reader that rebuilt the list from
not-yet-committed data in between is outdated by the second change.

A list built inside a transaction is returned but never stored: it may show rows that
are rolled back later. Bulk writes (`bulk_create`, `update()`) send no signals; whoever
makes them calls `list_cache_invalidate`. The timeout bounds the damage of one that
forgets to.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")
TIMEOUT_SECONDS = 600


def _version_key(namespace: str) -> str:
    return f"list-cache:{namespace}:version"


def _version(namespace: str) -> str:
    version = cache.get(_version_key(namespace))
    if version is None:
        # A fresh random version: entries written under a lost (evicted) one never come back.
        cache.add(_version_key(namespace), uuid.uuid4().hex, timeout=None)
        version = cache.get(_version_key(namespace))
    return version


def list_cache_get(*, namespace: str, variant: str, build: Callable[[], T]) -> T:
    """The cached value of one variant (query string, page) of a list, built on a miss."""
    digest = hashlib.sha256(variant.encode()).hexdigest()[:32]
    key = f"list-cache:{namespace}:{_version(namespace)}:{digest}"
    value = cache.get(key)
    if value is None:
        value = build()
        if not connection.in_atomic_block:
            cache.set(key, value, timeout=TIMEOUT_SECONDS)
    return value


def list_cache_invalidate(*, namespace: str) -> None:
    """Make every cached variant of the list stale, now and once more at commit."""

    def bump() -> None:
        cache.set(_version_key(namespace), uuid.uuid4().hex, timeout=None)

    bump()
    transaction.on_commit(bump, robust=True)


def invalidate_on_change(model: type[models.Model], *, namespace: str) -> None:
    """Connect saves and deletes of `model` (admin and shell included) to the namespace."""

    def changed(**kwargs) -> None:
        list_cache_invalidate(namespace=namespace)

    uid = f"list-cache:{namespace}:{model._meta.label}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":save")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":delete")
