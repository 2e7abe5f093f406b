from drf_spectacular.utils import OpenApiResponse
from rest_framework import pagination

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
