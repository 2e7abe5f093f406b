import pytest

from marketplace.models import AuditEvent, Clearance, MatchStatus, Specialist
from tests import factories
from tests.factories import future

LIST = "/api/v1/specialists/"


def detail(pk: int) -> str:
    return f"/api/v1/specialists/{pk}/"


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def specialist(world):
    return factories.SpecialistFactory(
        agency=world.own, user=world.users["specialist_self"], phone="070-123 45 67"
    )


def test_retrieve_returns_the_contract_fields(as_role, specialist):
    skill = factories.SkillFactory()
    factories.SpecialistSkillFactory(specialist=specialist, skill=skill, level=4)

    body = as_role("manager_own").get(detail(specialist.pk)).json()

    assert body == {
        "id": specialist.pk,
        "user": specialist.user_id,
        "name": specialist.user.name,
        "email": specialist.user.email,
        "phone": "070-123 45 67",
        "agency": specialist.agency_id,
        "title": specialist.title,
        "summary": "",
        "skills": [{"skill": skill.pk, "level": 4}],
        "clearance": 0,
        "clearance_expires": None,
        "languages": ["sv", "en"],
        "region": "AB",
        "remote_ok": True,
        "shareable": True,
        "max_share_percent": 100,
    }


def test_manager_of_other_agency_sees_no_contact_details(as_role, specialist):
    body = as_role("manager_other").get(detail(specialist.pk)).json()

    assert body["email"] is None
    assert body["phone"] is None


def test_manager_with_approved_match_sees_contact_details(world, as_role, specialist):
    need = factories.NeedFactory(agency=world.other)
    factories.MatchFactory(need=need, specialist=specialist, status=MatchStatus.APPROVED)

    body = as_role("manager_other").get(detail(specialist.pk)).json()

    assert body["email"] == specialist.user.email
    assert body["phone"] == "070-123 45 67"


def test_manager_with_only_proposed_match_sees_no_contact_details(world, as_role, specialist):
    need = factories.NeedFactory(agency=world.other)
    factories.MatchFactory(need=need, specialist=specialist, status=MatchStatus.PROPOSED)

    body = as_role("manager_other").get(detail(specialist.pk)).json()

    assert body["email"] is None


def test_contact_details_never_leak_in_the_list(world, as_role, specialist):
    factories.SpecialistFactory(agency=world.own)

    response = as_role("specialist_other").get(LIST)

    assert response.status_code == 200
    assert all(row["email"] is None and row["phone"] is None for row in response.json()["results"])
    assert specialist.user.email not in response.content.decode()


def test_manager_creates_profile_for_own_agency_specialist_user(world, as_role):
    user = factories.UserFactory(agency=world.own)
    skill = factories.SkillFactory()

    response = as_role("manager_own").post(
        LIST,
        {
            "user": user.pk,
            "title": "Säkerhetsarkitekt",
            "skills": [{"skill": skill.pk, "level": 5}],
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["user"] == user.pk
    assert body["agency"] == world.own.pk
    assert body["skills"] == [{"skill": skill.pk, "level": 5}]
    assert AuditEvent.objects.filter(action="specialist.create", object_id=str(body["id"])).exists()


def test_create_for_unknown_user_is_400_naming_user(as_role):
    response = as_role("admin").post(LIST, {"user": 999999, "title": "X"})

    assert response.status_code == 400
    assert "user" in response.json()


def test_create_for_a_manager_user_is_400_naming_user(world, as_role):
    user = factories.ManagerFactory(agency=world.own)

    response = as_role("manager_own").post(LIST, {"user": user.pk, "title": "X"})

    assert response.status_code == 400
    assert "user" in response.json()


def test_create_twice_for_the_same_user_is_400_naming_user(as_role, specialist):
    response = as_role("manager_own").post(LIST, {"user": specialist.user_id, "title": "X"})

    assert response.status_code == 400
    assert "user" in response.json()


def test_create_without_title_is_400_naming_title(world, as_role):
    user = factories.UserFactory(agency=world.own)

    response = as_role("manager_own").post(LIST, {"user": user.pk})

    assert response.status_code == 400
    assert "title" in response.json()


def test_specialist_edits_own_profile_and_the_change_is_audited(as_role, specialist):
    response = as_role("specialist_self").patch(
        detail(specialist.pk), {"title": "Dataingenjör", "languages": ["sv"]}
    )

    assert response.status_code == 200
    assert response.json()["title"] == "Dataingenjör"
    event = AuditEvent.objects.get(action="specialist.update", object_id=str(specialist.pk))
    assert event.before == {"title": "Molnarkitekt", "languages": ["sv", "en"]}
    assert event.after == {"title": "Dataingenjör", "languages": ["sv"]}
    assert event.actor == specialist.user


def test_skills_are_replaced_as_a_whole_list(as_role, specialist):
    old, new = factories.SkillFactory(), factories.SkillFactory()
    factories.SpecialistSkillFactory(specialist=specialist, skill=old, level=2)

    response = as_role("specialist_self").patch(
        detail(specialist.pk), {"skills": [{"skill": new.pk, "level": 5}]}
    )

    assert response.status_code == 200
    assert response.json()["skills"] == [{"skill": new.pk, "level": 5}]
    event = AuditEvent.objects.get(action="specialist.update")
    assert event.before == {"skills": [{"skill": old.pk, "level": 2}]}


def test_unknown_skill_is_400_naming_skills(as_role, specialist):
    response = as_role("specialist_self").patch(
        detail(specialist.pk), {"skills": [{"skill": 999999, "level": 3}]}
    )

    assert response.status_code == 400
    assert "skills" in response.json()


@pytest.mark.parametrize("level", [0, 6, 7])
def test_skill_level_outside_1_to_5_is_400_naming_skills(as_role, specialist, level):
    skill = factories.SkillFactory()

    response = as_role("specialist_self").patch(
        detail(specialist.pk), {"skills": [{"skill": skill.pk, "level": level}]}
    )

    assert response.status_code == 400
    assert "skills" in response.json()


def test_same_skill_twice_is_400_naming_skills(as_role, specialist):
    skill = factories.SkillFactory()

    response = as_role("specialist_self").patch(
        detail(specialist.pk),
        {"skills": [{"skill": skill.pk, "level": 3}, {"skill": skill.pk, "level": 4}]},
    )

    assert response.status_code == 400
    assert "skills" in response.json()


@pytest.mark.parametrize(
    "field, value",
    [
        ("shareable", False),
        ("max_share_percent", 20),
        ("clearance", Clearance.SK1),
        ("clearance_expires", "2030-01-01"),
    ],
)
def test_specialist_cannot_change_sharing_fields(as_role, specialist, field, value):
    response = as_role("specialist_self").patch(detail(specialist.pk), {field: value})

    assert response.status_code == 403
    specialist.refresh_from_db()
    assert specialist.shareable is True
    assert specialist.max_share_percent == 100


def test_specialist_may_send_unchanged_sharing_fields(as_role, specialist):
    response = as_role("specialist_self").patch(
        detail(specialist.pk), {"shareable": True, "title": "Ny titel"}
    )

    assert response.status_code == 200


def test_manager_sets_clearance_and_sharing(as_role, specialist):
    response = as_role("manager_own").patch(
        detail(specialist.pk),
        {"clearance": 2, "clearance_expires": "2030-06-30", "max_share_percent": 40},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["clearance"], body["clearance_expires"], body["max_share_percent"]) == (
        2,
        "2030-06-30",
        40,
    )
    event = AuditEvent.objects.get(action="specialist.update")
    assert event.after == {
        "clearance": 2,
        "clearance_expires": "2030-06-30",
        "max_share_percent": 40,
    }


@pytest.mark.parametrize(
    "field, value",
    [("max_share_percent", 0), ("max_share_percent", 150), ("clearance", 9), ("region", "QQ")],
)
def test_invalid_sharing_values_are_400_naming_the_field(as_role, specialist, field, value):
    response = as_role("manager_own").patch(detail(specialist.pk), {field: value})

    assert response.status_code == 400
    assert field in response.json()


def test_lowering_max_share_below_reservations_is_409_naming_the_dates(world, as_role, specialist):
    need = factories.NeedFactory(agency=world.other, capacity_percent=60)
    # Free = min(availability, max share) − reserved: the match fits 100 % availability.
    factories.AvailabilityFactory(
        specialist=specialist, start=need.start, end=need.end, capacity_percent=100
    )
    factories.MatchFactory(need=need, specialist=specialist, status=MatchStatus.ACCEPTED)

    response = as_role("manager_own").patch(detail(specialist.pk), {"max_share_percent": 50})

    assert response.status_code == 409
    assert need.start.isoformat() in response.json()["detail"]
    specialist.refresh_from_db()
    assert specialist.max_share_percent == 100


def test_lowering_max_share_to_what_is_reserved_is_allowed(world, as_role, specialist):
    need = factories.NeedFactory(agency=world.other, capacity_percent=60)
    factories.AvailabilityFactory(
        specialist=specialist, start=need.start, end=need.end, capacity_percent=100
    )
    factories.MatchFactory(need=need, specialist=specialist, status=MatchStatus.APPROVED)

    response = as_role("manager_own").patch(detail(specialist.pk), {"max_share_percent": 60})

    assert response.status_code == 200


def test_proposed_matches_do_not_block_lowering_max_share(world, as_role, specialist):
    need = factories.NeedFactory(agency=world.other, capacity_percent=60)
    factories.MatchFactory(need=need, specialist=specialist, status=MatchStatus.PROPOSED)

    response = as_role("manager_own").patch(detail(specialist.pk), {"max_share_percent": 10})

    assert response.status_code == 200


def test_read_only_fields_in_patch_are_ignored(world, as_role, specialist):
    response = as_role("manager_own").patch(detail(specialist.pk), {"agency": world.other.pk})

    assert response.status_code == 200
    assert Specialist.objects.get(pk=specialist.pk).agency_id == world.own.pk


# Filters -------------------------------------------------------------------------------


def test_filter_by_skill_and_min_level(as_role, world):
    skill = factories.SkillFactory()
    strong = factories.SpecialistFactory(agency=world.own)
    weak = factories.SpecialistFactory(agency=world.own)
    factories.SpecialistFactory(agency=world.own)
    factories.SpecialistSkillFactory(specialist=strong, skill=skill, level=4)
    factories.SpecialistSkillFactory(specialist=weak, skill=skill, level=2)
    client = as_role("coordinator")

    assert set(ids(client.get(LIST, {"skill": skill.pk}))) == {strong.pk, weak.pk}
    assert ids(client.get(LIST, {"skill": skill.pk, "min_level": 3})) == [strong.pk]


def test_filter_by_agency_region_and_remote(as_role, world):
    mine = factories.SpecialistFactory(agency=world.own, region="M", remote_ok=False)
    factories.SpecialistFactory(agency=world.other, region="M", remote_ok=True)
    client = as_role("coordinator")

    assert ids(client.get(LIST, {"agency": world.own.pk})) == [mine.pk]
    assert ids(client.get(LIST, {"region": "M", "remote": "false"})) == [mine.pk]


def test_filter_by_availability_covering_the_whole_period(as_role, world):
    covered = factories.SpecialistFactory(agency=world.own)
    factories.AvailabilityFactory(specialist=covered, start=future(1), end=future(100))
    partial = factories.SpecialistFactory(agency=world.own)
    factories.AvailabilityFactory(specialist=partial, start=future(1), end=future(50))
    factories.AvailabilityFactory(specialist=partial, start=future(51), end=future(100))
    client = as_role("coordinator")

    response = client.get(LIST, {"available_from": future(10), "available_to": future(90)})

    assert ids(response) == [covered.pk]


def test_filter_by_min_capacity_over_the_period(as_role, world):
    high = factories.SpecialistFactory(agency=world.own)
    factories.AvailabilityFactory(specialist=high, capacity_percent=80)
    low = factories.SpecialistFactory(agency=world.own)
    factories.AvailabilityFactory(specialist=low, capacity_percent=20)
    client = as_role("coordinator")

    response = client.get(
        LIST, {"available_from": future(10), "available_to": future(20), "min_capacity": 50}
    )

    assert ids(response) == [high.pk]


@pytest.mark.parametrize(
    "params",
    [{"skill": "abc"}, {"available_from": "not-a-date"}, {"min_capacity": 0}, {"region": "QQ"}],
)
def test_bad_filter_values_are_400(as_role, params):
    response = as_role("coordinator").get(LIST, params)

    assert response.status_code == 400


def test_ordering_by_name(as_role, world):
    b = factories.SpecialistFactory(agency=world.own, user__name="Bo")
    a = factories.SpecialistFactory(agency=world.own, user__name="Anna")

    assert ids(as_role("coordinator").get(LIST, {"ordering": "name"})) == [a.pk, b.pk]
    assert ids(as_role("coordinator").get(LIST, {"ordering": "-name"})) == [b.pk, a.pk]


def test_unauthenticated_list_is_401(api_client, db):
    assert api_client.get(LIST).status_code == 401
