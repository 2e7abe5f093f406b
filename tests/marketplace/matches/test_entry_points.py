"""The two services other areas call: proposals from a matching run and a need's cancellation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.models import (
    AuditEvent,
    DeclineReason,
    Match,
    MatchingRun,
    MatchStatus,
    NeedStatus,
)
from marketplace.services.matches import Proposal, matches_cancel_for_need, matches_propose_from_run
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


def test_run_proposals_become_proposed_matches_with_the_needs_period(world):
    run = MatchingRun.objects.create(requested_by=world.coordinator)

    created = matches_propose_from_run(
        run=run,
        proposals=[Proposal(world.need.pk, world.specialist.pk, 0.8, {"skills": 0.9})],
    )

    [match] = created
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED
    assert match.proposed_by == "matching_run"
    assert match.matching_run == run
    assert match.breakdown == {"skills": 0.9}
    assert (match.start, match.end, match.capacity_percent) == (
        world.need.start,
        world.need.end,
        world.need.capacity_percent,
    )
    assert AuditEvent.objects.filter(action="match.propose", object_id=str(match.pk)).exists()


def test_run_skips_pairs_with_an_active_match_and_duplicates(world):
    world.match(MatchStatus.PROPOSED)
    run = MatchingRun.objects.create(requested_by=world.coordinator)

    created = matches_propose_from_run(
        run=run,
        proposals=[
            Proposal(world.need.pk, world.specialist.pk, 0.8, {}),
            Proposal(world.need.pk, world.other_specialist.pk, 0.7, {}),
            Proposal(world.need.pk, world.other_specialist.pk, 0.7, {}),
        ],
    )

    assert [match.specialist_id for match in created] == [world.other_specialist.pk]
    assert Match.objects.filter(need=world.need).count() == 2


def test_run_skips_needs_that_are_no_longer_open(world):
    world.need.status = NeedStatus.CANCELLED
    world.need.save()
    run = MatchingRun.objects.create(requested_by=world.coordinator)

    created = matches_propose_from_run(
        run=run, proposals=[Proposal(world.need.pk, world.specialist.pk, 0.8, {})]
    )

    assert created == []


def test_run_tells_its_requester_once_and_no_other_coordinator(world):
    run = MatchingRun.objects.create(requested_by=world.coordinator)
    second_need = factories.NeedFactory(agency=world.agency_c)

    matches_propose_from_run(
        run=run,
        proposals=[
            Proposal(world.need.pk, world.specialist.pk, 0.8, {}),
            Proposal(second_need.pk, world.other_specialist.pk, 0.6, {}),
        ],
    )

    notifications = Notification.objects.all()
    assert [(n.recipient_id, n.kind) for n in notifications] == [
        (world.coordinator.pk, "matching_run_done")
    ]


def _queries_to_propose(world, count: int) -> int:
    run = MatchingRun.objects.create(requested_by=world.coordinator)
    specialists = [factories.SpecialistFactory() for _ in range(count)]
    with CaptureQueriesContext(connection) as queries:
        created = matches_propose_from_run(
            run=run,
            proposals=[Proposal(world.need.pk, s.pk, 0.5, {}) for s in specialists],
        )
    assert len(created) == count
    assert (
        AuditEvent.objects.filter(
            action="match.propose", object_id__in=[str(m.pk) for m in created]
        ).count()
        == count
    )
    return len(queries)


def test_run_writes_its_matches_and_audit_events_in_bulk(world):
    """A run's write costs the same statements for 2 proposals as for 20, not one per row."""
    assert _queries_to_propose(world, 20) == _queries_to_propose(world, 2)


def test_cancelling_a_need_cancels_its_active_matches(world):
    proposed = world.match(MatchStatus.PROPOSED)
    approved = world.match(MatchStatus.APPROVED, specialist=world.other_specialist)
    declined = world.match(
        MatchStatus.DECLINED,
        specialist=factories.SpecialistFactory(),
        decline_reason=DeclineReason.WORKLOAD,
    )

    count = matches_cancel_for_need(need=world.need, actor=world.manager_a)

    assert count == 2
    for match in (proposed, approved):
        match.refresh_from_db()
        assert match.status == MatchStatus.CANCELLED
    declined.refresh_from_db()
    assert declined.status == MatchStatus.DECLINED
    assert AuditEvent.objects.filter(action="match.cancel", actor=world.manager_a).count() == 2


def test_cancelling_a_need_tells_the_specialists_reserving_ones_managers_and_approver(world):
    world.match(MatchStatus.PROPOSED)
    world.match(MatchStatus.APPROVED, specialist=world.other_specialist)

    matches_cancel_for_need(need=world.need, actor=world.manager_a)

    recipients = set(
        Notification.objects.filter(kind="match_cancelled").values_list("recipient_id", flat=True)
    )
    assert recipients == {
        world.specialist.user.pk,
        world.other_specialist.user.pk,
        world.manager_b.pk,
        world.coordinator.pk,  # who approved the reserving match
    }
