import pytest

from marketplace.models import AuditEvent, Availability, MatchStatus
from tests import factories
from tests.factories import future


@pytest.fixture
def specialist(world):
    return factories.SpecialistFactory(agency=world.own, user=world.users["specialist_self"])


def windows_url(specialist) -> str:
    return f"/api/v1/specialists/{specialist.pk}/availability/"


def window_url(window) -> str:
    return f"/api/v1/availability/{window.pk}/"


@pytest.fixture
def reserved(world, specialist):
    """A 50% window over a year with an accepted 40% match on days 30–120."""
    window = factories.AvailabilityFactory(
        specialist=specialist, start=future(1), end=future(365), capacity_percent=50
    )
    need = factories.NeedFactory(agency=world.other, capacity_percent=40)
    factories.MatchFactory(need=need, specialist=specialist, status=MatchStatus.ACCEPTED)
    return window


def test_specialist_adds_a_window_and_it_is_audited(as_role, specialist):
    response = as_role("specialist_self").post(
        windows_url(specialist), {"start": future(5), "end": future(50), "capacity_percent": 40}
    )

    assert response.status_code == 201
    body = response.json()
    assert body == {
        "id": body["id"],
        "start": future(5).isoformat(),
        "end": future(50).isoformat(),
        "capacity_percent": 40,
    }
    event = AuditEvent.objects.get(action="availability.create")
    assert event.after["capacity_percent"] == 40


def test_list_is_ordered_by_start(as_role, specialist):
    late = factories.AvailabilityFactory(specialist=specialist, start=future(50), end=future(60))
    early = factories.AvailabilityFactory(specialist=specialist, start=future(1), end=future(10))

    response = as_role("specialist_self").get(windows_url(specialist))

    assert [row["id"] for row in response.json()["results"]] == [early.pk, late.pk]


def test_list_for_unknown_specialist_is_404(as_role, db):
    assert as_role("admin").get("/api/v1/specialists/999999/availability/").status_code == 404


def test_end_before_start_is_400_naming_end(as_role, specialist):
    response = as_role("specialist_self").post(
        windows_url(specialist), {"start": future(10), "end": future(5), "capacity_percent": 40}
    )

    assert response.status_code == 400
    assert "end" in response.json()


@pytest.mark.parametrize("percent", [0, 150, -5])
def test_capacity_outside_1_to_100_is_400_naming_capacity(as_role, specialist, percent):
    response = as_role("specialist_self").post(
        windows_url(specialist),
        {"start": future(1), "end": future(5), "capacity_percent": percent},
    )

    assert response.status_code == 400
    assert "capacity_percent" in response.json()


def test_missing_dates_are_400_naming_them(as_role, specialist):
    response = as_role("specialist_self").post(windows_url(specialist), {"capacity_percent": 40})

    assert response.status_code == 400
    assert {"start", "end"} <= set(response.json())


def test_overlapping_window_is_400_naming_start(as_role, specialist):
    factories.AvailabilityFactory(specialist=specialist, start=future(10), end=future(20))

    response = as_role("specialist_self").post(
        windows_url(specialist), {"start": future(20), "end": future(30), "capacity_percent": 40}
    )

    assert response.status_code == 400
    assert "start" in response.json()


def test_windows_of_different_specialists_may_overlap(world, as_role, specialist):
    factories.AvailabilityFactory(
        specialist=factories.SpecialistFactory(agency=world.own), start=future(1), end=future(9)
    )

    response = as_role("specialist_self").post(
        windows_url(specialist), {"start": future(1), "end": future(9), "capacity_percent": 40}
    )

    assert response.status_code == 201


def test_patch_that_creates_an_overlap_is_400_naming_start(as_role, specialist):
    factories.AvailabilityFactory(specialist=specialist, start=future(10), end=future(20))
    window = factories.AvailabilityFactory(specialist=specialist, start=future(30), end=future(40))

    response = as_role("specialist_self").patch(window_url(window), {"start": future(15)})

    assert response.status_code == 400
    assert "start" in response.json()


def test_patch_end_before_existing_start_is_400_naming_end(as_role, specialist):
    window = factories.AvailabilityFactory(specialist=specialist, start=future(30), end=future(40))

    response = as_role("specialist_self").patch(window_url(window), {"end": future(20)})

    assert response.status_code == 400
    assert "end" in response.json()


def test_patch_is_audited_with_changed_fields_only(as_role, specialist):
    window = factories.AvailabilityFactory(specialist=specialist, capacity_percent=50)

    response = as_role("manager_own").patch(window_url(window), {"capacity_percent": 60})

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="availability.update")
    assert (event.before, event.after) == ({"capacity_percent": 50}, {"capacity_percent": 60})


def test_lowering_capacity_below_reservation_is_409_naming_dates(as_role, reserved):
    response = as_role("specialist_self").patch(window_url(reserved), {"capacity_percent": 30})

    assert response.status_code == 409
    assert future(30).isoformat() in response.json()["detail"]
    reserved.refresh_from_db()
    assert reserved.capacity_percent == 50


def test_lowering_capacity_to_the_reservation_is_allowed(as_role, reserved):
    response = as_role("specialist_self").patch(window_url(reserved), {"capacity_percent": 40})

    assert response.status_code == 200


def test_shortening_a_window_under_a_reservation_is_409(as_role, reserved):
    response = as_role("specialist_self").patch(window_url(reserved), {"end": future(60)})

    assert response.status_code == 409
    assert future(61).isoformat() in response.json()["detail"]


def test_shortening_a_window_outside_reservations_is_allowed(as_role, reserved):
    response = as_role("specialist_self").patch(window_url(reserved), {"end": future(200)})

    assert response.status_code == 200


def test_deleting_a_window_under_a_reservation_is_409(as_role, reserved):
    response = as_role("manager_own").delete(window_url(reserved))

    assert response.status_code == 409
    assert Availability.objects.filter(pk=reserved.pk).exists()


def test_proposed_matches_do_not_block_deleting(world, as_role, specialist):
    window = factories.AvailabilityFactory(specialist=specialist)
    factories.MatchFactory(need=factories.NeedFactory(agency=world.other), specialist=specialist)

    response = as_role("specialist_self").delete(window_url(window))

    assert response.status_code == 204
    assert AuditEvent.objects.filter(action="availability.delete").exists()


def test_max_share_caps_what_a_window_can_give(world, as_role, specialist):
    """With a 40% cap, raising or lowering a 90% window to 40 keeps the 40% reservation."""
    specialist.max_share_percent = 40
    specialist.save()
    window = factories.AvailabilityFactory(specialist=specialist, capacity_percent=90)
    need = factories.NeedFactory(agency=world.other, capacity_percent=40)
    factories.MatchFactory(need=need, specialist=specialist, status=MatchStatus.APPROVED)
    client = as_role("specialist_self")

    assert client.patch(window_url(window), {"capacity_percent": 40}).status_code == 200
    assert client.patch(window_url(window), {"capacity_percent": 39}).status_code == 409


def test_retrieve_one_window(as_role, specialist):
    window = factories.AvailabilityFactory(specialist=specialist)

    response = as_role("coordinator").get(window_url(window))

    assert response.status_code == 200
    assert response.json()["id"] == window.pk


def test_unknown_window_is_404(as_role, db):
    assert as_role("admin").patch("/api/v1/availability/999999/", {}).status_code == 404
