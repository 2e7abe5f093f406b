"""bulk_insert: the rows a matching run writes land whole, with their ids, on any database."""

import pytest

from fastpaths.bulk_copy import bulk_insert
from marketplace.models import AuditEvent, Match, ProposedBy
from tests import factories

pytestmark = pytest.mark.django_db


def test_inserted_rows_carry_the_ids_the_database_gave_them():
    events = [
        AuditEvent(action="match.propose", object_type="marketplace.match", object_id=str(i))
        for i in range(3)
    ]

    inserted = bulk_insert(AuditEvent, events)

    assert all(event.pk is not None for event in inserted)
    stored = {
        event.pk: event.object_id for event in AuditEvent.objects.filter(action="match.propose")
    }
    assert stored == {event.pk: event.object_id for event in inserted}


def test_json_dates_and_foreign_keys_round_trip():
    need = factories.NeedFactory()
    specialist = factories.SpecialistFactory()
    breakdown = {"skill": 0.5, "words": ["meets all 2 required skills", 'ÅÄÖ "quoted" \\ tab\t']}
    match = Match(
        need=need,
        specialist=specialist,
        need_agency_id=need.agency_id,
        specialist_agency_id=specialist.agency_id,
        score=0.75,
        breakdown=breakdown,
        capacity_percent=need.capacity_percent,
        start=need.start,
        end=need.end,
        proposed_by=ProposedBy.MATCHING_RUN,
    )

    (inserted,) = bulk_insert(Match, [match])

    stored = Match.objects.get(pk=inserted.pk)
    assert stored.breakdown == breakdown
    assert (stored.need_id, stored.specialist_id) == (need.pk, specialist.pk)
    assert (stored.start, stored.end) == (need.start, need.end)
    assert stored.created_at is not None


def test_rows_saved_afterwards_get_new_ids():
    (first,) = bulk_insert(AuditEvent, [AuditEvent(action="a", object_type="t", object_id="1")])

    later = AuditEvent.objects.create(action="b", object_type="t", object_id="2")

    assert later.pk != first.pk
    assert AuditEvent.objects.filter(action__in=["a", "b"]).count() == 2


def test_nothing_to_insert_is_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk_insert(AuditEvent, []) == []
