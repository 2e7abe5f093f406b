"""Insert many new rows at once: PostgreSQL's COPY where it runs, `bulk_create` elsewhere.

A matching run writes thousands of proposals and as many audit events in one
transaction. Django's `bulk_create` on PostgreSQL sends them as arrays to UNNEST, and
quoting every JSON value inside those arrays costs seconds at 10,000 rows; COPY streams
the rows as they are. COPY returns no ids, so the ids are drawn from the table's own
sequence first, then copied with the rows: the objects come back with their `pk` set,
as `bulk_create` would leave them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models

ModelT = TypeVar("ModelT", bound=models.Model)


def bulk_insert(model: type[ModelT], objects: Sequence[ModelT]) -> list[ModelT]:
    """Insert unsaved `objects` of `model`, setting their primary keys; returns them."""
    objects = list(objects)
    if not objects:
        return objects
    # The connection itself, not the `django.db.connection` proxy: the loop below asks
    # it for every field of every row.
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objects, batch_size=1000)
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.generated]
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row(
                    [
                        field.get_db_prep_save(field.pre_save(obj, add=True), connection)
                        for field in fields
                    ]
                )
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects
