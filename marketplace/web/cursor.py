"""Pages of the long lists (needs board, specialist directory, a dashboard list in full) by
cursor: "previous" and "next" links and no count, like the API's."""

from collections.abc import Sequence

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.errors import NotFound
from fastpaths.keyset import InvalidCursor, KeysetPage, keyset_page, order_keys

PAGE_SIZE = 25


def web_keyset_page(
    request: HttpRequest, queryset: QuerySet, *, ordering: Sequence[str], size: int = PAGE_SIZE
) -> KeysetPage:
    try:
        return keyset_page(
            queryset,
            keys=order_keys(queryset, ordering),
            cursor=request.GET.get("cursor") or None,
            size=size,
        )
    except InvalidCursor as error:
        raise NotFound(_("No such page.")) from error


def query_without_cursor(request: HttpRequest) -> str:
    """The filters of the current page, for the page links to carry on."""
    query = request.GET.copy()
    query.pop("cursor", None)
    query.pop("page", None)
    return query.urlencode()
