"""Read queries compiled to SQL once per process and shape, then run with each call's values.

The rule this imposes on the builders it wraps, and the guard that checks it, are in the
package's docstring (`fastpaths`).

Building and compiling a queryset costs the ORM about a millisecond of Python, several
times what PostgreSQL takes to answer the small indexed reads every page makes (a
dashboard's previews, the header's unread count). A `CompiledQuery` builds its queryset
from stand-in values the first time a shape is asked for, keeps the SQL and where each
value goes among its parameters, and from then on sends that SQL with the call's values;
Django still converts the rows as the queryset would.

A shape is what changes the SQL text rather than a parameter: which values are None,
booleans, the length of a list, and for a user what the permission rules branch on
(`USER_SHAPE`). Each shape
is compiled twice, from two different sets of stand-ins, and both must give the same SQL
with the stand-ins in the same places, or it raises: a value that changes the SQL, or
that the queryset changes on its way to a parameter, cannot be reused.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Model, QuerySet
from django.db.models.query import ValuesListIterable

# What the permission rules read of a user besides the ids they compare with: a query
# built from the rules is the same SQL for every user who agrees on these.
USER_SHAPE = ("role", "is_superuser")
USER_IDS = ("pk", "agency_id")


class CompiledQueryMismatch(AssertionError):
    """A compiled query sent other SQL or values than the ORM builds for the same call:
    its builder breaks the rule of the `fastpaths` package."""


def user_shape(user: AbstractBaseUser | UserStandIn) -> tuple[Hashable, ...]:
    """What of a user decides the SQL a permission rule gives: role, superuser, and which
    ids are missing (an agency-less user compares with NULL)."""
    return (
        *(getattr(user, part) for part in USER_SHAPE),
        *(getattr(user, part) is None for part in USER_IDS),
    )


class UserStandIn:
    """A user as far as the permission rules see one, with stand-in ids.

    It has the role, the superuser flag, the ids and the properties the user model itself
    defines (`is_manager`, say), which read those. Anything else a rule might read of a
    user is missing (AttributeError), so a rule that comes to depend on more fails when
    its query is compiled, not silently.
    """

    __slots__ = ("agency_id", "is_superuser", "pk", "role")

    def __init__(self, *, pk: int, agency_id: int | None, role: str, is_superuser: bool):
        self.pk = pk
        self.agency_id = agency_id
        self.role = role
        self.is_superuser = is_superuser

    @property
    def id(self) -> int:
        return self.pk


@functools.cache
def _stand_in_type(user_type: type) -> type[UserStandIn]:
    if issubclass(user_type, UserStandIn):
        return user_type
    own_properties = {
        name: value for name, value in vars(user_type).items() if isinstance(value, property)
    }
    return type(f"{user_type.__name__}StandIn", (UserStandIn,), {"__slots__": (), **own_properties})


def _is_user(value: Any) -> bool:
    return isinstance(value, AbstractBaseUser | UserStandIn)


# Within a small integer column's range: Django answers a lookup beyond it without SQL.
_INT_BASE = (31_000, 31_500)
_DATE_BASE = (dt.date(1901, 1, 1), dt.date(1951, 1, 1))
_STAND_INS_PER_QUERY = 400


def _stand_in(value: Any, *, round_: int, index: int) -> Any:
    if index >= _STAND_INS_PER_QUERY:
        raise ValueError("a compiled query takes at most 400 values")
    if isinstance(value, bool):
        raise TypeError("booleans are part of the shape")
    if isinstance(value, int):
        return _INT_BASE[round_] + index
    if isinstance(value, Decimal):
        return Decimal(_INT_BASE[round_] + index)
    if isinstance(value, dt.datetime):
        moment = dt.datetime.combine(_DATE_BASE[round_], dt.time(), value.tzinfo)
        return moment + dt.timedelta(seconds=index)
    if isinstance(value, dt.date):
        return _DATE_BASE[round_] + dt.timedelta(days=index)
    if isinstance(value, str):
        return f"\u2063stand-in {round_}.{index}"
    raise TypeError(f"a compiled query cannot take {type(value).__name__} values")


def _forms(connection: Any) -> tuple[Callable[[Any], Any], ...]:
    """How a value may reach the parameters: as it is, as the database backend adapts a
    date or a moment (ISO text on SQLite), or a number as its integer part (as Django
    compares a number with an integer column)."""
    ops = connection.ops

    def as_is(value: Any) -> Any:
        return value

    def adapted(value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return ops.adapt_datetimefield_value(value)
        if isinstance(value, dt.date):
            return ops.adapt_datefield_value(value)
        return value

    def integral(value: Any) -> Any:
        return int(value) if isinstance(value, Decimal) else value

    return as_is, adapted, integral


def _typed_forms(param: Any) -> tuple[Callable[[Any], Any], ...]:
    """A parameter of a typed integer wrapper (psycopg's Int2, which a lookup may use to
    match a small integer column's index): each value wrapped the same way."""
    wrapper = type(param)
    if not isinstance(param, int) or wrapper in (int, bool):
        return ()

    def wrapped(value: Any) -> Any:
        return wrapper(int(value)) if isinstance(value, int | Decimal) else value

    return (wrapped,)


def _same(param: Any, value: Any) -> bool:
    return type(param) is type(value) and param == value


@dataclass(frozen=True)
class _Call:
    """One call's values, split into what shapes the SQL and what fills its parameters."""

    shape: tuple[Hashable, ...]
    slots: dict[str, Any]  # "name" or "name.attribute" -> the value sent as a parameter

    @classmethod
    def of(cls, values: dict[str, Any]) -> _Call:
        shape: list[Hashable] = []
        slots: dict[str, Any] = {}
        for name in sorted(values):
            value = values[name]
            if _is_user(value):
                shape.append((name, *user_shape(value)))
                for part in USER_IDS:
                    if getattr(value, part) is not None:
                        slots[f"{name}.{part}"] = getattr(value, part)
            elif value is None or isinstance(value, bool):
                shape.append((name, value))
            elif isinstance(value, list | tuple):
                shape.append((name, list, len(value)))
                slots.update({f"{name}[{index}]": item for index, item in enumerate(value)})
            else:
                shape.append((name, type(value)))
                slots[name] = value
        return cls(shape=tuple(shape), slots=slots)

    def stand_in_values(self, values: dict[str, Any], *, round_: int) -> tuple[dict, dict]:
        """The values to build the queryset from, and the stand-in put in each slot."""
        stand_ins = {
            slot: _stand_in(value, round_=round_, index=index)
            for index, (slot, value) in enumerate(self.slots.items())
        }
        built: dict[str, Any] = {}
        for name, value in values.items():
            if _is_user(value):
                built[name] = _stand_in_type(type(value))(
                    pk=stand_ins.get(f"{name}.pk"),
                    agency_id=stand_ins.get(f"{name}.agency_id"),
                    role=value.role,
                    is_superuser=value.is_superuser,
                )
            elif isinstance(value, list | tuple):
                built[name] = [stand_ins[f"{name}[{index}]"] for index in range(len(value))]
            else:
                built[name] = stand_ins.get(name, value)
        return built, stand_ins


@dataclass(frozen=True)
class _Compiled:
    sql: str | None  # None: the queryset can match nothing, so no SQL is sent
    params: tuple[Any, ...]
    slot_positions: tuple[tuple[int, str, Callable[[Any], Any]], ...]
    using: str
    compiler: Any  # the compiled queryset's: converts the rows as the ORM would

    def params_for(self, slots: dict[str, Any]) -> list[Any]:
        params = list(self.params)
        for position, slot, form in self.slot_positions:
            params[position] = form(slots[slot])
        return params

    def rows(self, slots: dict[str, Any]) -> list[tuple]:
        if self.sql is None:
            return []
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, self.params_for(slots))
            fetched = cursor.fetchall()
        return list(self.compiler.results_iter(results=[fetched], tuple_expected=True))


class CompiledQuery:
    """A `values_list` queryset that `build` makes from keyword values, compiled per shape.

    `build` takes the same keywords as `rows`: ints, strings and dates become parameters,
    and so do the items of a list; a user is seen through `UserStandIn`; None and
    booleans choose the shape.

    It keeps the `max_shapes` most recently used shapes: a list's query string can ask
    for more shapes (orderings, page sizes) than a worker should hold.
    """

    def __init__(self, build: Callable[..., QuerySet], *, max_shapes: int = 256) -> None:
        self._build = build
        self._compiled: OrderedDict[tuple, _Compiled] = OrderedDict()
        self._max_shapes = max_shapes

    def rows(self, *, shape: Hashable = None, **values: Any) -> list[tuple]:
        """The rows the queryset `build(**values)` gives, as its `values_list` tuples.

        A `shape` (any hashable, such as an ordering) is passed on to `build` as it is and
        compiled apart from the others.
        """
        call = _Call.of(values)
        key = (shape, call.shape)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(call, values, shape)
            if len(self._compiled) > self._max_shapes:
                self._compiled.popitem(last=False)
        else:
            self._compiled.move_to_end(key)
        if settings.FASTPATHS_GUARD:
            self._check(compiled, call, values, shape)
        return compiled.rows(call.slots)

    def value(self, *, default: Any = None, shape: Hashable = None, **values: Any) -> Any:
        """The first column of the first row (a count, say), or `default` without rows."""
        rows = self.rows(shape=shape, **values)
        return rows[0][0] if rows else default

    def _check(
        self, compiled: _Compiled, call: _Call, values: dict[str, Any], shape: Hashable
    ) -> None:
        """Raise CompiledQueryMismatch unless the ORM, given this call's own values, builds
        the SQL and parameters the compiled query sends."""
        built = dict(values) if shape is None else {**values, "shape": shape}
        sql, params = _as_sql(self._build(**built))
        sent = compiled.params_for(call.slots) if compiled.sql is not None else []
        if sql != compiled.sql or not _same_params(params, sent):
            raise CompiledQueryMismatch(
                f"{_builder_name(self._build)} builds other SQL from this call's values than "
                f"the query compiled for its shape: a builder may decide its SQL only from "
                f"None values, booleans, list lengths, a user's role and the shape, and must "
                f"pass every other value on unchanged, reading no clock (see fastpaths).\n"
                f"ORM: {sql} {list(params)}\ncompiled: {compiled.sql} {sent}"
            )

    def _compile(self, call: _Call, values: dict[str, Any], shape: Hashable) -> _Compiled:
        rounds = []
        for round_ in (0, 1):
            built, stand_ins = call.stand_in_values(values, round_=round_)
            if shape is not None:
                built["shape"] = shape
            queryset = self._build(**built)
            if queryset._iterable_class is not ValuesListIterable:
                raise TypeError("a compiled query is a values_list() queryset (not flat, named)")
            compiler = queryset.query.get_compiler(using=queryset.db)
            sql, params = _compiled_sql(compiler)
            rounds.append((sql, tuple(params), stand_ins, queryset, compiler))
        (sql, params, stand_ins, queryset, compiler), (other_sql, other_params, other_ins, *_) = (
            rounds
        )
        if sql != other_sql or len(params) != len(other_params):
            raise ValueError("the SQL depends on a value that is not part of the shape")
        forms = _forms(connections[queryset.db])
        slot_positions = []
        for position, (first, second) in enumerate(zip(params, other_params, strict=True)):
            placed = next(
                (
                    (slot, form)
                    for slot, stand_in in stand_ins.items()
                    for form in (*forms, *_typed_forms(first))
                    if _same(first, form(stand_in)) and _same(second, form(other_ins[slot]))
                ),
                None,
            )
            if placed is not None:
                slot_positions.append((position, *placed))
            elif first != second:
                raise ValueError(f"parameter {position} is a value changed on its way to SQL")
        return _Compiled(
            sql=sql,
            params=params,
            slot_positions=tuple(slot_positions),
            using=queryset.db,
            compiler=compiler,
        )


def _compiled_sql(compiler: Any) -> tuple[str | None, tuple[Any, ...]]:
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None, ()
    return sql, tuple(params)


def _as_sql(queryset: QuerySet) -> tuple[str | None, tuple[Any, ...]]:
    return _compiled_sql(queryset.query.get_compiler(using=queryset.db))


def _same_params(built: Sequence[Any], sent: Sequence[Any]) -> bool:
    return len(built) == len(sent) and all(
        _same(one, other) or (type(one) is not type(other) and one == other and _numeric(one))
        for one, other in zip(built, sent, strict=True)
    )


def _numeric(value: Any) -> bool:
    # psycopg's typed integers (Int2) and plain ints are the same value to the database.
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def _builder_name(build: Callable[..., Any]) -> str:
    return getattr(build, "__qualname__", repr(build))


def counted(queryset: QuerySet, *, by: str) -> QuerySet:
    """How many rows the queryset holds, as a compiled query's single value: grouped by a
    column all its rows share (`by`), since `aggregate()` gives no queryset to compile. No
    rows give no group, so read it with `CompiledQuery.value(default=0)`."""
    return queryset.order_by().values(by).annotate(n=Count("*")).values_list("n")


@functools.cache
def model_columns(model: type[Model]) -> tuple[str, ...]:
    """The columns `instance_of` builds a `model` from, to begin a compiled `values_list`."""
    return tuple(field.attname for field in model._meta.concrete_fields)


def instance_of(model: type[Model], row: tuple, *, using: str = "default") -> Model:
    """A model instance from a row that begins with `model_columns(model)`, as the ORM
    builds one (`Model.from_db`); the row's further values are left to the caller."""
    columns = model_columns(model)
    return model.from_db(using, columns, row[: len(columns)])
