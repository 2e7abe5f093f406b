"""A parent's child rows (a need's skills, a specialist's skill levels) read inside the
parent's own query, as one JSON array per parent row.

A list page then costs one query instead of a query for the page and another for its
children; the database builds the arrays from the child table's index on the parent key.
"""

from collections.abc import Sequence
from typing import Any

from django.db.models import Aggregate, JSONField, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONArray


class JSONArrayAgg(Aggregate):
    """The group's values as one JSON array (PostgreSQL `JSONB_AGG`, SQLite
    `JSON_GROUP_ARRAY`), in no particular order; NULL for an empty group."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def child_rows(children: QuerySet, *, parent: str, columns: Sequence[str]) -> Subquery:
    """Per parent row, its children's `columns` as a JSON array of arrays (NULL for none).

    `parent` is the children's foreign key to the parent (`need`, `specialist`).
    """
    rows = (
        children.filter(**{parent: OuterRef("pk")})
        .order_by()
        .values(parent)
        .annotate(rows=JSONArrayAgg(JSONArray(*columns)))
        .values("rows")
    )
    return Subquery(rows, output_field=JSONField())


def decoded_rows(value: Any) -> list[list[Any]]:
    """The arrays of `child_rows` as Python lists; no children is an empty list."""
    return value or []
