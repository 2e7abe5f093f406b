"""Concurrent transitions on PostgreSQL: no overcommitted specialist, no overfilled need."""

import threading

import pytest
from django.db import connections
from django.utils import timezone

from accounts.errors import Conflict
from marketplace.matching.capacity import Window, overcommitted_days
from marketplace.models import (
    RESERVING_MATCH_STATUSES,
    Match,
    MatchStatus,
    NeedStatus,
    Specialist,
)
from marketplace.services.matches import match_accept, match_approve
from tests import factories


def _approve_in_thread(match_id: int, coordinator_id: int, barrier, outcomes, lock) -> None:
    from accounts.models import User

    try:
        match = Match.objects.select_related("need", "specialist").get(pk=match_id)
        coordinator = User.objects.get(pk=coordinator_id)
        barrier.wait(timeout=10)
        try:
            match_approve(actor=coordinator, match=match)
            outcome = "approved"
        except Conflict:
            outcome = "conflict"
        with lock:
            outcomes.append(outcome)
    finally:
        connections.close_all()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_cannot_overcommit_a_specialist():
    specialist = factories.SpecialistFactory(max_share_percent=100)
    factories.AvailabilityFactory(
        specialist=specialist,
        start=factories.future(1),
        end=factories.future(365),
        capacity_percent=50,
    )
    matches = [
        factories.MatchFactory(
            specialist=specialist, need=factories.NeedFactory(capacity_percent=40)
        )
        for _ in range(2)
    ]
    coordinators = [factories.CoordinatorFactory() for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()
    threads = [
        threading.Thread(
            target=_approve_in_thread,
            args=(match.pk, coordinator.pk, barrier, outcomes, lock),
        )
        for match, coordinator in zip(matches, coordinators, strict=True)
    ]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["approved", "conflict"]
    assert Match.objects.filter(status=MatchStatus.APPROVED).count() == 1
    specialist = Specialist.objects.get(pk=specialist.pk)
    reservations = [
        Window(m.start, m.end, m.capacity_percent)
        for m in Match.objects.filter(specialist=specialist, status__in=RESERVING_MATCH_STATUSES)
    ]
    availability = [
        Window(a.start, a.end, a.capacity_percent) for a in specialist.availabilities.all()
    ]
    assert (
        overcommitted_days(
            availability=availability,
            reservations=reservations,
            max_share_percent=specialist.max_share_percent,
        )
        == []
    )


def _release_in_thread(match_id: int, manager_id: int, barrier, outcomes, lock) -> None:
    from accounts.models import User

    try:
        match = Match.objects.select_related("need", "specialist").get(pk=match_id)
        manager = User.objects.get(pk=manager_id)
        barrier.wait(timeout=10)
        try:
            outcome = match_accept(actor=manager, match=match).status
        except Conflict:
            outcome = "conflict"
        with lock:
            outcomes.append(outcome)
    finally:
        connections.close_all()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_final_consents_fill_a_one_person_need_once():
    need = factories.NeedFactory(headcount=1, capacity_percent=20)
    matches, managers = [], []
    for _ in range(2):
        specialist = factories.SpecialistFactory()
        factories.AvailabilityFactory(specialist=specialist, capacity_percent=50)
        matches.append(
            factories.MatchFactory(
                need=need,
                specialist=specialist,
                status=MatchStatus.APPROVED,
                specialist_consent_at=timezone.now(),
                specialist_consent_by=specialist.user,
            )
        )
        managers.append(factories.ManagerFactory(agency=specialist.agency))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()
    threads = [
        threading.Thread(
            target=_release_in_thread, args=(match.pk, manager.pk, barrier, outcomes, lock)
        )
        for match, manager in zip(matches, managers, strict=True)
    ]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["accepted", "conflict"]
    statuses = sorted(Match.objects.filter(need=need).values_list("status", flat=True))
    assert statuses == ["accepted", "cancelled"]
    need.refresh_from_db()
    assert need.status == NeedStatus.FILLED
