"""A parent's child rows (a need's skills, a specialist's skill levels) read inside the
parent's own query, as one JSON array per parent row.

A list page then costs one query instead of a query for the page and another for its
children; the database builds the arrays from the child table's index on the parent key.
"""

from collections.abc import Sequence
from typing import Any

from django.db.models import (
    Aggregate,
    BooleanField,
    Expression,
    F,
    JSONField,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.functions import Cast, JSONArray


class JSONArrayAgg(Aggregate):
    """The group's values as one JSON array (PostgreSQL `JSONB_AGG`, SQLite
    `JSON_GROUP_ARRAY`), in no particular order; NULL for an empty group."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


class ChildRows(Expression):
    """All of a parent's children's `columns` as a JSON array of arrays (NULL for none on
    PostgreSQL, `[]` on SQLite), written as SQL directly.

    The same SQL as the subquery `child_rows` builds for a filtered child queryset, for
    less: building and compiling a needs-board page's query took 1.1 ms instead of 1.7,
    and a list builds it on every request.
    """

    output_field = JSONField()
    _ALIAS = "child_rows"  # the children's table inside the subquery, apart from the outer

    def __init__(self, model: type[Model], *, parent: str, columns: Sequence[str]) -> None:
        super().__init__()
        self.model = model
        self.parent = parent
        self.columns = tuple(columns)
        self.key: Any = F("pk")

    def get_source_expressions(self) -> list:
        return [self.key]

    def set_source_expressions(self, exprs: list) -> None:
        (self.key,) = exprs

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        resolved = self.copy()
        resolved.key = self.key.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return resolved

    def _parts(self, compiler, connection) -> tuple[str, str, list]:
        quote = connection.ops.quote_name
        meta = self.model._meta
        values = ", ".join(
            f"{quote(self._ALIAS)}.{quote(meta.get_field(name).column)}" for name in self.columns
        )
        key_sql, key_params = compiler.compile(self.key)
        source = (
            f"FROM {quote(meta.db_table)} {quote(self._ALIAS)} "
            f"WHERE {quote(self._ALIAS)}.{quote(meta.get_field(self.parent).column)} = {key_sql}"
        )
        return values, source, list(key_params)

    def as_sql(self, compiler, connection, **extra_context):
        values, source, params = self._parts(compiler, connection)
        return f"(SELECT JSONB_AGG(JSONB_BUILD_ARRAY({values})) {source})", params

    def as_sqlite(self, compiler, connection, **extra_context):
        values, source, params = self._parts(compiler, connection)
        return f"(SELECT JSON_GROUP_ARRAY(JSON_ARRAY({values})) {source})", params


class ChildObjectsJSON(ChildRows):
    """All of a parent's children as the JSON text of an array of objects, `fields`
    (output key: child field) in the order of `order_by` (fields, `-` for descending);
    `[]` for none. An API list passes it on to its client as it is (`raw_json`): the
    database writes it, and no Python parses and writes it again.
    """

    output_field = TextField()

    def __init__(
        self,
        model: type[Model],
        *,
        parent: str,
        fields: dict[str, str],
        order_by: Sequence[str],
    ) -> None:
        if not all(key.isidentifier() for key in fields):
            raise ValueError("output keys are written into the SQL: identifiers only")
        super().__init__(model, parent=parent, columns=tuple(fields.values()))
        self.keys = tuple(fields)
        self.order_by = tuple(order_by)

    def _column(self, connection, name: str) -> str:
        quote = connection.ops.quote_name
        return f"{quote(self._ALIAS)}.{quote(self.model._meta.get_field(name).column)}"

    def _ordering(self, connection) -> str:
        return ", ".join(
            f"{self._column(connection, name.lstrip('-'))}{' DESC' if name[0] == '-' else ''}"
            for name in self.order_by
        )

    def as_sql(self, compiler, connection, **extra_context):
        _values, source, params = self._parts(compiler, connection)
        # Written compactly, keys in the order given, as the renderer writes the rest.
        members = " || ',' || ".join(
            f"""'"{key}":' || TO_JSON({self._column(connection, name)})::text"""
            for key, name in zip(self.keys, self.columns, strict=True)
        )
        ordering = self._ordering(connection)
        objects = f"STRING_AGG('{{' || {members} || '}}', ',' ORDER BY {ordering})"
        return f"'[' || COALESCE((SELECT {objects} {source}), '') || ']'", params

    def as_sqlite(self, compiler, connection, **extra_context):
        _values, source, params = self._parts(compiler, connection)
        pairs = ", ".join(
            f"'{key}', {self._sqlite_value(connection, name)}"
            for key, name in zip(self.keys, self.columns, strict=True)
        )
        # SQLite before 3.44 has no ORDER BY inside an aggregate; it aggregates the rows
        # of an ordered subquery in their order.
        return (
            f"(SELECT JSON_GROUP_ARRAY(JSON(child_object)) FROM (SELECT JSON_OBJECT({pairs}) "
            f"AS child_object {source} ORDER BY {self._ordering(connection)}))",
            params,
        )

    def _sqlite_value(self, connection, name: str) -> str:
        column = self._column(connection, name)
        if isinstance(self.model._meta.get_field(name), BooleanField):
            # SQLite keeps booleans as 0 and 1.
            return f"JSON(CASE WHEN {column} THEN 'true' ELSE 'false' END)"
        return column


def json_text(field: str) -> Cast:
    """A JSON column as its JSON text, for the API to pass on without parsing."""
    return Cast(field, output_field=TextField())


def child_rows(children: QuerySet, *, parent: str, columns: Sequence[str]) -> Subquery | ChildRows:
    """Per parent row, its children's `columns` as a JSON array of arrays (NULL for none).

    `parent` is the children's foreign key to the parent (`need`, `specialist`). All of
    a parent's children (an unfiltered queryset) come as `ChildRows`; some of them, as a
    subquery of the filtered queryset.
    """
    if not children.query.where:
        return ChildRows(children.model, parent=parent, columns=columns)
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
