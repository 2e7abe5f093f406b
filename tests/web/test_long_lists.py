"""Long lists on the web pages: page by page with "previous" and "next" links, and the
dashboard shows the newest few of each list with a link to all of them."""

import re

import pytest
from django.urls import reverse

from marketplace.models import MatchStatus
from marketplace.selectors.dashboards import DASHBOARD_ROWS
from marketplace.web.cursor import PAGE_SIZE
from tests import factories

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a rel="(prev|next)" href="([^"]+)"')


def _links(html: str) -> dict[str, str]:
    return {rel: href.replace("&amp;", "&") for rel, href in LINK.findall(html)}


def _walk(client, path: str, query: str = "") -> list[list[str]]:
    """The ids each page links to, following "next" to the end and "previous" back."""
    pages, url = [], f"{path}?{query}"
    while True:
        html = client.get(url).content.decode()
        pages.append(re.findall(r'href="/(?:needs|specialists|matches)/(\d+)/"', html))
        links = _links(html)
        if "next" not in links:
            break
        url = path + links["next"]
    back = [pages[-1]]
    while "prev" in links:
        html = client.get(path + links["prev"]).content.decode()
        back.append(re.findall(r'href="/(?:needs|specialists|matches)/(\d+)/"', html))
        links = _links(html)
    assert list(reversed(back)) == pages
    return pages


def test_needs_board_pages_through_every_need_once(web_client_for, coordinator):
    needs = factories.NeedFactory.create_batch(PAGE_SIZE + 3)
    pages = _walk(web_client_for(coordinator), reverse("web:need_list"))
    assert [len(page) for page in pages] == [PAGE_SIZE, 3]
    assert [int(pk) for page in pages for pk in page] == [n.pk for n in reversed(needs)]


def test_needs_board_keeps_its_filters_on_the_next_page(web_client_for, coordinator):
    skill = factories.SkillFactory()
    asking = factories.NeedFactory.create_batch(PAGE_SIZE + 1)
    for need in asking:
        factories.NeedSkillFactory(need=need, skill=skill)
    factories.NeedFactory.create_batch(3)
    pages = _walk(web_client_for(coordinator), reverse("web:need_list"), f"skill={skill.pk}")
    assert sorted(int(pk) for page in pages for pk in page) == sorted(n.pk for n in asking)


def test_specialist_directory_pages_by_name(web_client_for, coordinator):
    specialists = [
        factories.SpecialistFactory(user__name=f"Person {n:02d}") for n in range(PAGE_SIZE + 2)
    ]
    pages = _walk(web_client_for(coordinator), reverse("web:specialist_list"))
    assert [len(page) for page in pages] == [PAGE_SIZE, 2]
    assert [int(pk) for page in pages for pk in page] == [s.pk for s in specialists]


def test_a_broken_page_link_is_not_found(web_client_for, coordinator):
    response = web_client_for(coordinator).get(reverse("web:need_list"), {"cursor": "x"})
    assert response.status_code == 404


@pytest.fixture
def lent(lending_manager):
    """More of the agency's specialists lent out than the dashboard shows."""
    matches = []
    for _ in range(DASHBOARD_ROWS + 2):
        specialist = factories.SpecialistFactory(agency=lending_manager.agency)
        matches.append(factories.MatchFactory(specialist=specialist, status=MatchStatus.ACCEPTED))
    return matches


def test_manager_dashboard_shows_the_newest_lent_out_and_links_to_all(
    web_client_for, lending_manager, lent
):
    html = web_client_for(lending_manager).get(reverse("web:dashboard")).content.decode()
    shown = {int(pk) for pk in re.findall(r'href="/matches/(\d+)/"', html)}
    assert shown == {match.pk for match in lent[-DASHBOARD_ROWS:]}
    assert reverse("web:match_group", args=["lent-out"]) in html


def test_dashboard_without_more_rows_has_no_show_all_link(web_client_for, lending_manager):
    specialist = factories.SpecialistFactory(agency=lending_manager.agency)
    factories.MatchFactory(specialist=specialist, status=MatchStatus.ACCEPTED)
    html = web_client_for(lending_manager).get(reverse("web:dashboard")).content.decode()
    assert reverse("web:match_group", args=["lent-out"]) not in html


def test_show_all_lists_every_lent_out_match_page_by_page(web_client_for, lending_manager, lent):
    others = factories.MatchFactory.create_batch(2, status=MatchStatus.ACCEPTED)
    pages = _walk(web_client_for(lending_manager), reverse("web:match_group", args=["lent-out"]))
    listed = [int(pk) for page in pages for pk in page]
    assert listed == [match.pk for match in reversed(lent)]
    assert not {match.pk for match in others} & set(listed)


def test_manager_dashboard_queries_do_not_grow_with_the_lists(
    web_client_for, lending_manager, lent, django_assert_max_num_queries
):
    client = web_client_for(lending_manager)
    client.get(reverse("web:dashboard"))
    for _ in range(30):
        specialist = factories.SpecialistFactory(agency=lending_manager.agency)
        factories.MatchFactory(specialist=specialist, status=MatchStatus.APPROVED)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("web:dashboard")).status_code == 200


def test_a_specialist_cannot_open_a_managers_list(web_client_for, specialist):
    response = web_client_for(specialist.user).get(reverse("web:match_group", args=["lent-out"]))
    assert response.status_code == 403


def test_an_unknown_list_is_not_found(web_client_for, lending_manager):
    response = web_client_for(lending_manager).get(reverse("web:match_group", args=["nothing"]))
    assert response.status_code == 404


def test_specialist_sees_own_engagements_in_full(web_client_for, specialist):
    engagements = factories.MatchFactory.create_batch(
        DASHBOARD_ROWS + 1, specialist=specialist, status=MatchStatus.COMPLETED
    )
    client = web_client_for(specialist.user)
    html = client.get(reverse("web:dashboard")).content.decode()
    assert reverse("web:match_group", args=["engagements"]) in html
    pages = _walk(client, reverse("web:match_group", args=["engagements"]))
    assert sorted(int(pk) for page in pages for pk in page) == sorted(m.pk for m in engagements)
