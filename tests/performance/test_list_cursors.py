"""The needs and specialists lists page by cursor in every ordering they offer.

No count of the whole list, `next` and `previous` links, every row exactly once however
many rows share a value of the ordering, and pages that stay put while rows arrive.
"""

import pytest

from marketplace.models import NeedStatus, Region
from tests import factories

pytestmark = pytest.mark.django_db

NEEDS = "/api/v1/needs/"
SPECIALISTS = "/api/v1/specialists/"


def _walk(client, url: str, params: dict) -> list[dict]:
    """Every row, following `next` from the first page to the last."""
    rows: list[dict] = []
    data = client.get(url, params).json()
    while True:
        rows.extend(data["results"])
        if not data["next"]:
            return rows
        data = client.get(data["next"]).json()


def _walk_back(client, url: str, params: dict) -> list[dict]:
    """Every row, from the last page back to the first by `previous`."""
    data = client.get(url, params).json()
    while data["next"]:
        data = client.get(data["next"]).json()
    pages = [data["results"]]
    while data["previous"]:
        data = client.get(data["previous"]).json()
        pages.append(data["results"])
    return [row for page in reversed(pages) for row in page]


@pytest.fixture
def needs(db):
    agency = factories.AgencyFactory()
    statuses = [NeedStatus.OPEN] * 5 + [NeedStatus.FILLED] * 3 + [NeedStatus.CLOSED] * 2
    return [factories.NeedFactory(agency=agency, status=status) for status in statuses]


@pytest.fixture
def coordinator(db):
    return factories.CoordinatorFactory()


def test_needs_list_has_links_and_no_count(client_for, coordinator, needs):
    data = client_for(coordinator).get(NEEDS, {"page_size": 3}).json()
    assert "count" not in data
    assert len(data["results"]) == 3
    assert "cursor=" in data["next"]
    assert data["previous"] is None


def test_needs_list_pages_newest_first_and_back(client_for, coordinator, needs):
    client = client_for(coordinator)
    forward = [row["id"] for row in _walk(client, NEEDS, {"page_size": 3})]
    assert forward == [need.pk for need in reversed(needs)]
    assert [row["id"] for row in _walk_back(client, NEEDS, {"page_size": 3})] == forward


@pytest.mark.parametrize("ordering", ["status", "-status", "start", "-title", "published_at"])
def test_needs_list_walks_every_row_once_in_each_ordering(client_for, coordinator, needs, ordering):
    client = client_for(coordinator)
    walked = _walk(client, NEEDS, {"page_size": 2, "ordering": ordering})
    whole = client.get(NEEDS, {"page_size": 200, "ordering": ordering}).json()["results"]
    assert [row["id"] for row in walked] == [row["id"] for row in whole]
    assert sorted(row["id"] for row in walked) == sorted(need.pk for need in needs)


def test_drafts_without_a_publication_date_page_last_for_their_manager(client_for):
    manager = factories.ManagerFactory()
    published = factories.NeedFactory.create_batch(3, agency=manager.agency)
    drafts = factories.DraftNeedFactory.create_batch(3, agency=manager.agency)
    client = client_for(manager)
    for ordering in ("published_at", "-published_at"):
        walked = [row["id"] for row in _walk(client, NEEDS, {"page_size": 2, "ordering": ordering})]
        assert len(walked) == 6
        assert set(walked[3:]) == {need.pk for need in drafts}
        assert set(walked[:3]) == {need.pk for need in published}
        back = _walk_back(client, NEEDS, {"page_size": 2, "ordering": ordering})
        assert [row["id"] for row in back] == walked


def test_needs_page_stays_put_when_new_needs_arrive(client_for, coordinator, needs):
    client = client_for(coordinator)
    first = client.get(NEEDS, {"page_size": 4}).json()
    factories.NeedFactory.create_batch(3)
    second = client.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == [need.pk for need in reversed(needs)][4:8]


def test_needs_list_keeps_filters_across_pages(client_for, coordinator, needs):
    client = client_for(coordinator)
    walked = _walk(client, NEEDS, {"page_size": 2, "status": "open"})
    assert {row["id"] for row in walked} == {n.pk for n in needs if n.status == NeedStatus.OPEN}


@pytest.mark.parametrize("cursor", ["nonsense", "eyJ4IjoxfQ", "WyJuIixbIngiLCJ5Il1d", "%00"])
def test_a_broken_cursor_answers_404_not_500(client_for, coordinator, needs, cursor):
    response = client_for(coordinator).get(NEEDS, {"cursor": cursor})
    assert response.status_code == 404


def test_a_cursor_of_another_ordering_answers_404(client_for, coordinator, needs):
    client = client_for(coordinator)
    cursor = client.get(NEEDS, {"page_size": 2}).json()["next"].split("cursor=")[1]
    response = client.get(NEEDS, {"page_size": 2, "ordering": "status", "cursor": cursor})
    assert response.status_code == 404


@pytest.fixture
def specialists(db):
    regions = [Region.AB, Region.AB, Region.AB, Region.C, Region.C, Region.M, Region.M]
    return [factories.SpecialistFactory(region=region) for region in regions]


def test_specialists_list_has_links_and_no_count(client_for, coordinator, specialists):
    data = client_for(coordinator).get(SPECIALISTS, {"page_size": 2}).json()
    assert "count" not in data
    assert "cursor=" in data["next"]


@pytest.mark.parametrize("ordering", [None, "region", "-region", "name", "-agency", "title"])
def test_specialists_list_walks_every_row_once(client_for, coordinator, specialists, ordering):
    client = client_for(coordinator)
    params = {"page_size": 2, **({"ordering": ordering} if ordering else {})}
    walked = [row["id"] for row in _walk(client, SPECIALISTS, params)]
    whole = client.get(SPECIALISTS, {**params, "page_size": 200}).json()["results"]
    assert walked == [row["id"] for row in whole]
    assert sorted(walked) == sorted(s.pk for s in specialists)
    assert [row["id"] for row in _walk_back(client, SPECIALISTS, params)] == walked


def test_specialists_pages_keep_the_skill_filter(client_for, coordinator, specialists):
    skill = factories.SkillFactory()
    for specialist in specialists[:5]:
        factories.SpecialistSkillFactory(specialist=specialist, skill=skill, level=4)
    walked = _walk(
        client_for(coordinator), SPECIALISTS, {"page_size": 2, "skill": skill.pk, "min_level": 4}
    )
    assert [row["id"] for row in walked] == sorted(s.pk for s in specialists[:5])
    assert all(row["skills"] == [{"skill": skill.pk, "level": 4}] for row in walked)


@pytest.mark.parametrize("path", [NEEDS, SPECIALISTS])
def test_schema_documents_the_cursor_and_the_links(path):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"][path]["get"]
    assert {"cursor", "page_size"} <= {p["name"] for p in operation["parameters"]}
    assert "page" not in {p["name"] for p in operation["parameters"]}
    assert "404" in operation["responses"]
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    properties = schema["components"]["schemas"][page.rsplit("/", 1)[1]]["properties"]
    assert set(properties) == {"next", "previous", "results"}
