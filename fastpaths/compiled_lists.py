"""The long lists (needs, specialists) read each page by SQL compiled once per shape.

Building and compiling a page's query took most of a list request's Python time (2.3 ms
of the needs board's, 5.5 ms of the specialist search's). Here each request still
validates its filters, ordering and cursor exactly as before; the query is built from the
selectors and filter sets only the first time a shape is seen: which filters are given,
the ordering, the cursor's direction and the page size (see fastpaths.compiled_queries).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django_filters import utils as filter_utils
from django_filters.constants import EMPTY_VALUES
from rest_framework import generics, pagination
from rest_framework.exceptions import NotFound
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from fastpaths.compiled_queries import CompiledQuery, user_shape
from fastpaths.json_renderer import raw_json
from fastpaths.keyset import (
    FORWARD,
    InvalidCursor,
    KeysetPage,
    OrderKey,
    decode_cursor,
    keyset_page,
    keyset_query,
    keyset_result,
    order_keys,
)

# The most recently used orderings each list keeps the keys of (see CompiledQuery).
MAX_ORDERINGS = 256
_FILTER = "filter_"  # the compiled query's keywords for filter values, apart from its own


class KeysetPagination(pagination.CursorPagination):
    """Long lists in any of their orderings (needs, specialists): pages by cursor.

    Unlike DRF's cursor, which keys on the first ordering field and counts its ties with
    an offset, the cursor holds every ordering value of the last row and the primary key:
    ordering by a column with few distinct values (status, region) pages as fast and as
    exactly as ordering by id. No COUNT either; `next` and `previous` are links.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_cursor_message = "Invalid cursor."

    def paginate_queryset(self, queryset: QuerySet, request: Request, view=None) -> list:
        self.start(request)
        ordering = self.requested_ordering(request, queryset, view)
        if hasattr(view, "keyset_ordering"):
            ordering = view.keyset_ordering(queryset, ordering)
        keys = order_keys(queryset, ordering)
        try:
            page = keyset_page(
                queryset, keys=keys, cursor=self.requested_cursor(request), size=self.page_size
            )
        except InvalidCursor as error:
            raise self.invalid_cursor() from error
        return self.show(page)

    def start(self, request: Request) -> None:
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()

    def requested_cursor(self, request: Request) -> str | None:
        return request.query_params.get(self.cursor_query_param) or None

    def invalid_cursor(self) -> NotFound:
        return NotFound(self.invalid_cursor_message)

    def requested_ordering(self, request: Request, queryset: QuerySet, view) -> list[str]:
        return self._ordering(request, queryset, view)

    def show(self, page: KeysetPage) -> list:
        """The page this paginator answers with, and its links."""
        self.keyset = page
        self.page = page.rows
        if page.next_cursor or page.previous_cursor:
            self.display_page_controls = True
        return self.page

    def _ordering(self, request: Request, queryset: QuerySet, view) -> list[str]:
        for backend in getattr(view, "filter_backends", ()):
            if issubclass(backend, OrderingFilter):
                ordering = backend().get_ordering(request, queryset, view)
                if ordering:
                    return list(ordering)
        return list(getattr(view, "ordering", None) or queryset.model._meta.ordering or ["pk"])

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        return replace_query_param(self.base_url, self.cursor_query_param, cursor)

    def get_next_link(self) -> str | None:
        return self._link(self.keyset.next_cursor)

    def get_previous_link(self) -> str | None:
        return self._link(self.keyset.previous_cursor)


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
    def list_queryset(cls, *, user: AbstractBaseUser) -> QuerySet:
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
    def _filtered(cls, *, user: AbstractBaseUser, filters: dict[str, Any]) -> QuerySet:
        queryset = cls.list_queryset(user=user)
        filterset = cls.filterset_class(queryset=queryset)
        filterset.form.cleaned_data = filters
        return filterset.filter_queryset(queryset)

    @classmethod
    def _row_names(cls, keys: Sequence[OrderKey]) -> tuple[str, ...]:
        return (*cls.list_columns, *(k.name for k in keys if k.name not in cls.list_columns))

    def _keys(
        self, *, user: AbstractBaseUser, filters: dict[str, Any], ordering: list[str]
    ) -> list[OrderKey]:
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
        cls, *, user: AbstractBaseUser, shape: tuple, cursor: list | None = None, **arguments: Any
    ) -> QuerySet:
        ordering, direction, size = shape
        filters = {name.removeprefix(_FILTER): value for name, value in arguments.items()}
        queryset = cls._filtered(user=user, filters=filters)
        keys = order_keys(queryset, cls.keyset_ordering(queryset, ordering))
        page = keyset_query(queryset, keys=keys, direction=direction, values=cursor, size=size)
        return page.values_list(*cls._row_names(keys))
