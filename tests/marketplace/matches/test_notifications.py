"""Each transition tells exactly the people who must act or are affected."""

import pytest

from marketplace.models import DeclineReason, MatchStatus
from marketplace.services.matches import (
    match_accept,
    match_approve,
    match_cancel,
    match_complete,
    match_decline,
    match_nominate,
    match_reject,
)
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


def _recipients(kind: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def test_nomination_tells_active_coordinators_only(world):
    inactive = factories.CoordinatorFactory(is_active=False)

    match_nominate(actor=world.manager_a, need=world.need, specialist=world.specialist)

    assert _recipients("match_proposed") == {world.coordinator.pk, world.other_coordinator.pk}
    assert inactive.pk not in _recipients("match_proposed")
    assert Notification.objects.count() == 2


def test_approval_tells_the_specialist_and_both_agencies_managers(world):
    second_manager_b = factories.ManagerFactory(agency=world.agency_b)
    match = world.match()

    match_approve(actor=world.coordinator, match=match)

    assert _recipients("match_approved") == {
        world.specialist.user.pk,
        world.manager_a.pk,
        world.manager_b.pk,
        second_manager_b.pk,
    }
    assert Notification.objects.count() == 4


def test_rejection_tells_the_nominating_manager(world):
    match = world.match(nominated_by=world.manager_a)

    match_reject(actor=world.coordinator, match=match, reason="Nej")

    assert _recipients("match_rejected") == {world.manager_a.pk}
    assert Notification.objects.count() == 1


def test_specialists_consent_tells_her_home_manager_who_must_still_release(world):
    match = world.match(MatchStatus.APPROVED)

    match_accept(actor=world.specialist.user, match=match)

    assert _recipients("match_consented") == {world.manager_b.pk}
    assert Notification.objects.count() == 1


def test_release_tells_the_specialist_who_must_still_consent(world):
    match = world.match(MatchStatus.APPROVED)

    match_accept(actor=world.manager_b, match=match)

    assert _recipients("match_consented") == {world.specialist.user.pk}


def test_acceptance_tells_the_specialist_both_agencies_managers_and_the_approver(world):
    match = world.match(MatchStatus.APPROVED, approved_by=world.coordinator)
    match_accept(actor=world.specialist.user, match=match)

    match_accept(actor=world.manager_b, match=match)

    assert _recipients("match_accepted") == {
        world.specialist.user.pk,
        world.manager_a.pk,
        world.manager_b.pk,
        world.coordinator.pk,
    }


def test_filling_a_need_tells_the_other_candidates_they_were_not_selected(world):
    match = world.match(MatchStatus.APPROVED)
    other = world.match(MatchStatus.PROPOSED, specialist=world.other_specialist)
    match_accept(actor=world.specialist.user, match=match)

    match_accept(actor=world.manager_b, match=match)

    assert _recipients("match_not_selected") == {other.specialist.user.pk}


def test_decline_tells_both_agencies_managers_and_the_approving_coordinator(world):
    match = world.match(MatchStatus.APPROVED, approved_by=world.other_coordinator)

    match_decline(actor=world.specialist.user, match=match, reason=DeclineReason.WORKLOAD)

    assert _recipients("match_declined") == {
        world.manager_a.pk,
        world.manager_b.pk,
        world.other_coordinator.pk,
    }
    assert Notification.objects.count() == 3


def test_decline_of_a_proposed_match_tells_the_managers_only(world):
    match = world.match(MatchStatus.PROPOSED)

    match_decline(actor=world.manager_b, match=match, reason=DeclineReason.WORKLOAD)

    assert _recipients("match_declined") == {world.manager_a.pk, world.manager_b.pk}


def test_completion_tells_the_specialist_and_their_managers(world):
    match = world.running()

    match_complete(actor=world.manager_a, match=match, hours=10)

    assert _recipients("match_completed") == {world.specialist.user.pk, world.manager_b.pk}


def test_withdrawing_an_approved_match_tells_specialist_home_managers_and_approver(world):
    match = world.match(MatchStatus.APPROVED)

    match_cancel(actor=world.manager_a, match=match)

    assert _recipients("match_cancelled") == {
        world.specialist.user.pk,
        world.manager_b.pk,
        world.coordinator.pk,
    }


def test_withdrawing_a_proposed_match_tells_the_specialist_only(world):
    match = world.match(MatchStatus.PROPOSED)

    match_cancel(actor=world.manager_a, match=match)

    assert _recipients("match_cancelled") == {world.specialist.user.pk}


def test_notifications_link_to_the_match(world):
    match = world.match()

    match_approve(actor=world.coordinator, match=match)

    links = set(Notification.objects.values_list("link", flat=True))
    assert links == {f"/matches/{match.pk}/"}
