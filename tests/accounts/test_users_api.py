"""The users permission matrix and the field rules of user management."""

import pytest
from rest_framework.authtoken.models import Token

from accounts.models import Role, User
from tests import factories

pytestmark = pytest.mark.django_db

LIST = "/api/v1/users/"


def detail(user) -> str:
    return f"/api/v1/users/{user.pk}/"


@pytest.fixture
def actors(admin, manager, other_manager, colleague, coordinator):
    return {
        "admin": admin,
        "manager_own_agency": manager,
        "manager_other_agency": other_manager,
        "specialist": colleague,
        "coordinator": coordinator,
    }


# The matrix: each role against `specialist`, a specialist of `manager`'s agency.


@pytest.mark.parametrize(
    ("actor", "sees_target"),
    [
        ("admin", True),
        ("manager_own_agency", True),
        ("manager_other_agency", False),
        ("specialist", False),
        ("coordinator", False),
    ],
)
def test_list_users_is_200_and_shows_the_target_only_to_those_who_may_see_it(
    client_for, actors, specialist, actor, sees_target
):
    response = client_for(actors[actor]).get(LIST)

    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert (specialist.pk in ids) is sees_target
    assert actors[actor].pk in ids


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("admin", 200),
        ("manager_own_agency", 200),
        ("manager_other_agency", 404),
        ("specialist", 404),
        ("coordinator", 404),
    ],
)
def test_retrieve_user_status_by_role(client_for, actors, specialist, actor, expected):
    assert client_for(actors[actor]).get(detail(specialist)).status_code == expected


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("admin", 201),
        ("manager_own_agency", 201),
        ("manager_other_agency", 400),
        ("specialist", 403),
        ("coordinator", 403),
    ],
)
def test_create_specialist_in_the_targets_agency_status_by_role(
    client_for, actors, agency, actor, expected, django_capture_on_commit_callbacks
):
    body = {
        "email": "ny@example.se",
        "name": "Ny Person",
        "role": "specialist",
        "agency": agency.pk,
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(actors[actor]).post(LIST, body)

    assert response.status_code == expected
    assert User.objects.filter(email="ny@example.se").exists() is (expected == 201)


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("admin", 200),
        ("manager_own_agency", 200),
        ("manager_other_agency", 404),
        ("specialist", 404),
        ("coordinator", 404),
    ],
)
def test_patch_user_name_status_by_role(client_for, actors, specialist, actor, expected):
    response = client_for(actors[actor]).patch(detail(specialist), {"name": "Nytt Namn"})

    assert response.status_code == expected
    specialist.refresh_from_db()
    assert (specialist.name == "Nytt Namn") is (expected == 200)


# Lists ---------------------------------------------------------------------------------


def test_manager_list_holds_own_specialists_and_self_but_not_other_managers(
    client_for, manager, specialist, colleague, agency
):
    fellow_manager = factories.ManagerFactory(agency=agency)
    factories.UserFactory()  # another agency's specialist

    response = client_for(manager).get(LIST)

    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {manager.pk, specialist.pk, colleague.pk}
    assert fellow_manager.pk not in ids


def test_admin_list_holds_every_user(client_for, admin):
    others = factories.UserFactory.create_batch(3)

    response = client_for(admin).get(LIST)

    assert response.json()["count"] == 4
    assert {u.pk for u in others} < {row["id"] for row in response.json()["results"]}


def test_user_list_filters_by_role(client_for, admin, manager, specialist):
    response = client_for(admin).get(LIST, {"role": "manager"})

    assert [row["id"] for row in response.json()["results"]] == [manager.pk]


def test_user_list_is_paginated_with_a_next_link(client_for, admin):
    factories.UserFactory.create_batch(3)

    response = client_for(admin).get(LIST, {"page_size": 2})

    assert response.json()["count"] == 4
    assert len(response.json()["results"]) == 2
    assert "page=2" in response.json()["next"]


def test_users_without_credentials_is_401(api_client):
    assert api_client.get(LIST).status_code == 401


@pytest.mark.parametrize("page_size", [1, 50])
def test_user_list_query_count_does_not_grow_with_users(
    client_for, admin, page_size, django_assert_max_num_queries
):
    factories.UserFactory.create_batch(60)
    client = client_for(admin)

    with django_assert_max_num_queries(2):
        response = client.get(LIST, {"page_size": page_size})

    assert len(response.json()["results"]) == page_size


def test_missing_user_is_404(client_for, admin):
    assert client_for(admin).get("/api/v1/users/999999/").status_code == 404


# Self ----------------------------------------------------------------------------------


def test_specialist_sees_themselves(client_for, specialist):
    assert client_for(specialist).get(detail(specialist)).status_code == 200


def test_specialist_may_change_own_name_and_language(client_for, specialist):
    response = client_for(specialist).patch(detail(specialist), {"name": "Ny", "language": "en"})

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["language"]) == ("Ny", "en")


def test_specialist_may_not_make_themselves_admin(client_for, specialist):
    response = client_for(specialist).patch(detail(specialist), {"role": "admin"})

    assert response.status_code == 400
    assert "role" in response.json()
    specialist.refresh_from_db()
    assert specialist.role == Role.SPECIALIST


def test_specialist_may_not_set_own_password_through_the_api(client_for, specialist):
    response = client_for(specialist).patch(detail(specialist), {"password": "ett-nytt-losen-9"})

    assert response.status_code == 400
    assert "password" in response.json()


def test_patch_with_an_unchanged_restricted_field_is_allowed(client_for, specialist):
    response = client_for(specialist).patch(
        detail(specialist), {"role": "specialist", "name": "Ny"}
    )

    assert response.status_code == 200


# Managers ------------------------------------------------------------------------------


def test_manager_may_deactivate_own_agencys_specialist(client_for, manager, specialist):
    response = client_for(manager).patch(detail(specialist), {"is_active": False})

    assert response.status_code == 200
    specialist.refresh_from_db()
    assert specialist.is_active is False


def test_manager_may_not_promote_own_specialist(client_for, manager, specialist):
    response = client_for(manager).patch(detail(specialist), {"role": "manager"})

    assert response.status_code == 400
    assert "role" in response.json()


def test_manager_may_not_move_own_specialist_to_another_agency(
    client_for, manager, specialist, other_agency
):
    response = client_for(manager).patch(detail(specialist), {"agency": other_agency.pk})

    assert response.status_code == 400
    assert "agency" in response.json()


def test_manager_may_not_see_a_fellow_manager(client_for, manager, agency):
    fellow = factories.ManagerFactory(agency=agency)

    assert client_for(manager).get(detail(fellow)).status_code == 404


def test_manager_may_not_deactivate_themselves(client_for, manager):
    response = client_for(manager).patch(detail(manager), {"is_active": False})

    assert response.status_code == 400
    assert "is_active" in response.json()


# Admins --------------------------------------------------------------------------------


def test_admin_may_change_role_and_agency(client_for, admin, specialist, other_agency):
    response = client_for(admin).patch(
        detail(specialist), {"role": "manager", "agency": other_agency.pk}
    )

    assert response.status_code == 200
    specialist.refresh_from_db()
    assert (specialist.role, specialist.agency_id) == (Role.MANAGER, other_agency.pk)


def test_admin_making_a_user_admin_gives_django_admin_access(client_for, admin, coordinator):
    client_for(admin).patch(detail(coordinator), {"role": "admin"})

    coordinator.refresh_from_db()
    assert coordinator.is_staff and coordinator.is_superuser


def test_admin_may_set_a_password_and_it_signs_the_user_out_of_the_api(
    client_for, admin, specialist
):
    Token.objects.create(user=specialist)

    response = client_for(admin).patch(detail(specialist), {"password": "ett-nytt-losen-9"})

    assert response.status_code == 200
    specialist.refresh_from_db()
    assert specialist.check_password("ett-nytt-losen-9")
    assert not Token.objects.filter(user=specialist).exists()


def test_admin_setting_a_weak_password_is_400(client_for, admin, specialist):
    response = client_for(admin).patch(detail(specialist), {"password": "123"})

    assert response.status_code == 400
    assert "password" in response.json()


def test_admin_removing_a_specialists_agency_is_400(client_for, admin, specialist):
    response = client_for(admin).patch(detail(specialist), {"agency": None})

    assert response.status_code == 400
    assert "agency" in response.json()


def test_patch_with_an_unknown_role_is_400(client_for, admin, specialist):
    response = client_for(admin).patch(detail(specialist), {"role": "king"})

    assert response.status_code == 400
    assert "role" in response.json()


def test_password_never_appears_in_user_responses(client_for, admin, specialist):
    response = client_for(admin).patch(detail(specialist), {"password": "ett-nytt-losen-9"})

    assert "password" not in response.json()
