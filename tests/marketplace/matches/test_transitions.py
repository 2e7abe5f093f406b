"""Each transition of the match status machine, and every one the status does not allow."""

from decimal import Decimal

import pytest

from accounts.errors import Conflict, Forbidden, InvalidInput, NotFound
from marketplace.models import AuditEvent, DeclineReason, Engagement, MatchStatus, NeedStatus
from marketplace.services.matches import (
    match_accept,
    match_approve,
    match_cancel,
    match_complete,
    match_decline,
    match_nominate,
    match_reject,
)
from tests import factories

pytestmark = pytest.mark.django_db

ALL_STATUSES = list(MatchStatus.values)


def _audit_actions(match) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="marketplace.match", object_id=str(match.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


# Nominate ---------------------------------------------------------------------------------


def test_manager_nominates_specialist_of_another_agency(world):
    match = match_nominate(actor=world.manager_a, need=world.need, specialist=world.specialist)

    assert match.status == MatchStatus.PROPOSED
    assert match.proposed_by == "nomination"
    assert match.nominated_by == world.manager_a
    assert (match.start, match.end, match.capacity_percent) == (
        world.need.start,
        world.need.end,
        world.need.capacity_percent,
    )
    assert _audit_actions(match) == ["match.nominate"]


def test_nominating_for_a_need_that_is_not_open_conflicts(world):
    world.need.status = NeedStatus.FILLED
    world.need.save()

    with pytest.raises(Conflict, match="filled"):
        match_nominate(actor=world.manager_a, need=world.need, specialist=world.specialist)


def test_nominating_a_pair_with_an_active_match_conflicts(world):
    world.match(MatchStatus.APPROVED)

    with pytest.raises(Conflict, match="already has an active match"):
        match_nominate(actor=world.manager_a, need=world.need, specialist=world.specialist)


def test_nominating_again_after_a_decline_is_allowed(world):
    world.match(MatchStatus.DECLINED, decline_reason=DeclineReason.WORKLOAD)

    match = match_nominate(actor=world.manager_a, need=world.need, specialist=world.specialist)

    assert match.status == MatchStatus.PROPOSED


def test_nominating_an_unshared_specialist_of_another_agency_is_not_found(world):
    hidden = factories.SpecialistFactory(agency=world.agency_b, shareable=False)

    with pytest.raises(NotFound):
        match_nominate(actor=world.manager_a, need=world.need, specialist=hidden)


def test_nominating_an_unshared_specialist_the_actor_can_see_is_invalid(world):
    unshared = factories.SpecialistFactory(agency=world.agency_b, shareable=False)

    with pytest.raises(InvalidInput) as error:
        match_nominate(actor=world.admin, need=world.need, specialist=unshared)

    assert "specialist" in error.value.field_errors


def test_nominating_own_agencys_specialist_is_invalid_unless_the_need_allows_it(world):
    own = factories.SpecialistFactory(agency=world.agency_a)

    with pytest.raises(InvalidInput) as error:
        match_nominate(actor=world.manager_a, need=world.need, specialist=own)

    assert "specialist" in error.value.field_errors


def test_need_allowing_own_agency_takes_own_specialist(world):
    world.need.allow_own_agency = True
    world.need.save()
    own = factories.SpecialistFactory(agency=world.agency_a)
    factories.AvailabilityFactory(
        specialist=own, start=factories.future(1), end=factories.future(365)
    )

    match = match_nominate(actor=world.manager_a, need=world.need, specialist=own)

    assert match.specialist == own


def test_manager_of_another_agency_cannot_nominate_for_the_need(world):
    with pytest.raises(Forbidden):
        match_nominate(actor=world.manager_c, need=world.need, specialist=world.specialist)


def test_nominating_for_another_agencys_draft_need_is_not_found(world):
    draft = factories.DraftNeedFactory(agency=world.agency_a)

    with pytest.raises(NotFound):
        match_nominate(actor=world.manager_c, need=draft, specialist=world.specialist)


# Approve and reject -------------------------------------------------------------------------


def test_coordinator_approves_proposed_match(world):
    match = world.match()

    match = match_approve(actor=world.coordinator, match=match)

    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED
    assert match.approved_by == world.coordinator
    assert match.approved_at is not None
    event = AuditEvent.objects.get(action="match.approve")
    assert event.before["status"] == "proposed"
    assert event.after["status"] == "approved"
    assert event.actor == world.coordinator


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != MatchStatus.PROPOSED])
def test_approving_a_match_that_is_not_proposed_conflicts(world, status):
    match = world.match(status)

    with pytest.raises(Conflict, match=f"is {status}; it cannot be approved"):
        match_approve(actor=world.coordinator, match=match)


def test_approving_a_match_of_a_need_that_is_no_longer_open_conflicts(world):
    match = world.match()
    world.need.status = NeedStatus.CLOSED
    world.need.save()

    with pytest.raises(Conflict, match="need is closed"):
        match_approve(actor=world.coordinator, match=match)


def test_coordinator_rejects_proposed_match_with_reason(world):
    match = world.match()

    match = match_reject(actor=world.coordinator, match=match, reason="Fel profil")

    match.refresh_from_db()
    assert match.status == MatchStatus.REJECTED
    assert match.decline_comment == "Fel profil"
    assert match.closed_at is not None
    assert _audit_actions(match) == ["match.reject"]


def test_rejecting_without_a_reason_is_invalid(world):
    match = world.match()

    with pytest.raises(InvalidInput) as error:
        match_reject(actor=world.coordinator, match=match, reason="  ")

    assert "reason" in error.value.field_errors


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != MatchStatus.PROPOSED])
def test_rejecting_a_match_that_is_not_proposed_conflicts(world, status):
    match = world.match(status)

    with pytest.raises(Conflict, match=f"is {status}; it cannot be rejected"):
        match_reject(actor=world.coordinator, match=match, reason="No")


# Accept -------------------------------------------------------------------------------------


def test_specialist_consent_alone_keeps_the_match_approved(world):
    match = world.match(MatchStatus.APPROVED)

    match = match_accept(actor=world.specialist.user, match=match)

    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED
    assert match.specialist_consent_by == world.specialist.user
    assert match.specialist_consent_at is not None
    assert match.release_at is None
    assert _audit_actions(match) == ["match.consent"]


def test_release_alone_keeps_the_match_approved(world):
    match = world.match(MatchStatus.APPROVED)

    match_accept(actor=world.manager_b, match=match)

    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED
    assert match.release_by == world.manager_b
    assert match.specialist_consent_at is None


def test_consent_and_release_make_the_match_accepted(world):
    match = world.match(MatchStatus.APPROVED)

    match_accept(actor=world.manager_b, match=match)
    match = match_accept(actor=world.specialist.user, match=match)

    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED
    assert match.accepted_at is not None
    assert _audit_actions(match) == ["match.release", "match.consent"]


def test_admin_gives_the_release(world):
    match = world.match(MatchStatus.APPROVED)

    match_accept(actor=world.specialist.user, match=match)
    match_accept(actor=world.admin, match=match)

    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED
    assert match.release_by == world.admin


def test_repeating_ones_own_consent_conflicts(world):
    match = world.match(MatchStatus.APPROVED)
    match_accept(actor=world.specialist.user, match=match)

    with pytest.raises(Conflict, match="already consented"):
        match_accept(actor=world.specialist.user, match=match)


def test_repeating_the_release_conflicts(world):
    match = world.match(MatchStatus.APPROVED)
    match_accept(actor=world.manager_b, match=match)

    with pytest.raises(Conflict, match="already been given"):
        match_accept(actor=world.manager_b, match=match)


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != MatchStatus.APPROVED])
def test_accepting_a_match_that_is_not_approved_conflicts(world, status):
    match = world.match(status)

    with pytest.raises(Conflict, match=f"is {status}; it cannot be accepted"):
        match_accept(actor=world.specialist.user, match=match)


def test_need_manager_cannot_give_the_release(world):
    match = world.match(MatchStatus.APPROVED)

    with pytest.raises(Forbidden):
        match_accept(actor=world.manager_a, match=match)


def test_specialist_cannot_accept_someone_elses_match(world):
    match = world.match(MatchStatus.APPROVED)

    with pytest.raises(NotFound):
        match_accept(actor=world.other_specialist.user, match=match)


def test_accepting_up_to_headcount_fills_the_need_and_closes_other_candidates(world):
    match = world.match(MatchStatus.APPROVED)
    approved_other = world.match(MatchStatus.APPROVED, specialist=world.other_specialist)
    proposed_other = world.match(MatchStatus.PROPOSED, specialist=factories.SpecialistFactory())
    declined = world.match(
        MatchStatus.DECLINED,
        specialist=factories.SpecialistFactory(),
        decline_reason=DeclineReason.WORKLOAD,
    )

    match_accept(actor=world.specialist.user, match=match)
    match_accept(actor=world.manager_b, match=match)

    world.need.refresh_from_db()
    assert world.need.status == NeedStatus.FILLED
    for other in (approved_other, proposed_other):
        other.refresh_from_db()
        assert other.status == MatchStatus.CANCELLED
        assert other.decline_reason == DeclineReason.NOT_SELECTED
        assert _audit_actions(other) == ["match.not_selected"]
    declined.refresh_from_db()
    assert declined.status == MatchStatus.DECLINED
    assert AuditEvent.objects.filter(action="need.fill", object_id=str(world.need.pk)).exists()


def test_need_with_headcount_two_stays_open_after_one_acceptance(world):
    world.need.headcount = 2
    world.need.save()
    match = world.match(MatchStatus.APPROVED)
    other = world.match(MatchStatus.APPROVED, specialist=world.other_specialist)

    match_accept(actor=world.specialist.user, match=match)
    match_accept(actor=world.manager_b, match=match)

    world.need.refresh_from_db()
    other.refresh_from_db()
    assert world.need.status == NeedStatus.OPEN
    assert other.status == MatchStatus.APPROVED


def test_second_acceptance_fills_a_need_with_headcount_two(world):
    world.need.headcount = 2
    world.need.save()
    first = world.match(MatchStatus.ACCEPTED, specialist=world.other_specialist)
    match = world.match(MatchStatus.APPROVED)
    proposed = world.match(MatchStatus.PROPOSED, specialist=factories.SpecialistFactory())

    match_accept(actor=world.specialist.user, match=match)
    match_accept(actor=world.manager_b, match=match)

    world.need.refresh_from_db()
    first.refresh_from_db()
    proposed.refresh_from_db()
    assert world.need.status == NeedStatus.FILLED
    assert first.status == MatchStatus.ACCEPTED
    assert proposed.status == MatchStatus.CANCELLED


# Decline ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [MatchStatus.PROPOSED, MatchStatus.APPROVED])
def test_specialist_declines_with_reason_and_comment(world, status):
    match = world.match(status)

    match = match_decline(
        actor=world.specialist.user,
        match=match,
        reason=DeclineReason.NOT_INTERESTED,
        comment="Inte nu",
    )

    match.refresh_from_db()
    assert match.status == MatchStatus.DECLINED
    assert match.decline_reason == DeclineReason.NOT_INTERESTED
    assert match.decline_comment == "Inte nu"
    assert match.declined_by == world.specialist.user
    assert _audit_actions(match) == ["match.decline"]


def test_home_manager_declines_for_workload(world):
    match = world.match(MatchStatus.APPROVED)

    match_decline(actor=world.manager_b, match=match, reason=DeclineReason.WORKLOAD)

    match.refresh_from_db()
    assert match.status == MatchStatus.DECLINED
    assert match.declined_by == world.manager_b


@pytest.mark.parametrize("reason", ["", "bored", DeclineReason.NOT_SELECTED])
def test_declining_with_an_unknown_reason_is_invalid(world, reason):
    match = world.match(MatchStatus.APPROVED)

    with pytest.raises(InvalidInput) as error:
        match_decline(actor=world.specialist.user, match=match, reason=reason)

    assert "reason" in error.value.field_errors


@pytest.mark.parametrize(
    "status",
    [s for s in ALL_STATUSES if s not in (MatchStatus.PROPOSED, MatchStatus.APPROVED)],
)
def test_declining_a_match_that_is_not_proposed_or_approved_conflicts(world, status):
    match = world.match(status)

    with pytest.raises(Conflict, match=f"is {status}; it cannot be declined"):
        match_decline(actor=world.specialist.user, match=match, reason=DeclineReason.OTHER)


# Complete -----------------------------------------------------------------------------------


def test_need_manager_completes_accepted_match_with_engagement(world):
    match = world.running()

    engagement = match_complete(
        actor=world.manager_a, match=match, hours=Decimal("120.5"), rating=5, comment="Toppen"
    )

    match.refresh_from_db()
    assert match.status == MatchStatus.COMPLETED
    assert engagement.hours == Decimal("120.5")
    assert engagement.need_rating == 5
    assert engagement.need_comment == "Toppen"
    assert engagement.completed_by == world.manager_a
    assert _audit_actions(match) == ["match.complete"]


@pytest.mark.parametrize(
    ("hours", "rating", "field"),
    [(-1, None, "hours"), ("lots", None, "hours"), (10, 0, "rating"), (10, 6, "rating")],
)
def test_completing_with_bad_hours_or_rating_is_invalid(world, hours, rating, field):
    match = world.match(MatchStatus.ACCEPTED)

    with pytest.raises(InvalidInput) as error:
        match_complete(actor=world.manager_a, match=match, hours=hours, rating=rating)

    assert field in error.value.field_errors
    assert not Engagement.objects.exists()


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != MatchStatus.ACCEPTED])
def test_completing_a_match_that_is_not_accepted_conflicts(world, status):
    match = world.match(status)

    with pytest.raises(Conflict, match=f"is {status}; it cannot be completed"):
        match_complete(actor=world.manager_a, match=match, hours=1)


# Cancel -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [MatchStatus.PROPOSED, MatchStatus.APPROVED, MatchStatus.ACCEPTED]
)
def test_need_manager_withdraws_an_active_match(world, status):
    match = world.match(status)

    match_cancel(actor=world.manager_a, match=match)

    match.refresh_from_db()
    assert match.status == MatchStatus.CANCELLED
    assert match.closed_at is not None
    assert _audit_actions(match) == ["match.cancel"]


@pytest.mark.parametrize(
    "status", [MatchStatus.COMPLETED, MatchStatus.REJECTED, MatchStatus.DECLINED, "cancelled"]
)
def test_cancelling_a_closed_match_conflicts(world, status):
    match = world.match(status)

    with pytest.raises(Conflict, match=f"is {status}; it cannot be cancelled"):
        match_cancel(actor=world.manager_a, match=match)
