"""Approval reserves capacity; decline and cancel release it."""

import pytest

from accounts.errors import Conflict
from marketplace.models import DeclineReason, MatchStatus
from marketplace.services.matches import match_approve, match_cancel, match_decline
from tests import factories
from tests.factories import future

pytestmark = pytest.mark.django_db


def _second_need(world, percent: int):
    return factories.NeedFactory(agency=world.agency_c, capacity_percent=percent)


def test_approval_beyond_availability_conflicts_naming_days_and_percent(world):
    world.match(MatchStatus.APPROVED)  # 40 of the 50 available
    need = _second_need(world, 20)
    match = world.match(need=need)

    with pytest.raises(Conflict) as error:
        match_approve(actor=world.coordinator, match=match)

    message = str(error.value)
    assert "20%" in message
    assert "10% free" in message
    assert need.start.isoformat() in message
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED


def test_approval_that_fits_next_to_a_reservation_succeeds(world):
    world.match(MatchStatus.APPROVED)
    match = world.match(need=_second_need(world, 10))

    match_approve(actor=world.coordinator, match=match)

    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED


def test_approval_beyond_max_share_conflicts(world):
    world.specialist.max_share_percent = 30
    world.specialist.save()
    match = world.match()  # asks 40 of min(50, 30)

    with pytest.raises(Conflict, match="30% free"):
        match_approve(actor=world.coordinator, match=match)


def test_approval_outside_every_availability_window_conflicts(world):
    need = factories.NeedFactory(
        agency=world.agency_a, start=future(300), end=future(400), capacity_percent=10
    )
    match = world.match(need=need)

    with pytest.raises(Conflict, match="0% free"):
        match_approve(actor=world.coordinator, match=match)


def test_reservation_only_counts_on_overlapping_days(world):
    early = factories.NeedFactory(
        agency=world.agency_c, start=future(2), end=future(20), capacity_percent=50
    )
    world.match(MatchStatus.APPROVED, need=early)
    match = world.match()  # future(30)..future(120), after `early` ends

    match_approve(actor=world.coordinator, match=match)

    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED


def test_proposed_matches_reserve_nothing(world):
    world.match(MatchStatus.PROPOSED, need=_second_need(world, 50))
    match = world.match()

    match_approve(actor=world.coordinator, match=match)

    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED


def test_accepted_matches_keep_their_reservation(world):
    world.match(MatchStatus.ACCEPTED, need=_second_need(world, 30))
    match = world.match()

    with pytest.raises(Conflict):
        match_approve(actor=world.coordinator, match=match)


def test_decline_releases_capacity_so_a_later_approval_fits(world):
    held = world.match(MatchStatus.APPROVED, need=_second_need(world, 40))
    match = world.match()
    with pytest.raises(Conflict):
        match_approve(actor=world.coordinator, match=match)

    match_decline(actor=world.specialist.user, match=held, reason=DeclineReason.NOT_AVAILABLE)
    match_approve(actor=world.coordinator, match=match)

    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED


def test_cancel_releases_capacity_so_a_later_approval_fits(world):
    other_manager = factories.ManagerFactory(agency=world.agency_c)
    held = world.match(MatchStatus.APPROVED, need=_second_need(world, 40))
    match = world.match()
    with pytest.raises(Conflict):
        match_approve(actor=world.coordinator, match=match)

    match_cancel(actor=other_manager, match=held)
    match_approve(actor=world.coordinator, match=match)

    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED


def test_capacity_conflict_through_the_api_is_409(world, client_for):
    world.match(MatchStatus.APPROVED, need=_second_need(world, 40))
    match = world.match()

    response = client_for(world.coordinator).post(f"/api/v1/matches/{match.pk}/approve/")

    assert response.status_code == 409
    assert "free" in response.json()["detail"]
