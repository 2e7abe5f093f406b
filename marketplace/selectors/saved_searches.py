"""Reads of saved searches: a person's own, and what each one finds for its owner."""

from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import QueryDict

from accounts.models import User
from marketplace.models import NeedStatus, SavedSearch, SavedSearchKind
from marketplace.permissions import saved_search_visibility
from marketplace.selectors.filtering import ListFilterSet
from marketplace.selectors.needs import need_list
from marketplace.selectors.searches import NeedFilter, SpecialistFilter
from marketplace.selectors.specialists import specialist_list

SEARCH_FILTERS: dict[str, type[ListFilterSet]] = {
    SavedSearchKind.DIRECTORY: SpecialistFilter,
    SavedSearchKind.NEEDS_BOARD: NeedFilter,
}
# Pages that show a search's results, with its criteria as their query.
SEARCH_PAGES = {SavedSearchKind.DIRECTORY: "/specialists/", SavedSearchKind.NEEDS_BOARD: "/needs/"}


def saved_search_list(*, user: User) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(saved_search_visibility(user)).order_by("-created_at", "-id")


def criteria_query(criteria: dict[str, str]) -> QueryDict:
    return QueryDict(urlencode(criteria))


def saved_search_results(search: SavedSearch) -> QuerySet:
    """What the search finds for its owner now: exactly what they would find on the page.

    Board searches watch open needs: what is filled, closed or cancelled is no news.
    """
    if search.kind == SavedSearchKind.DIRECTORY:
        visible = specialist_list(user=search.owner)
    else:
        visible = need_list(user=search.owner).filter(status=NeedStatus.OPEN)
    found = SEARCH_FILTERS[search.kind](criteria_query(search.criteria), queryset=visible)
    if not found.is_valid():
        return visible.none()
    return found.qs


def saved_search_page(search: SavedSearch) -> str:
    """The web page of the search's results."""
    query = urlencode(search.criteria)
    return f"{SEARCH_PAGES[search.kind]}?{query}" if query else SEARCH_PAGES[search.kind]
