"""A query compiled once gives each later call the rows its own values select, and the
guard fails loudly when a builder breaks the rule that makes that true."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from accounts.models import Role, User
from fastpaths.compiled_queries import CompiledQuery, CompiledQueryMismatch
from tests import factories

pytestmark = pytest.mark.django_db


def _users_of(*, agency_id, name):
    return (
        User.objects.filter(agency_id=agency_id, name=name)
        .order_by("pk")
        .values_list("pk", "email", "date_joined")
    )


def test_each_call_gets_the_rows_of_its_own_values():
    first, second = factories.AgencyFactory(), factories.AgencyFactory()
    for agency in (first, second):
        for name in ("Anna", "Anna", "Bo"):
            factories.UserFactory(agency=agency, name=name)
    query = CompiledQuery(_users_of)

    for agency_id, name in ((first.pk, "Anna"), (second.pk, "Anna"), (second.pk, "Bo")):
        rows = query.rows(agency_id=agency_id, name=name)
        assert rows == list(_users_of(agency_id=agency_id, name=name))
        assert len(rows) == (2 if name == "Anna" else 1)


def test_none_is_a_shape_of_its_own():
    without_agency = factories.AdminFactory(agency=None, name="Ada")
    with_agency = factories.UserFactory(name="Ada")
    query = CompiledQuery(_users_of)

    assert [row[0] for row in query.rows(agency_id=with_agency.agency_id, name="Ada")] == [
        with_agency.pk
    ]
    assert [row[0] for row in query.rows(agency_id=None, name="Ada")] == [without_agency.pk]


def _visible_colleagues(*, user):
    # A rule in the manner of accounts.permissions: managers see their agency, others themselves.
    rule = Q(agency_id=user.agency_id) if user.is_manager else Q(pk=user.pk)
    return User.objects.filter(rule).order_by("pk").values_list("pk")


def test_a_user_is_seen_by_role_and_ids_and_each_role_compiles_its_own_sql():
    agency = factories.AgencyFactory()
    manager = factories.ManagerFactory(agency=agency)
    other_manager = factories.ManagerFactory()
    specialists = [factories.UserFactory(agency=agency) for _ in range(2)]
    query = CompiledQuery(_visible_colleagues)

    for user in (manager, *specialists, other_manager, manager):
        assert query.rows(user=user) == list(_visible_colleagues(user=user))
    assert len(query.rows(user=manager)) == 3
    assert query.rows(user=specialists[1]) == [(specialists[1].pk,)]


def test_the_sql_is_sent_without_building_the_queryset_again(settings):
    settings.FASTPATHS_GUARD = False  # the guard builds the queryset on every call
    user = factories.UserFactory()
    built = []

    def build(*, user):
        built.append(user)
        return _visible_colleagues(user=user)

    query = CompiledQuery(build)
    query.rows(user=user)
    colleague = factories.UserFactory(agency=user.agency)
    with CaptureQueriesContext(connection) as queries:
        assert query.rows(user=colleague) == [(colleague.pk,)]
        assert query.rows(user=user) == [(user.pk,)]

    assert len(built) == 2  # the two compilations of the one shape, nothing per call
    assert len(queries.captured_queries) == 2


def test_a_rule_reading_more_of_the_user_fails_when_compiled():
    query = CompiledQuery(lambda user: User.objects.filter(email=user.email).values_list("pk"))

    with pytest.raises(AttributeError):
        query.rows(user=factories.UserFactory())


def test_a_value_changed_on_its_way_to_sql_is_refused():
    query = CompiledQuery(lambda name: User.objects.filter(name__icontains=name).values_list("pk"))

    with pytest.raises(ValueError, match="changed on its way"):
        query.rows(name="anna")


def test_a_value_that_changes_the_sql_is_refused():
    query = CompiledQuery(lambda count: User.objects.filter(pk__in=range(count)).values_list("pk"))

    with pytest.raises(ValueError, match="SQL depends on a value"):
        query.rows(count=3)


def test_only_values_list_querysets_are_compiled():
    query = CompiledQuery(lambda agency_id: User.objects.filter(agency_id=agency_id))

    with pytest.raises(TypeError):
        query.rows(agency_id=1)


def test_a_queryset_that_can_match_nothing_sends_no_sql():
    query = CompiledQuery(
        lambda user: (
            User.objects.none() if user.role == Role.SPECIALIST else User.objects.all()
        ).values_list("pk")
    )
    user = factories.UserFactory()

    with CaptureQueriesContext(connection) as queries:
        assert query.rows(user=user) == []
    assert queries.captured_queries == []


def test_a_list_is_a_parameter_per_item_and_its_length_a_shape():
    users = [factories.UserFactory() for _ in range(4)]
    query = CompiledQuery(
        lambda ids: User.objects.filter(pk__in=ids).order_by("pk").values_list("pk")
    )

    for ids in ([users[0].pk], [users[1].pk, users[3].pk], [users[2].pk], []):
        assert query.rows(ids=ids) == [(pk,) for pk in sorted(set(ids))]


def test_the_guard_refuses_repeated_values_in_an_in_list():
    # The ORM drops repeats from `__in` (one parameter fewer): callers pass distinct ids.
    user = factories.UserFactory()
    query = CompiledQuery(lambda ids: User.objects.filter(pk__in=ids).values_list("pk"))

    with pytest.raises(CompiledQueryMismatch):
        query.rows(ids=[user.pk, user.pk])


def test_only_the_most_recently_used_shapes_are_kept(settings):
    settings.FASTPATHS_GUARD = False  # the guard builds the queryset on every call
    user = factories.UserFactory()
    built = []

    def build(*, user, shape):
        built.append(shape)
        return User.objects.filter(pk=user.pk).order_by(*shape).values_list("pk")

    query = CompiledQuery(build, max_shapes=2)
    for ordering in (("pk",), ("email",), ("pk",), ("name",), ("pk",), ("email",)):
        assert query.rows(user=user, shape=ordering) == [(user.pk,)]

    # pk stays in use throughout; email was dropped for name and is compiled again.
    assert built == [("pk",)] * 2 + [("email",)] * 2 + [("name",)] * 2 + [("email",)] * 2


# The guard: with FASTPATHS_GUARD on (DEBUG, and the whole test suite), every call also
# builds the ORM's query from its own values and compares.


def test_the_guard_is_on_in_the_tests(settings):
    assert settings.FASTPATHS_GUARD


def test_the_guard_catches_a_builder_that_clamps_a_value(settings):
    users = [factories.UserFactory(name=f"Person {n}") for n in range(3)]
    first = min(user.pk for user in users)

    def build(*, value):  # from value 100 down, one user fewer per step
        return User.objects.filter(pk__gte=first + 100 - min(value, 100)).values_list("pk")

    query = CompiledQuery(build)
    # From 100 up the clamp changes nothing: the ORM and the compiled query agree.
    assert len(query.rows(value=100)) == 3
    assert len(query.rows(value=150)) == 3
    # The stand-ins (31,000 and up) were clamped to 100 too, so 100 was baked into the SQL:
    # for 98 the compiled query would answer all three users where the ORM answers one.
    with pytest.raises(CompiledQueryMismatch, match="builds other SQL"):
        query.rows(value=98)
    settings.FASTPATHS_GUARD = False
    assert len(query.rows(value=98)) == 3  # the silent wrong answer the guard stands in for
    assert len(build(value=98)) == 1


def test_the_guard_catches_a_builder_that_reads_the_date(monkeypatch):
    from django.utils import timezone

    agency = factories.AgencyFactory()
    query = CompiledQuery(
        lambda agency_id: User.objects.filter(
            agency_id=agency_id, date_joined__date__lte=timezone.localdate()
        ).values_list("pk")
    )
    assert query.rows(agency_id=agency.pk) == []

    # The next day the builder's date is another, but the compiled SQL kept the first.
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    with pytest.raises(CompiledQueryMismatch, match="reading no clock"):
        query.rows(agency_id=agency.pk)


def test_the_guard_lets_a_builder_that_keeps_the_rule_through(settings):
    agency = factories.AgencyFactory()
    for name in ("Anna", "Bo"):
        factories.UserFactory(agency=agency, name=name)
    query = CompiledQuery(_users_of)

    for name in ("Anna", "Bo", "Cecilia"):
        assert query.rows(agency_id=agency.pk, name=name) == list(
            _users_of(agency_id=agency.pk, name=name)
        )
