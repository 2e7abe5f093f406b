"""Every filter and ordering of the long lists can use an index (PostgreSQL EXPLAIN).

The test tables are tiny, so the planner would rightly read them whole; with sequential
scans switched off it shows which index it can use instead, and a filter without one
falls back to a sequential scan all the same, which fails the test.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from marketplace.api.filters import NeedFilter, SpecialistFilter
from marketplace.selectors.audit import AuditEventFilter, audit_event_list
from marketplace.selectors.dashboards import awaiting_release, borrowed, for_match_table, lent_out
from marketplace.selectors.matches import MatchFilter, match_list
from marketplace.selectors.needs import BOARD_ORDERING, board_ordering, need_list
from marketplace.selectors.specialists import specialist_list
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _prefer_indexes(cursor, *, ordered: bool) -> None:
    cursor.execute("SET LOCAL enable_seqscan = off")
    if ordered:
        # For an ordering, the index that gives the order is the one a long list needs; on
        # tables this small, statistics left by earlier tests can make "any index, then
        # sort" look cheaper.
        cursor.execute("SET LOCAL enable_sort = off")
        # Nor "an index on the first key, then sort by the rest" (an incremental sort).
        cursor.execute("SET LOCAL enable_incremental_sort = off")


def _plan(queryset: QuerySet, *, ordered: bool = False) -> str:
    with connection.cursor() as cursor:
        _prefer_indexes(cursor, ordered=ordered)
    return queryset.explain()


def _assert_index(queryset: QuerySet, table: str, index: str, *, ordered: bool = False) -> None:
    plan = _plan(queryset, ordered=ordered)
    assert f"Seq Scan on {table}" not in plan, plan
    assert re.search(rf"Index (Only )?Scan( Backward)? using ({index})\b", plan) or re.search(
        rf"Bitmap Index Scan on ({index})\b", plan
    ), plan


@pytest.fixture
def coordinator():
    return factories.CoordinatorFactory()


@pytest.fixture
def world():
    skill = factories.SkillFactory()
    need = factories.NeedFactory()
    factories.NeedSkillFactory(need=need, skill=skill)
    specialist = factories.SpecialistFactory(shareable=True, region="AB")
    factories.SpecialistSkillFactory(specialist=specialist, skill=skill, level=4)
    factories.AvailabilityFactory(specialist=specialist)
    factories.MatchFactory(need=need, specialist=specialist)
    return {"skill": skill, "need": need, "specialist": specialist}


def _needs(user, params: dict) -> QuerySet:
    return NeedFilter(params, queryset=need_list(user=user)).qs.order_by("-created_at", "-id")[:50]


def test_needs_board_newest_first_reads_the_created_index(coordinator, world):
    _assert_index(_needs(coordinator, {}), "marketplace_need", "need_created_idx", ordered=True)


def test_needs_status_filter_reads_the_status_created_index(coordinator, world):
    queryset = _needs(coordinator, {"status": "open"})
    _assert_index(queryset, "marketplace_need", "need_status_created_idx|need_status_start_idx")


def test_needs_agency_filter_reads_the_agency_index(coordinator, world):
    queryset = _needs(coordinator, {"agency": world["need"].agency_id})
    _assert_index(
        queryset, "marketplace_need", r"need_agency_status_idx|marketplace_need_agency_id_\w+"
    )


def test_needs_skill_filter_reads_the_skill_index(coordinator, world):
    queryset = NeedFilter({"skill": world["skill"].pk}, queryset=need_list(user=coordinator)).qs
    _assert_index(
        queryset,
        "marketplace_needskill",
        r"needskill_board_idx|needskill_skill_need_idx|marketplace_needskill_skill_id_\w+",
    )


def test_needs_board_by_skill_newest_first_reads_the_skill_board_index(coordinator, world):
    """The skill's needs in board order straight from one index: no walk over every need."""
    queryset = NeedFilter({"skill": world["skill"].pk}, queryset=need_list(user=coordinator)).qs
    page = queryset.order_by(*board_ordering(queryset, BOARD_ORDERING))[:50]
    _assert_index(page, "marketplace_needskill", "needskill_board_idx", ordered=True)


def _specialists(user, params: dict) -> QuerySet:
    return SpecialistFilter(params, queryset=specialist_list(user=user)).qs.order_by("id")[:50]


def test_specialists_skill_filter_reads_a_skill_index(coordinator, world):
    queryset = _specialists(coordinator, {"skill": world["skill"].pk, "min_level": 3})
    _assert_index(
        queryset,
        "marketplace_specialistskill",
        r"specskill_skill_spec_idx|specskill_skill_level_idx|specskill_unique_skill",
    )


def test_specialists_availability_filter_reads_the_period_index(coordinator, world):
    today = timezone.localdate()
    params = {
        "available_from": today + timedelta(days=10),
        "available_to": today + timedelta(days=20),
        "min_capacity": 20,
    }
    _assert_index(
        _specialists(coordinator, params), "marketplace_availability", "avail_spec_period_cap_idx"
    )


def test_specialists_region_filter_reads_the_region_index(coordinator, world):
    queryset = SpecialistFilter({"region": "AB"}, queryset=specialist_list(user=coordinator)).qs
    _assert_index(queryset, "marketplace_specialist", "specialist_region_idx")


def test_specialists_agency_filter_reads_an_agency_index(coordinator, world):
    agency_id = world["specialist"].agency_id
    queryset = SpecialistFilter(
        {"agency": agency_id}, queryset=specialist_list(user=coordinator)
    ).qs
    _assert_index(
        queryset,
        "marketplace_specialist",
        r"specialist_agency_share_idx|marketplace_specialist_agency_id_\w+",
    )


def _matches(user, params: dict) -> QuerySet:
    return MatchFilter(params, queryset=match_list(user=user)).qs


def test_matches_status_filter_reads_the_status_index(coordinator, world):
    _assert_index(
        _matches(coordinator, QueryDict("status=proposed")),
        "marketplace_match",
        "match_status_created_idx",
    )


def test_matches_need_filter_reads_the_need_index(coordinator, world):
    queryset = _matches(coordinator, {"need": world["need"].pk})
    _assert_index(
        queryset, "marketplace_match", r"match_need_status_idx|marketplace_match_need_id_\w+"
    )


def test_matches_specialist_filter_reads_the_specialist_index(coordinator, world):
    queryset = _matches(coordinator, {"specialist": world["specialist"].pk})
    _assert_index(
        queryset,
        "marketplace_match",
        r"match_specialist_status_idx|marketplace_match_specialist_id_\w+",
    )


def test_matches_newest_first_reads_the_created_index(coordinator, world):
    queryset = match_list(user=coordinator).order_by("-created_at", "-id")[:50]
    _assert_index(queryset, "marketplace_match", "match_created_idx", ordered=True)


def test_audit_trail_newest_first_reads_the_created_index(coordinator, world):
    # An ordering: statistics left by earlier tests must not pick the created_at column's
    # own index followed by an incremental sort by id.
    _assert_index(
        audit_event_list(user=coordinator)[:50],
        "marketplace_auditevent",
        "audit_created_idx",
        ordered=True,
    )


def test_audit_trail_actor_filter_reads_the_actor_index(coordinator, world):
    queryset = AuditEventFilter(
        {"actor": coordinator.pk}, queryset=audit_event_list(user=coordinator)
    ).qs[:50]
    _assert_index(queryset, "marketplace_auditevent", "audit_actor_created_idx")


def test_audit_trail_action_filter_reads_the_action_index(coordinator, world):
    queryset = AuditEventFilter(
        {"action": "match.approve"}, queryset=audit_event_list(user=coordinator)
    ).qs[:50]
    _assert_index(queryset, "marketplace_auditevent", "audit_action_created_idx")


# Pages after the first: the cursor's condition reads the ordering's index from the cursor on.


def _query_of(client, path: str, params: dict, table: str) -> str:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params).status_code == 200
    return next(q["sql"] for q in captured.captured_queries if f'FROM "{table}"' in q["sql"])


def _assert_sql_index(sql: str, table: str, index: str, *, ordered: bool = False) -> None:
    with connection.cursor() as cursor:
        _prefer_indexes(cursor, ordered=ordered)
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Seq Scan on {table}" not in plan, plan
    assert re.search(rf"Index (Only )?Scan( Backward)? using ({index})\b", plan) or re.search(
        rf"Bitmap Index Scan on ({index})\b", plan
    ), plan


def _next_page_query(client, path: str, params: dict, table: str) -> str:
    first = client.get(path, {**params, "page_size": 1}).json()
    assert first["next"], first
    cursor = first["next"].split("cursor=")[1].split("&")[0]
    return _query_of(client, path, {**params, "page_size": 1, "cursor": cursor}, table)


@pytest.fixture
def two_of_each(world):
    factories.NeedFactory()
    factories.SpecialistFactory(shareable=True)
    return world


def test_needs_next_page_reads_the_created_index(client_for, coordinator, two_of_each):
    sql = _next_page_query(client_for(coordinator), "/api/v1/needs/", {}, "marketplace_need")
    _assert_sql_index(sql, "marketplace_need", "need_created_idx", ordered=True)


def test_needs_next_page_within_a_status_reads_the_status_index(
    client_for, coordinator, two_of_each
):
    client = client_for(coordinator)
    sql = _next_page_query(client, "/api/v1/needs/", {"status": "open"}, "marketplace_need")
    _assert_sql_index(
        sql, "marketplace_need", "need_status_created_idx|need_created_idx", ordered=True
    )


def test_needs_next_page_by_start_reads_the_status_start_index(
    client_for, coordinator, two_of_each
):
    client = client_for(coordinator)
    params = {"status": "open", "ordering": "start"}
    sql = _next_page_query(client, "/api/v1/needs/", params, "marketplace_need")
    _assert_sql_index(sql, "marketplace_need", "need_status_start_idx", ordered=True)


def test_specialists_next_page_reads_the_primary_key(client_for, coordinator, two_of_each):
    client = client_for(coordinator)
    sql = _next_page_query(client, "/api/v1/specialists/", {}, "marketplace_specialist")
    _assert_sql_index(sql, "marketplace_specialist", r"marketplace_specialist_pkey", ordered=True)


# The manager's dashboard lists: the newest few of the agency's matches, not every match.


@pytest.mark.parametrize("selector", [lent_out, awaiting_release, borrowed])
def test_manager_dashboard_lists_read_a_match_index(world, selector):
    manager = factories.ManagerFactory(agency=world["specialist"].agency)
    _assert_index(
        for_match_table(selector(user=manager))[:6],
        "marketplace_match",
        r"match_spec_agency_idx|match_need_agency_idx",
    )
