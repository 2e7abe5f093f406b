"""GET /api/v1/needs/{id}/candidates/: the ranked shortlist and `?explain=`."""

import datetime as dt

import pytest
from django.urls import include, path
from django.utils import timezone

from marketplace.models import Clearance, MatchStatus
from marketplace.services.specialist_index import matching_index_invalidate
from tests.factories import (
    AvailabilityFactory,
    CoordinatorFactory,
    DraftNeedFactory,
    ManagerFactory,
    MatchFactory,
    NeedFactory,
    NeedSkillFactory,
    SkillFactory,
    SpecialistFactory,
    SpecialistSkillFactory,
)

# The lead includes marketplace.api.urls_candidates in the API's urls; until then (and
# independently of it) these tests route it themselves.
urlpatterns = [
    path("api/v1/", include(("marketplace.api.urls_candidates", "api"), namespace="api")),
]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def cloud():
    return SkillFactory(name="Molnarkitektur")


@pytest.fixture
def need(agency, cloud):
    need = NeedFactory(agency=agency, capacity_percent=40, languages=["sv"], region="AB")
    NeedSkillFactory(need=need, skill=cloud, min_level=3)
    return need


@pytest.fixture
def manager(agency):
    return ManagerFactory(agency=agency)


def candidate(cloud, *, level=3, capacity=40, **fields):
    specialist = SpecialistFactory(**fields)
    SpecialistSkillFactory(specialist=specialist, skill=cloud, level=level)
    AvailabilityFactory(specialist=specialist, capacity_percent=capacity)
    return specialist


def url(need, query=""):
    return f"/api/v1/needs/{need.pk}/candidates/{query}"


def get(client, need, query="", language="en"):
    matching_index_invalidate()  # factories write behind the services' back
    return client.get(url(need, query), HTTP_ACCEPT_LANGUAGE=language)


def test_manager_sees_candidates_ranked_with_breakdown_and_words(client_for, manager, need, cloud):
    expert = candidate(cloud, level=5, capacity=60)
    adequate = candidate(cloud, level=3)
    response = get(client_for(manager), need)
    assert response.status_code == 200
    body = response.json()
    assert [c["specialist"] for c in body] == [expert.pk, adequate.pk]
    first = body[0]
    assert 0 <= first["score"] <= 1
    assert first["breakdown"]["required"][0]["skill"] == "Molnarkitektur"
    assert "meets the required skill" in first["explanation"]
    assert "Molnarkitektur 2 levels above the minimum" in first["explanation"]
    assert "free 60% of the asked 40% for the whole period" in first["explanation"]


def test_explanation_follows_the_request_language(client_for, manager, need, cloud):
    candidate(cloud)
    english = get(client_for(manager), need, language="en").json()[0]["explanation"]
    swedish = get(client_for(manager), need, language="sv").json()[0]["explanation"]
    assert english.startswith("meets the required skill")
    assert swedish != english


def test_limit_cuts_the_list(client_for, manager, need, cloud):
    for _ in range(3):
        candidate(cloud)
    assert len(get(client_for(manager), need, "?limit=2").json()) == 2


@pytest.mark.parametrize("limit", ["0", "201", "many"])
def test_bad_limit_is_a_field_error(client_for, manager, need, limit):
    response = get(client_for(manager), need, f"?limit={limit}")
    assert response.status_code == 400
    assert "limit" in response.json()


@pytest.mark.parametrize("explain", ["0", "someone"])
def test_bad_explain_is_a_field_error(client_for, manager, need, explain):
    response = get(client_for(manager), need, f"?explain={explain}")
    assert response.status_code == 400
    assert "explain" in response.json()


def test_coordinator_may_see_candidates(client_for, need, cloud):
    candidate(cloud)
    assert get(client_for(CoordinatorFactory()), need).status_code == 200


def test_manager_of_another_agency_is_forbidden(client_for, need, other_agency):
    assert get(client_for(ManagerFactory(agency=other_agency)), need).status_code == 403


def test_another_agencys_draft_need_is_not_found(client_for, agency, other_agency):
    draft = DraftNeedFactory(agency=agency)
    assert get(client_for(ManagerFactory(agency=other_agency)), draft).status_code == 404


def test_expired_clearance_keeps_a_specialist_off_the_list(client_for, manager, agency, cloud):
    need = NeedFactory(agency=agency, clearance_required=Clearance.SK3)
    NeedSkillFactory(need=need, skill=cloud, min_level=3)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    expired = candidate(cloud, clearance=Clearance.SK2, clearance_expires=yesterday)
    valid = candidate(cloud, clearance=Clearance.SK3)
    ids = [c["specialist"] for c in get(client_for(manager), need).json()]
    assert ids == [valid.pk]
    assert expired.pk not in ids


def test_approved_match_uses_up_capacity(client_for, manager, need, cloud):
    busy = candidate(cloud, capacity=50)
    MatchFactory(
        specialist=busy,
        status=MatchStatus.APPROVED,
        start=need.start,
        end=need.end,
        capacity_percent=20,
    )
    free = candidate(cloud, capacity=50)
    ids = [c["specialist"] for c in get(client_for(manager), need).json()]
    assert ids == [free.pk]


def test_own_agency_specialists_are_left_out(client_for, manager, agency, need, cloud):
    candidate(cloud, agency=agency)
    assert get(client_for(manager), need).json() == []


def test_explain_names_the_excluding_constraints_in_words(client_for, manager, need, cloud):
    weak = candidate(cloud, level=2, shareable=False, agency=need.agency)
    response = get(client_for(manager), need, f"?explain={weak.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["eligible"] is False
    assert [r["constraint"] for r in body["reasons"]] == [
        "required_skill",
        "shareable",
        "own_agency",
    ]
    assert body["reasons"][0]["text"] == "Molnarkitektur at level 2, below the required 3"


def test_explain_for_a_candidate_says_eligible_with_the_breakdown(client_for, manager, need, cloud):
    fit = candidate(cloud)
    body = get(client_for(manager), need, f"?explain={fit.pk}").json()
    assert body["eligible"] is True
    assert body["reasons"] == []
    assert body["breakdown"]["asked_percent"] == 40


def test_explain_for_an_invisible_specialist_is_not_found(client_for, manager, need, other_agency):
    hidden = SpecialistFactory(agency=other_agency, shareable=False)
    assert get(client_for(manager), need, f"?explain={hidden.pk}").status_code == 404


def test_candidates_take_a_bounded_number_of_queries(
    client_for, manager, need, cloud, django_assert_max_num_queries
):
    for _ in range(10):
        candidate(cloud)
    client = client_for(manager)
    get(client, need)  # warm the index
    with django_assert_max_num_queries(4):
        response = client.get(url(need))
    assert len(response.json()) == 10
