"""The long lists (needs, specialists) read each page by SQL compiled once per shape.

Building and compiling a page's query took most of a list request's Python time (2.3 ms
of the needs board's, 5.5 ms of the specialist search's). Here each request still
validates its filters, ordering and cursor exactly as before; the query is built from the
selectors and filter sets only the first time a shape is seen: which filters are given,
the ordering, the cursor's direction and the page size (see accounts.compiled_queries).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, ClassVar

from django.db.models import QuerySet
from django_filters import utils as filter_utils
from django_filters.constants import EMPTY_VALUES
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.compiled_queries import CompiledQuery, user_shape
from accounts.models import User
from marketplace.api.pagination import KeysetPagination
from marketplace.api.renderers import raw_json
from marketplace.selectors.keyset import (
    FORWARD,
    InvalidCursor,
    OrderKey,
    decode_cursor,
    keyset_query,
    keyset_result,
    order_keys,
)

# The most recently used orderings each list keeps the keys of (see CompiledQuery).
MAX_ORDERINGS = 256
_FILTER = "filter_"  # the compiled query's keywords for filter values, apart from its own


class CompiledKeysetListView(generics.ListAPIView):
    """A list with a filter set, an ordering and keyset pages, compiled once per shape.

    Subclasses give `list_queryset` (the visible rows with what the list shows annotated),
    `list_columns` (what a page row holds), may adjust the ordering (`keyset_ordering`,
    which KeysetPagination also asks) and name the row values that are JSON text the
    database wrote (`raw_json_columns`, output name: column), which go out unparsed.
    """

    pagination_class = KeysetPagination
    list_columns: ClassVar[tuple[str, ...]]
    raw_json_columns: ClassVar[dict[str, str]] = {}
    _page_query: ClassVar[CompiledQuery]
    _order_keys: ClassVar[OrderedDict[tuple, list[OrderKey]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._page_query = CompiledQuery(cls._page_queryset)
        cls._order_keys = OrderedDict()

    @classmethod
    def list_queryset(cls, *, user: User) -> QuerySet:
        raise NotImplementedError

    @classmethod
    def keyset_ordering(cls, queryset: QuerySet, ordering: Sequence[str]) -> list[str]:
        return list(ordering)

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return self.filterset_class._meta.model.objects.none()
        return self.list_queryset(user=self.request.user).values(*self.list_columns)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        filterset = self.filterset_class(
            data=request.query_params, queryset=self._model().objects.none(), request=request
        )
        if not filterset.is_valid():
            raise filter_utils.translate_validation(filterset.errors)
        filters = {
            name: value
            for name, value in filterset.form.cleaned_data.items()
            if value not in EMPTY_VALUES
        }
        paginator: KeysetPagination = self.paginator
        paginator.start(request)
        ordering = paginator.requested_ordering(request, self._model().objects.none(), self)
        keys = self._keys(user=request.user, filters=filters, ordering=ordering)
        cursor = paginator.requested_cursor(request)
        try:
            direction, values = decode_cursor(cursor, keys) if cursor else (FORWARD, None)
        except InvalidCursor as error:
            raise paginator.invalid_cursor() from error
        if values is not None and any(value is None for value in values):
            # A cursor at an empty (null) ordering value filters by IS NULL, another shape
            # for each such key: rare enough to read through the ORM.
            return super().list(request, *args, **kwargs)
        names = self._row_names(keys)
        shape = (tuple(ordering), direction, paginator.page_size)
        arguments = {f"{_FILTER}{name}": value for name, value in filters.items()}
        if values is not None:
            arguments["cursor"] = list(values)
        rows = [
            dict(zip(names, row, strict=True))
            for row in self._page_query.rows(shape=shape, user=request.user, **arguments)
        ]
        page = keyset_result(
            rows, keys=keys, direction=direction, values=values, size=paginator.page_size
        )
        rows = self.paginate_rows(paginator.show(page))
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def paginate_rows(self, rows: list[dict]) -> list[dict]:
        """A page's rows as the serializer reads them."""
        for row in rows:
            for name, column in self.raw_json_columns.items():
                row[name] = raw_json(row[column])
        return rows

    def paginate_queryset(self, queryset: QuerySet) -> list[dict]:
        # The ORM path, for the cursors the compiled one leaves to it.
        return self.paginate_rows(super().paginate_queryset(queryset))

    @classmethod
    def _model(cls) -> type:
        return cls.filterset_class._meta.model

    @classmethod
    def _filtered(cls, *, user: User, filters: dict[str, Any]) -> QuerySet:
        queryset = cls.list_queryset(user=user)
        filterset = cls.filterset_class(queryset=queryset)
        filterset.form.cleaned_data = filters
        return filterset.filter_queryset(queryset)

    @classmethod
    def _row_names(cls, keys: Sequence[OrderKey]) -> tuple[str, ...]:
        return (*cls.list_columns, *(k.name for k in keys if k.name not in cls.list_columns))

    def _keys(self, *, user: User, filters: dict[str, Any], ordering: list[str]) -> list[OrderKey]:
        """The ordering's keys, which hang on which filters are given (a skill filter
        orders the board by the requirement's own column), not on their values."""
        shape = (tuple(ordering), tuple(sorted(filters)), *user_shape(user))
        keys = self._order_keys.get(shape)
        if keys is None:
            queryset = self._filtered(user=user, filters=filters)
            keys = self._order_keys[shape] = order_keys(
                queryset, self.keyset_ordering(queryset, ordering)
            )
            if len(self._order_keys) > MAX_ORDERINGS:
                self._order_keys.popitem(last=False)
        else:
            self._order_keys.move_to_end(shape)
        return keys

    @classmethod
    def _page_queryset(
        cls, *, user: User, shape: tuple, cursor: list | None = None, **arguments: Any
    ) -> QuerySet:
        ordering, direction, size = shape
        filters = {name.removeprefix(_FILTER): value for name, value in arguments.items()}
        queryset = cls._filtered(user=user, filters=filters)
        keys = order_keys(queryset, cls.keyset_ordering(queryset, ordering))
        page = keyset_query(queryset, keys=keys, direction=direction, values=cursor, size=size)
        return page.values_list(*cls._row_names(keys))
