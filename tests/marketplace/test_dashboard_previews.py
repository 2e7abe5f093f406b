"""The dashboards' compiled reads show every user what the selectors they are built from
select for that user: the same rows, whoever asked before."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from marketplace.models import MatchStatus, Need, NeedStatus
from marketplace.selectors import dashboards
from tests import factories

pytestmark = pytest.mark.django_db

PREVIEWS = [
    (dashboards.pending_proposals_preview, dashboards.pending_proposals_for_specialist),
    (dashboards.engagements_preview, dashboards.engagements_for_specialist),
    (dashboards.awaiting_release_preview, dashboards.awaiting_release),
    (dashboards.lent_out_preview, dashboards.lent_out),
    (dashboards.borrowed_preview, dashboards.borrowed),
]


@pytest.fixture
def network():
    """Two agencies lending each other specialists, matches in every status, a coordinator."""
    agencies = [factories.AgencyFactory(), factories.AgencyFactory()]
    managers = [factories.ManagerFactory(agency=agency) for agency in agencies]
    specialists = [
        factories.SpecialistFactory(agency=agency) for agency in agencies for _ in range(2)
    ]
    statuses = [
        MatchStatus.PROPOSED,
        MatchStatus.APPROVED,
        MatchStatus.ACCEPTED,
        MatchStatus.COMPLETED,
    ]
    for n, (need_agency, specialist) in enumerate(itertools.product(agencies * 4, specialists)):
        need = factories.NeedFactory(agency=need_agency, start=factories.future(10 + n))
        factories.MatchFactory(need=need, specialist=specialist, status=statuses[(n + n // 4) % 4])
    factories.NeedFactory(agency=agencies[0], status=NeedStatus.DRAFT, published_at=None)
    factories.AvailabilityFactory(specialist=specialists[0])
    coordinator = factories.CoordinatorFactory(agency=None)
    return [*managers, *(s.user for s in specialists), coordinator]


def test_each_preview_is_its_selectors_first_rows_for_every_user(network):
    shown = set()
    for user in network * 2:  # the second round reuses what the first compiled
        for preview, selector in PREVIEWS:
            matches = selector(user=user)[: dashboards.DASHBOARD_ROWS + 1]
            expected = dashboards.preview_of(dashboards.match_rows(matches))
            assert preview(user=user) == expected, (preview, user.role)
            shown.update(row.pk for row in expected.rows)
    assert len(shown) > 20


def test_the_previews_differ_between_agencies_and_specialists(network):
    first_manager, second_manager, first_specialist, *_ = network

    assert dashboards.lent_out_preview(user=first_manager) != dashboards.lent_out_preview(
        user=second_manager
    )
    own = dashboards.engagements_preview(user=first_specialist).rows
    assert own and {row.specialist_name for row in own} == {first_specialist.name}


def test_counts_and_lists_agree_with_the_orm(network):
    first_manager, second_manager, *_, coordinator = network
    queue = dashboards.approval_queue(user=coordinator)

    assert dashboards.approval_queue_count(user=coordinator) == queue.count() > 0
    for manager in (first_manager, second_manager):
        counted = dashboards.agency_needs_by_status(user=manager)
        assert sum(counted.values()) == Need.objects.filter(agency=manager.agency).count()
        assert counted[NeedStatus.OPEN] == 16
    assert dashboards.agency_needs_by_status(user=first_manager)[NeedStatus.DRAFT] == 1
    assert dashboards.agency_needs_by_status(user=second_manager)[NeedStatus.DRAFT] == 0


def test_the_profile_state_reads_todays_windows_for_each_specialist(network):
    with_window, without_window = network[2], network[3]

    state = dashboards.specialist_profile_state(user=with_window)
    assert [w.start for w in state.coming_availability] == [
        timezone.localdate() + dt.timedelta(days=1)
    ]
    assert dashboards.specialist_profile_state(user=without_window).coming_availability == []
    assert dashboards.specialist_profile_state(user=network[0]) is None  # a manager
