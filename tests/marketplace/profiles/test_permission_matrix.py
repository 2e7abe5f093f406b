"""Who may do what to specialists, availability windows and needs: exact status codes.

Roles are seen from the specialist `specialist_self` and the needs of their agency `own`.
"""

import pytest

from marketplace.models import Availability, Need, NeedStatus, Specialist
from tests import factories
from tests.factories import future

from .conftest import ROLES

# Specialists ---------------------------------------------------------------------------

SPECIALIST_EXPECTED = {
    # role: (retrieve shareable, retrieve unshared, patch profile shareable, patch profile unshared,
    #        patch sharing shareable, patch sharing unshared, create)
    "admin": (200, 200, 200, 200, 200, 200, 201),
    "coordinator": (200, 404, 403, 404, 403, 404, 403),
    "manager_own": (200, 200, 200, 200, 200, 200, 201),
    "manager_other": (200, 404, 403, 404, 403, 404, 403),
    "specialist_self": (200, 200, 200, 200, 403, 403, 403),
    "specialist_same": (200, 200, 403, 403, 403, 403, 403),
    "specialist_other": (200, 404, 403, 404, 403, 404, 403),
}
# Who may read the specialist's email and phone.
CONTACT_VISIBLE = {"admin", "coordinator", "manager_own", "specialist_self", "specialist_same"}


def _specialist(world, shareable: bool) -> Specialist:
    return factories.SpecialistFactory(
        agency=world.own, user=world.users["specialist_self"], shareable=shareable, phone="0701"
    )


@pytest.mark.parametrize("shareable", [True, False])
@pytest.mark.parametrize("role", ROLES)
def test_specialist_retrieve(world, as_role, role, shareable):
    specialist = _specialist(world, shareable)

    response = as_role(role).get(f"/api/v1/specialists/{specialist.pk}/")

    assert response.status_code == SPECIALIST_EXPECTED[role][0 if shareable else 1]
    if response.status_code == 200:
        visible = role in CONTACT_VISIBLE
        assert (response.json()["email"] is not None) is visible
        assert (response.json()["phone"] is not None) is visible


@pytest.mark.parametrize("shareable", [True, False])
@pytest.mark.parametrize("role", ROLES)
def test_specialist_list_shows_exactly_the_visible(world, as_role, role, shareable):
    specialist = _specialist(world, shareable)

    response = as_role(role).get("/api/v1/specialists/", {"page_size": 200})

    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    visible = SPECIALIST_EXPECTED[role][0 if shareable else 1] == 200
    assert (specialist.pk in rows) is visible
    if visible:
        assert (rows[specialist.pk]["email"] is not None) is (role in CONTACT_VISIBLE)
    if role not in CONTACT_VISIBLE:
        assert specialist.user.email not in response.content.decode()
        assert "0701" not in response.content.decode()


@pytest.mark.parametrize("shareable", [True, False])
@pytest.mark.parametrize("role", ROLES)
def test_specialist_patch_profile(world, as_role, role, shareable):
    specialist = _specialist(world, shareable)

    response = as_role(role).patch(f"/api/v1/specialists/{specialist.pk}/", {"title": "Ny"})

    assert response.status_code == SPECIALIST_EXPECTED[role][2 if shareable else 3]
    specialist.refresh_from_db()
    assert (specialist.title == "Ny") is (response.status_code == 200)


@pytest.mark.parametrize("shareable", [True, False])
@pytest.mark.parametrize("role", ROLES)
def test_specialist_patch_sharing(world, as_role, role, shareable):
    specialist = _specialist(world, shareable)

    response = as_role(role).patch(
        f"/api/v1/specialists/{specialist.pk}/", {"max_share_percent": 30}
    )

    assert response.status_code == SPECIALIST_EXPECTED[role][4 if shareable else 5]
    specialist.refresh_from_db()
    assert (specialist.max_share_percent == 30) is (response.status_code == 200)


@pytest.mark.parametrize("role", ROLES)
def test_specialist_create(world, as_role, role):
    user = factories.UserFactory(agency=world.own)

    response = as_role(role).post("/api/v1/specialists/", {"user": user.pk, "title": "Ny"})

    assert response.status_code == SPECIALIST_EXPECTED[role][6]
    assert Specialist.objects.filter(user=user).exists() is (response.status_code == 201)


# Availability --------------------------------------------------------------------------

# role: (read, write) for a shareable specialist; unshared ones answer 404 where not visible.
AVAILABILITY_EXPECTED = {
    "admin": (200, "ok"),
    "coordinator": (200, 403),
    "manager_own": (200, "ok"),
    "manager_other": (200, 403),
    "specialist_self": (200, "ok"),
    "specialist_same": (200, 403),
    "specialist_other": (200, 403),
}
INVISIBLE_WHEN_UNSHARED = {"coordinator", "manager_other", "specialist_other"}


def _availability_expectation(role: str, shareable: bool, ok: int) -> tuple[int, int]:
    if not shareable and role in INVISIBLE_WHEN_UNSHARED:
        return 404, 404
    read, write = AVAILABILITY_EXPECTED[role]
    return read, ok if write == "ok" else write


@pytest.mark.parametrize("shareable", [True, False])
@pytest.mark.parametrize("role", ROLES)
def test_availability_list(world, as_role, role, shareable):
    window = factories.AvailabilityFactory(specialist=_specialist(world, shareable))
    read, _ = _availability_expectation(role, shareable, 200)

    response = as_role(role).get(f"/api/v1/specialists/{window.specialist_id}/availability/")

    assert response.status_code == read
    if read == 200:
        assert [row["id"] for row in response.json()["results"]] == [window.pk]


@pytest.mark.parametrize("shareable", [True, False])
@pytest.mark.parametrize("role", ROLES)
def test_availability_create(world, as_role, role, shareable):
    specialist = _specialist(world, shareable)
    _, write = _availability_expectation(role, shareable, 201)

    response = as_role(role).post(
        f"/api/v1/specialists/{specialist.pk}/availability/",
        {"start": future(1), "end": future(30), "capacity_percent": 50},
    )

    assert response.status_code == write
    assert Availability.objects.filter(specialist=specialist).exists() is (write == 201)


@pytest.mark.parametrize("shareable", [True, False])
@pytest.mark.parametrize("role", ROLES)
def test_availability_patch(world, as_role, role, shareable):
    window = factories.AvailabilityFactory(specialist=_specialist(world, shareable))
    _, write = _availability_expectation(role, shareable, 200)

    response = as_role(role).patch(f"/api/v1/availability/{window.pk}/", {"capacity_percent": 70})

    assert response.status_code == write
    window.refresh_from_db()
    assert (window.capacity_percent == 70) is (write == 200)


@pytest.mark.parametrize("shareable", [True, False])
@pytest.mark.parametrize("role", ROLES)
def test_availability_delete(world, as_role, role, shareable):
    window = factories.AvailabilityFactory(specialist=_specialist(world, shareable))
    _, write = _availability_expectation(role, shareable, 204)

    response = as_role(role).delete(f"/api/v1/availability/{window.pk}/")

    assert response.status_code == write
    assert Availability.objects.filter(pk=window.pk).exists() is (write != 204)


# Needs ---------------------------------------------------------------------------------

MANAGERS_OF_NEED = {"admin", "manager_own"}


def _need(world, published: bool) -> Need:
    factory = factories.NeedFactory if published else factories.PublishableDraftNeedFactory
    return factory(agency=world.own)


def _need_expectation(role: str, published: bool, ok: int, published_ok: int | None = None) -> int:
    """ok for the need's managers; drafts are 404 to everyone else, published needs 403."""
    if role in MANAGERS_OF_NEED:
        return ok if not published or published_ok is None else published_ok
    return 403 if published else 404


@pytest.mark.parametrize("published", [True, False])
@pytest.mark.parametrize("role", ROLES)
def test_need_retrieve(world, as_role, role, published):
    need = _need(world, published)

    response = as_role(role).get(f"/api/v1/needs/{need.pk}/")

    expected = 200 if published or role in MANAGERS_OF_NEED else 404
    assert response.status_code == expected


@pytest.mark.parametrize("published", [True, False])
@pytest.mark.parametrize("role", ROLES)
def test_need_list_shows_exactly_the_visible(world, as_role, role, published):
    need = _need(world, published)

    response = as_role(role).get("/api/v1/needs/", {"page_size": 200})

    assert response.status_code == 200
    listed = need.pk in [row["id"] for row in response.json()["results"]]
    assert listed is (published or role in MANAGERS_OF_NEED)
    if not listed:
        assert need.title not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_need_create_for_own_agency(world, as_role, role):
    response = as_role(role).post(
        "/api/v1/needs/",
        {
            "agency": world.own.pk,
            "title": "Molnstrategi",
            "start": future(10),
            "end": future(40),
            "capacity_percent": 50,
        },
    )

    assert response.status_code == (201 if role in MANAGERS_OF_NEED else 403)
    assert Need.objects.filter(title="Molnstrategi").exists() is (response.status_code == 201)


@pytest.mark.parametrize("published", [True, False])
@pytest.mark.parametrize("role", ROLES)
def test_need_patch(world, as_role, role, published):
    need = _need(world, published)

    response = as_role(role).patch(f"/api/v1/needs/{need.pk}/", {"title": "Ändrad"})

    assert response.status_code == _need_expectation(role, published, 200)
    need.refresh_from_db()
    assert (need.title == "Ändrad") is (response.status_code == 200)


@pytest.mark.parametrize("published", [True, False])
@pytest.mark.parametrize("role", ROLES)
def test_need_delete(world, as_role, role, published):
    need = _need(world, published)

    response = as_role(role).delete(f"/api/v1/needs/{need.pk}/")

    assert response.status_code == _need_expectation(role, published, 204, published_ok=409)
    assert Need.objects.filter(pk=need.pk).exists() is (response.status_code != 204)


@pytest.mark.parametrize("published", [True, False])
@pytest.mark.parametrize("role", ROLES)
def test_need_publish(world, as_role, role, published):
    need = _need(world, published)

    response = as_role(role).post(f"/api/v1/needs/{need.pk}/publish/")

    assert response.status_code == _need_expectation(role, published, 200, published_ok=409)
    need.refresh_from_db()
    assert need.status == (NeedStatus.OPEN if published or response.status_code == 200 else "draft")


@pytest.mark.parametrize("published", [True, False])
@pytest.mark.parametrize("role", ROLES)
def test_need_cancel(world, as_role, role, published):
    need = _need(world, published)

    response = as_role(role).post(f"/api/v1/needs/{need.pk}/cancel/")

    assert response.status_code == _need_expectation(role, published, 200)
    need.refresh_from_db()
    assert (need.status == NeedStatus.CANCELLED) is (response.status_code == 200)


@pytest.mark.parametrize("published", [True, False])
@pytest.mark.parametrize("role", ROLES)
def test_need_close(world, as_role, role, published):
    need = _need(world, published)

    response = as_role(role).post(f"/api/v1/needs/{need.pk}/close/", {"reason": "no_candidate"})

    assert response.status_code == _need_expectation(role, published, 409, published_ok=200)
    need.refresh_from_db()
    assert (need.status == NeedStatus.CLOSED) is (response.status_code == 200)
