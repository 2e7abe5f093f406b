"""Engagement changes under capacity pressure on PostgreSQL: whatever runs at the same time,
no day ends up committed above the specialist's availability.

The world's specialist has 50 % for a year; the accepted match holds 40 % of it.
"""

import datetime as dt

import pytest

from accounts.errors import Conflict
from marketplace.matching.capacity import Window, overcommitted_days
from marketplace.models import Match, MatchChange, MatchStatus
from marketplace.selectors.capacity import capacity_windows
from marketplace.services.engagements import (
    match_change_consent,
    match_change_request,
    match_end_early,
)
from marketplace.services.matches import match_approve, match_complete
from tests import factories
from tests.marketplace.profiles.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _never_overcommitted(world) -> None:
    windows = capacity_windows(specialist_id=world.specialist.pk)
    assert not overcommitted_days(
        availability=windows.availability,
        reservations=windows.reservations,
        max_share_percent=world.specialist.max_share_percent,
    )


def _waiting_for_the_release(world, match: Match, manager=None, **change) -> MatchChange:
    """A growing change the coordinator approved and the specialist agreed to."""
    request = match_change_request(actor=manager or world.manager_a, match=match, **change)
    match_change_consent(actor=world.coordinator, match=match)
    match_change_consent(actor=world.specialist.user, match=match)
    return request


def _fresh(match: Match) -> Match:
    return Match.objects.select_related("need", "specialist__user").get(pk=match.pk)


def test_a_changes_last_yes_and_an_approval_racing_for_the_same_time_let_one_through(world):
    match = world.match(MatchStatus.ACCEPTED)
    _waiting_for_the_release(world, match, capacity_percent=50)
    rival = world.match(
        MatchStatus.PROPOSED,
        need=factories.NeedFactory(agency=world.agency_c, capacity_percent=10),
    )

    results = run_together(
        lambda: match_change_consent(actor=world.manager_b, match=_fresh(match)),
        lambda: match_approve(actor=world.coordinator, match=_fresh(rival)),
    )

    assert sum(isinstance(result, Conflict) for result in results) == 1
    _never_overcommitted(world)


def test_two_engagements_growing_into_the_same_free_share_let_one_through(world):
    first = world.match(MatchStatus.ACCEPTED, capacity_percent=20)
    second = world.match(
        MatchStatus.ACCEPTED,
        need=factories.NeedFactory(agency=world.agency_c, capacity_percent=20),
        capacity_percent=20,
    )
    # 10 % is free beside the two; each asks for it.
    _waiting_for_the_release(world, first, capacity_percent=30)
    _waiting_for_the_release(world, second, manager=world.manager_c, capacity_percent=30)

    results = run_together(
        lambda: match_change_consent(actor=world.manager_b, match=_fresh(first)),
        lambda: match_change_consent(actor=world.manager_b, match=_fresh(second)),
    )

    assert sum(isinstance(result, Conflict) for result in results) == 1
    assert sorted(Match.objects.values_list("capacity_percent", flat=True)) == [20, 30]
    _never_overcommitted(world)


def test_an_early_end_and_a_growing_changes_last_yes_at_once_leave_one_consistent_state(world):
    match = world.match(MatchStatus.ACCEPTED)
    last_day = match.start + dt.timedelta(days=20)
    _waiting_for_the_release(world, match, end=match.end + dt.timedelta(days=30))

    results = run_together(
        lambda: match_end_early(actor=world.manager_a, match=_fresh(match), last_day=last_day),
        lambda: match_change_consent(actor=world.manager_b, match=_fresh(match)),
    )

    match.refresh_from_db()
    ended_first = isinstance(results[1], Conflict)
    if ended_first:
        # The early end dropped the waiting change; the last yes found nothing to answer.
        assert match.end == last_day
        assert MatchChange.objects.get(kind="change").status == "cancelled"
    else:
        # The extension applied first; the early end then cut the longer engagement.
        assert MatchChange.objects.get(kind="change").status == "applied"
        assert match.end == last_day
    assert capacity_windows(specialist_id=world.specialist.pk).reservations == [
        Window(match.start, last_day, 40)
    ]
    _never_overcommitted(world)


def test_completion_and_an_early_end_at_once_complete_exactly_once(world):
    match = world.running()
    last_day = match.start + dt.timedelta(days=3)

    results = run_together(
        lambda: match_complete(actor=world.manager_a, match=_fresh(match), hours=24),
        lambda: match_end_early(actor=world.manager_b, match=_fresh(match), last_day=last_day),
    )

    match.refresh_from_db()
    assert match.status == MatchStatus.COMPLETED
    assert not isinstance(results[0], Conflict)
    if isinstance(results[1], Conflict):
        assert match.end != last_day  # completed first: the early end came too late
    else:
        assert match.end == last_day  # ended first, then completed on its new last day
