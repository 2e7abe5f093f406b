from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse
from rest_framework import pagination
from rest_framework.exceptions import NotFound
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

from marketplace.selectors.keyset import InvalidCursor, KeysetPage, keyset_page, order_keys

BAD_CURSOR = OpenApiResponse(description="A `cursor` this list did not make (edited or stale).")


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class CursorPagination(pagination.CursorPagination):
    """Long lists that only grow, read newest first (the audit trail).

    No COUNT over the whole table on every page, and a page stays put while new rows
    arrive; `next` and `previous` carry an opaque cursor instead of a page number.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-created_at", "-id")


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
