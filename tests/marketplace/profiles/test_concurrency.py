"""Concurrent writes on PostgreSQL: the specialist row lock keeps windows and reservations sound."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from accounts.errors import DomainError
from marketplace.matching import capacity
from marketplace.models import Availability, Match, MatchStatus, Need, NeedStatus
from marketplace.services.availability import availability_create, availability_update
from marketplace.services.matches import match_approve
from marketplace.services.needs import need_publish
from tests import factories
from tests.factories import future

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls: Callable[[], object]) -> list[object]:
    """Run the calls in threads released at once; each result is a value or the DomainError."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def worker(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except DomainError as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_overlapping_windows_leave_exactly_one(world):
    specialist = factories.SpecialistFactory(agency=world.own, user=world.users["specialist_self"])
    actor = world.users["specialist_self"]

    def create(offset: int) -> Callable[[], object]:
        return lambda: availability_create(
            actor=actor,
            specialist=specialist,
            start=future(1 + offset),
            end=future(60 + offset),
            capacity_percent=50,
        )

    results = run_together(*(create(offset) for offset in range(4)))

    assert Availability.objects.filter(specialist=specialist).count() == 1
    assert sum(isinstance(result, Availability) for result in results) == 1


def test_concurrent_publish_succeeds_once(world):
    need = factories.DraftNeedFactory(agency=world.own)
    manager = world.users["manager_own"]

    results = run_together(
        *(lambda: need_publish(actor=manager, need_id=need.pk) for _ in range(4))
    )

    assert sum(isinstance(result, Need) for result in results) == 1
    assert Need.objects.get(pk=need.pk).status == NeedStatus.OPEN


def test_shrinking_a_window_while_a_match_is_approved_never_overcommits(world):
    specialist = factories.SpecialistFactory(agency=world.own, user=world.users["specialist_self"])
    window = factories.AvailabilityFactory(
        specialist=specialist, start=future(1), end=future(365), capacity_percent=60
    )
    need = factories.NeedFactory(agency=world.other, capacity_percent=50)
    match = factories.MatchFactory(need=need, specialist=specialist)
    coordinator = factories.CoordinatorFactory()

    run_together(
        lambda: availability_update(
            actor=world.users["specialist_self"], availability=window, capacity_percent=20
        ),
        lambda: match_approve(actor=coordinator, match=match),
    )

    window.refresh_from_db()
    reserved = [
        capacity.Window(m.start, m.end, m.capacity_percent)
        for m in Match.objects.filter(specialist=specialist, status=MatchStatus.APPROVED)
    ]
    assert (
        capacity.overcommitted_days(
            availability=[capacity.Window(window.start, window.end, window.capacity_percent)],
            reservations=reserved,
            max_share_percent=specialist.max_share_percent,
        )
        == []
    )
    assert (window.capacity_percent == 20) is (not reserved)
