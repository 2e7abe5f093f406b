"""Keyset ("cursor") pages of long lists: no COUNT, and no OFFSET that grows with the page.

A page is the rows strictly after (or before) the last row seen, in an ordering that ends
in the primary key, so every row has one place and a page stays put while new rows
arrive. The cursor carries that row's ordering values; the filter it becomes can read
the same index as the ordering. Nullable keys sort their empty values last.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import DateTimeField, F, Field, Model, OrderBy, Q, QuerySet
from django.utils import timezone

FORWARD, BACKWARD = "n", "p"


class InvalidCursor(ValueError):
    """The cursor was not made by this ordering (tampered with, or from another list)."""


@dataclass(frozen=True)
class OrderKey:
    name: str
    descending: bool
    field: Field

    @property
    def nullable(self) -> bool:
        return self.field.null


@dataclass(frozen=True)
class KeysetPage:
    rows: list[Any]
    next_cursor: str | None
    previous_cursor: str | None


def order_keys(queryset: QuerySet, ordering: Sequence[str]) -> list[OrderKey]:
    """The ordering as concrete columns or annotations, with the primary key last.

    A relation orders by its id (`agency` → `agency_id`), never through a join.
    """
    keys: list[OrderKey] = []
    for term in ordering:
        descending = term.startswith("-")
        keys.append(_key(queryset, term.lstrip("-"), descending))
        if keys[-1].field.primary_key or (keys[-1].field.unique and not keys[-1].nullable):
            return keys
    pk = queryset.model._meta.pk
    return [*keys, OrderKey(pk.attname, keys[0].descending if keys else False, pk)]


def is_annotated(queryset: QuerySet, name: str) -> bool:
    """Whether the queryset carries the annotation `name` (which an ordering may name)."""
    return name in queryset.query.annotations


def _key(queryset: QuerySet, name: str, descending: bool) -> OrderKey:
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        return OrderKey(name, descending, annotation.output_field)
    meta = queryset.model._meta
    try:
        field = meta.pk if name == "pk" else meta.get_field(name)
    except FieldDoesNotExist as error:
        raise ValueError(f"Cannot order {meta.label} by {name!r}.") from error
    return OrderKey(field.attname, descending, field)


def keyset_page(
    queryset: QuerySet, *, keys: Sequence[OrderKey], cursor: str | None, size: int
) -> KeysetPage:
    """One page of `size` rows after or before the cursor (the first page without one)."""
    direction, values = decode_cursor(cursor, keys) if cursor else (FORWARD, None)
    page = keyset_query(queryset, keys=keys, direction=direction, values=values, size=size)
    return keyset_result(list(page), keys=keys, direction=direction, values=values, size=size)


def keyset_query(
    queryset: QuerySet,
    *,
    keys: Sequence[OrderKey],
    direction: str,
    values: Sequence[Any] | None,
    size: int,
) -> QuerySet:
    """The rows of the page after (or before) the row with these ordering `values`, and
    one more that says whether there is a page beyond."""
    backward = direction == BACKWARD
    walk = [OrderKey(k.name, k.descending != backward, k.field) for k in keys]
    page = queryset.order_by(*(_order_by(k, nulls_last=not backward) for k in walk))
    if values is not None:
        page = page.filter(_after(walk, values, nulls_last=not backward))
    return page[: size + 1]


def keyset_result(
    rows: list[Any],
    *,
    keys: Sequence[OrderKey],
    direction: str,
    values: Sequence[Any] | None,
    size: int,
) -> KeysetPage:
    """The page `keyset_query` read, in the ordering's direction, with its cursors."""
    backward = direction == BACKWARD
    more = len(rows) > size
    rows = rows[:size]
    if backward:
        rows.reverse()
    if not rows:
        return KeysetPage(rows=[], next_cursor=None, previous_cursor=None)
    has_next = (more and not backward) or (backward and values is not None)
    has_previous = (more and backward) or (not backward and values is not None)
    return KeysetPage(
        rows=rows,
        next_cursor=encode_cursor(FORWARD, _values(rows[-1], keys)) if has_next else None,
        previous_cursor=encode_cursor(BACKWARD, _values(rows[0], keys)) if has_previous else None,
    )


def _order_by(key: OrderKey, *, nulls_last: bool) -> OrderBy | str:
    if not key.nullable:
        # Plain terms, so the ordering matches an index's own (nulls first when descending).
        return f"-{key.name}" if key.descending else key.name
    nulls = {"nulls_last": True} if nulls_last else {"nulls_first": True}
    return F(key.name).desc(**nulls) if key.descending else F(key.name).asc(**nulls)


def _after(keys: Sequence[OrderKey], values: Sequence[Any], *, nulls_last: bool) -> Q:
    """Rows strictly after `values` in the order of `keys` (the last key is unique)."""
    terms: list[Q] = []
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        beyond = _beyond(key, value, nulls_last=nulls_last)
        if beyond is not None:
            terms.append(equal & beyond)
        equal &= Q(**{f"{key.name}__isnull": True}) if value is None else Q(**{key.name: value})
    condition = reduce(operator.or_, terms) if terms else Q(pk__in=[])
    first, value = keys[0], values[0]
    if value is not None and not first.nullable:
        # Implied by the terms, but said plainly it bounds the index scan of the first key.
        condition &= Q(**{f"{first.name}__{'lte' if first.descending else 'gte'}": value})
    return condition


def _beyond(key: OrderKey, value: Any, *, nulls_last: bool) -> Q | None:
    if value is None:
        return None if nulls_last else Q(**{f"{key.name}__isnull": False})
    beyond = Q(**{f"{key.name}__{'lt' if key.descending else 'gt'}": value})
    if key.nullable and nulls_last:
        beyond |= Q(**{f"{key.name}__isnull": True})
    return beyond


def _values(row: Model | dict, keys: Sequence[OrderKey]) -> list[Any]:
    if isinstance(row, dict):  # a `.values()` page
        return [row[key.name] for key in keys]
    return [getattr(row, key.name) for key in keys]


def encode_cursor(direction: str, values: Sequence[Any]) -> str:
    plain = [None if v is None else v.isoformat() if hasattr(v, "isoformat") else v for v in values]
    raw = json.dumps([direction, plain], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _same_shape(value: Any, field: Field) -> bool:
    """Whether a decoded value is what this key's cursors hold: a timestamp with its time
    zone (a naive one would be read in each worker's own zone), a finite number."""
    if isinstance(field, DateTimeField):
        return value is None or (isinstance(value, datetime) and timezone.is_aware(value))
    if isinstance(value, float):
        return math.isfinite(value)
    return True


def decode_cursor(cursor: str, keys: Sequence[OrderKey]) -> tuple[str, list[Any]]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        direction, plain = json.loads(raw)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as error:
        raise InvalidCursor("Invalid cursor.") from error
    if direction not in (FORWARD, BACKWARD) or not isinstance(plain, list):
        raise InvalidCursor("Invalid cursor.")
    if len(plain) != len(keys):
        raise InvalidCursor("Invalid cursor.")
    values = []
    for key, value in zip(keys, plain, strict=True):
        if value is None and not key.nullable:
            raise InvalidCursor("Invalid cursor.")
        if value is not None and not isinstance(value, str | int | float | bool):
            raise InvalidCursor("Invalid cursor.")
        if isinstance(value, str) and "\x00" in value:  # PostgreSQL refuses NUL in text
            raise InvalidCursor("Invalid cursor.")
        try:
            values.append(None if value is None else key.field.to_python(value))
        except (ValidationError, TypeError, ValueError, OverflowError) as error:
            raise InvalidCursor("Invalid cursor.") from error
        if not _same_shape(values[-1], key.field):
            raise InvalidCursor("Invalid cursor.")
        if values[-1] is not None and isinstance(values[-1], int) and abs(values[-1]) >= 2**63:
            raise InvalidCursor("Invalid cursor.")
    return direction, values
