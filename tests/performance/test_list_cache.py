"""The skill taxonomy and the agency list come from the cache, and a change shows at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.selectors.taxonomy import skill_choices
from tests import factories

# Outside a test transaction: lists built inside one are not stored (they might roll back).
pytestmark = pytest.mark.django_db(transaction=True)


def _queries(client, path: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), response.json()


def test_cached_skill_list_uses_fewer_queries(client_for):
    client = client_for(factories.UserFactory())
    cold, first = _queries(client, "/api/v1/skills/")
    warm, second = _queries(client, "/api/v1/skills/")
    assert warm < cold
    assert second == first


def test_new_skill_is_listed_immediately_after_a_cached_read(client_for):
    client = client_for(factories.UserFactory())
    client.get("/api/v1/skills/", {"page_size": 200})
    skill = factories.SkillFactory(name="Kvantkryptografi")
    names = [
        row["name"] for row in client.get("/api/v1/skills/", {"page_size": 200}).json()["results"]
    ]
    assert skill.name in names


def test_renamed_skill_shows_its_new_name_after_a_cached_read(client_for):
    skill = factories.SkillFactory(name="Gammalt namn")
    client = client_for(factories.UserFactory())
    client.get("/api/v1/skills/", {"page_size": 200})
    skill.name = "Nytt namn"
    skill.save()
    names = [
        row["name"] for row in client.get("/api/v1/skills/", {"page_size": 200}).json()["results"]
    ]
    assert "Nytt namn" in names
    assert "Gammalt namn" not in names


def test_deleted_skill_leaves_the_cached_choices():
    skill = factories.SkillFactory(name="Snart borta")
    assert (skill.pk, "Snart borta") in skill_choices()
    skill.delete()
    assert (skill.pk, "Snart borta") not in skill_choices()


def test_cached_agency_list_uses_fewer_queries(client_for):
    client = client_for(factories.UserFactory())
    cold, first = _queries(client, "/api/v1/agencies/")
    warm, second = _queries(client, "/api/v1/agencies/")
    assert warm < cold
    assert second == first


def test_renamed_agency_shows_its_new_name_after_a_cached_read(client_for):
    agency = factories.AgencyFactory(name="Verket för gamla namn")
    client = client_for(factories.UserFactory())
    client.get("/api/v1/agencies/", {"page_size": 200})
    agency.name = "Verket för nya namn"
    agency.save()
    names = [
        row["name"] for row in client.get("/api/v1/agencies/", {"page_size": 200}).json()["results"]
    ]
    assert "Verket för nya namn" in names
    assert "Verket för gamla namn" not in names


def test_new_agency_is_listed_immediately_after_a_cached_read(client_for):
    client = client_for(factories.UserFactory())
    client.get("/api/v1/agencies/")
    agency = factories.AgencyFactory(name="Nyinrättade myndigheten")
    ids = [
        row["id"] for row in client.get("/api/v1/agencies/", {"page_size": 200}).json()["results"]
    ]
    assert agency.pk in ids


def test_cached_skill_list_keeps_its_filters_apart(client_for):
    factories.SkillFactory(name="Molnsäkerhet", category="security")
    factories.SkillFactory(name="Datalager", category="data")
    client = client_for(factories.UserFactory())
    everything = client.get("/api/v1/skills/", {"page_size": 200}).json()
    security = client.get("/api/v1/skills/", {"page_size": 200, "category": "security"}).json()
    assert {row["category"] for row in security["results"]} == {"security"}
    assert everything["count"] > security["count"]


@pytest.mark.django_db
def test_list_built_inside_a_transaction_is_not_stored(client_for):
    client = client_for(factories.UserFactory())
    first, _data = _queries(client, "/api/v1/agencies/")
    again, _data = _queries(client, "/api/v1/agencies/")
    assert again == first


def test_skill_list_filter_errors_are_not_cached_as_answers(client_for):
    client = client_for(factories.UserFactory())
    assert client.get("/api/v1/skills/", {"category": "nonsense"}).status_code == 400
    assert client.get("/api/v1/skills/", {"category": "nonsense"}).status_code == 400
