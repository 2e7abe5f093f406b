"""Global matching runs through the API and the service, on small real data."""

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.models import Match, MatchingRun, MatchingRunStatus, MatchStatus
from marketplace.services.matches import match_accept, match_approve, match_reject
from marketplace.services.matching_run_start import matching_run_start
from marketplace.services.matching_runs import matching_run_execute
from tests import factories

pytestmark = pytest.mark.django_db

LIST_URL = reverse("api:matching-run-list")


def _detail_url(run_id: int) -> str:
    return reverse("api:matching-run-detail", args=[run_id])


def _lender(agency, *, skill, level: int = 3, capacity: int = 100):
    specialist = factories.SpecialistFactory(agency=agency, max_share_percent=100)
    factories.SpecialistSkillFactory(specialist=specialist, skill=skill, level=level)
    factories.AvailabilityFactory(specialist=specialist, capacity_percent=capacity)
    return specialist


def _need(*, skill, percent: int = 40, headcount: int = 1, **fields):
    need = factories.NeedFactory(capacity_percent=percent, headcount=headcount, **fields)
    factories.NeedSkillFactory(need=need, skill=skill, min_level=2)
    return need


@pytest.fixture
def market():
    """Two needs and a lending agency of four shareable specialists (cap 0.5: two at once)."""
    skill = factories.SkillFactory(name="Kubernetes")
    lending = factories.AgencyFactory()
    specialists = [_lender(lending, skill=skill, level=level) for level in (5, 4, 3, 2)]
    needs = [_need(skill=skill), _need(skill=skill)]
    return {"skill": skill, "agency": lending, "specialists": specialists, "needs": needs}


@pytest.fixture
def coordinator():
    return factories.CoordinatorFactory()


def _start(client, captured):
    with captured(execute=True):
        response = client.post(LIST_URL)
    return response


def test_coordinator_run_ends_done_with_proposals(
    market, coordinator, client_for, django_capture_on_commit_callbacks
):
    response = _start(client_for(coordinator), django_capture_on_commit_callbacks)
    assert response.status_code == 202
    run = client_for(coordinator).get(_detail_url(response.data["id"])).data
    assert run["status"] == "done"
    assert run["proposals_created"] == 2
    assert run["gap"] == 0.0
    assert run["lp_bound"] >= run["total_score"] > 0
    assert set(run["phase_seconds"]) == {"load", "candidates", "build", "solve", "write"}


def test_run_proposals_are_proposed_matches_from_the_run(
    market, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = matching_run_start(actor=coordinator)
    matches = Match.objects.filter(matching_run=run)
    assert {m.need_id for m in matches} == {n.pk for n in market["needs"]}
    assert all(m.status == MatchStatus.PROPOSED for m in matches)
    assert all(m.breakdown["terms"] for m in matches)
    run.refresh_from_db()
    assert run.total_score == pytest.approx(sum(m.score for m in matches), abs=1e-5)


def test_run_proposals_record_the_agencies_of_their_need_and_specialist(
    market, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = matching_run_start(actor=coordinator)
    matches = list(Match.objects.filter(matching_run=run).select_related("need", "specialist"))
    assert matches
    for match in matches:
        assert match.need_agency_id == match.need.agency_id
        assert match.specialist_agency_id == match.specialist.agency_id == market["agency"].pk


def test_run_respects_the_agency_outflow_cap(
    market, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.MATCHING_AGENCY_OUTFLOW_CAP = 0.25  # 4 shareable specialists: one at a time
    with django_capture_on_commit_callbacks(execute=True):
        run = matching_run_start(actor=coordinator)
    assert Match.objects.filter(matching_run=run).count() == 1


def test_run_fits_two_needs_on_one_specialist_only_within_weekly_capacity(
    coordinator, django_capture_on_commit_callbacks, settings
):
    settings.MATCHING_AGENCY_OUTFLOW_CAP = 1.0
    skill = factories.SkillFactory(name="Upphandling")
    lending = factories.AgencyFactory()
    only = _lender(lending, skill=skill, capacity=60)
    _need(skill=skill, percent=40)
    _need(skill=skill, percent=40)
    with django_capture_on_commit_callbacks(execute=True):
        run = matching_run_start(actor=coordinator)
    assert list(Match.objects.filter(matching_run=run).values_list("specialist", flat=True)) == [
        only.pk
    ]


def test_run_never_proposes_a_pair_an_active_match_covers(
    market, coordinator, django_capture_on_commit_callbacks
):
    need = market["needs"][0]
    best = market["specialists"][0]
    factories.MatchFactory(need=need, specialist=best, status=MatchStatus.PROPOSED)
    need.headcount = 2
    need.save()
    with django_capture_on_commit_callbacks(execute=True):
        run = matching_run_start(actor=coordinator)
    proposed = Match.objects.filter(matching_run=run, need=need)
    assert proposed.count() == 1
    assert proposed.get().specialist_id != best.pk


def test_run_is_deterministic(market, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = matching_run_start(actor=coordinator)
    first_pairs = sorted(
        Match.objects.filter(matching_run=first).values_list("need_id", "specialist_id")
    )
    for match in Match.objects.filter(matching_run=first):
        match_reject(actor=coordinator, match=match, reason="Again")
    with django_capture_on_commit_callbacks(execute=True):
        second = matching_run_start(actor=coordinator)
    second_pairs = sorted(
        Match.objects.filter(matching_run=second).values_list("need_id", "specialist_id")
    )
    assert first_pairs == second_pairs


def test_run_proposal_goes_through_approve_and_accept(
    market, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = matching_run_start(actor=coordinator)
    match = Match.objects.filter(matching_run=run).order_by("pk").first()
    manager = factories.ManagerFactory(agency=match.specialist.agency)
    match = match_approve(actor=coordinator, match=match)
    match = match_accept(actor=match.specialist.user, match=match)
    match = match_accept(actor=manager, match=match)
    assert match.status == MatchStatus.ACCEPTED


def test_second_run_while_one_is_queued_is_refused_with_409(market, coordinator, client_for):
    client = client_for(coordinator)
    assert client.post(LIST_URL).status_code == 202
    response = client.post(LIST_URL)
    assert response.status_code == 409
    assert MatchingRun.objects.count() == 1


def test_second_run_while_one_is_running_is_refused_with_409(market, coordinator, client_for):
    MatchingRun.objects.create(status=MatchingRunStatus.RUNNING, started_at=timezone.now())
    assert client_for(coordinator).post(LIST_URL).status_code == 409


def test_run_left_running_long_ago_no_longer_blocks_a_new_one(market, coordinator, client_for):
    lost = MatchingRun.objects.create(
        status=MatchingRunStatus.RUNNING,
        started_at=timezone.now() - timezone.timedelta(hours=2),
    )
    assert client_for(coordinator).post(LIST_URL).status_code == 202
    lost.refresh_from_db()
    assert lost.status == MatchingRunStatus.FAILED


def test_manager_cannot_start_a_run(market, client_for):
    manager = factories.ManagerFactory()
    assert client_for(manager).post(LIST_URL).status_code == 403
    assert not MatchingRun.objects.exists()


def test_manager_cannot_read_a_run(market, coordinator, client_for):
    run = MatchingRun.objects.create(requested_by=coordinator)
    assert client_for(factories.ManagerFactory()).get(_detail_url(run.pk)).status_code == 403
    assert client_for(factories.ManagerFactory()).get(LIST_URL).status_code == 403


def test_missing_run_is_404(coordinator, client_for):
    assert client_for(coordinator).get(_detail_url(999999)).status_code == 404


def test_anonymous_cannot_start_a_run(api_client):
    assert api_client.post(LIST_URL).status_code == 401


def test_run_list_shows_runs_newest_first(coordinator, client_for, django_assert_max_num_queries):
    older = MatchingRun.objects.create(status=MatchingRunStatus.DONE)
    newer = MatchingRun.objects.create(status=MatchingRunStatus.FAILED)
    client = client_for(coordinator)
    with django_assert_max_num_queries(3):
        response = client.get(LIST_URL)
    assert [run["id"] for run in response.data["results"]] == [newer.pk, older.pk]


def test_run_cut_short_by_its_time_limit_still_proposes_greedys_assignment(
    market, coordinator, settings, client_for, django_capture_on_commit_callbacks
):
    settings.MATCHING_TIME_LIMIT_SECONDS = 0  # no time for the solver at all
    response = _start(client_for(coordinator), django_capture_on_commit_callbacks)
    run = client_for(coordinator).get(_detail_url(response.data["id"])).data
    assert run["status"] == "done"
    assert run["proposals_created"] == 2
    assert run["total_score"] >= run["greedy_total"] > 0
    assert run["proven_bound"] >= run["total_score"]


def test_run_reports_its_model_greedys_total_and_its_proven_bound(
    market, coordinator, client_for, django_capture_on_commit_callbacks
):
    response = _start(client_for(coordinator), django_capture_on_commit_callbacks)
    run = client_for(coordinator).get(_detail_url(response.data["id"])).data
    assert run["proven_bound"] == pytest.approx(run["total_score"])  # proven optimal
    assert 0 < run["greedy_total"] <= run["total_score"]
    stats = run["model_stats"]
    assert stats["pairs"] == 8  # two needs × four specialists
    assert stats["columns"] <= stats["pairs"]
    assert stats["status"] == "optimal"
    assert {"need_rows", "capacity_rows", "fairness_rows", "cover_rows", "nonzeros"} <= set(stats)


def _days_of_one_week(weeks_ahead: int = 4) -> list[dt.date]:
    """Monday to Sunday of a week a few weeks from today."""
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=weeks_ahead)
    return [monday + dt.timedelta(days=k) for k in range(7)]


def test_run_gives_one_specialist_two_needs_of_one_week_on_different_days(
    coordinator, settings, django_capture_on_commit_callbacks
):
    """Tuesday–Wednesday and Thursday–Saturday at 60% each: never more than 60% on a day,
    so both go to the one specialist who fits (a weekly model would refuse the second)."""
    settings.MATCHING_AGENCY_OUTFLOW_CAP = 1.0
    skill = factories.SkillFactory(name="Arkivering")
    only = _lender(factories.AgencyFactory(), skill=skill, capacity=100)
    week = _days_of_one_week()
    early = _need(skill=skill, percent=60, start=week[1], end=week[2])
    late = _need(skill=skill, percent=60, start=week[3], end=week[5])
    with django_capture_on_commit_callbacks(execute=True):
        run = matching_run_start(actor=coordinator)
    proposed = Match.objects.filter(matching_run=run)
    assert sorted(proposed.values_list("need_id", "specialist_id")) == sorted(
        [(early.pk, only.pk), (late.pk, only.pk)]
    )


def test_run_gives_one_specialist_only_one_of_two_needs_sharing_a_day(
    coordinator, settings, django_capture_on_commit_callbacks
):
    """Tuesday–Thursday and Thursday–Saturday at 60% each would ask 120% on Thursday."""
    settings.MATCHING_AGENCY_OUTFLOW_CAP = 1.0
    skill = factories.SkillFactory(name="Arkivering")
    _lender(factories.AgencyFactory(), skill=skill, capacity=100)
    week = _days_of_one_week()
    _need(skill=skill, percent=60, start=week[1], end=week[3])
    _need(skill=skill, percent=60, start=week[3], end=week[5])
    with django_capture_on_commit_callbacks(execute=True):
        run = matching_run_start(actor=coordinator)
    assert Match.objects.filter(matching_run=run).count() == 1


def test_run_counts_the_agency_cap_by_day(
    coordinator, settings, django_capture_on_commit_callbacks
):
    """Cap 1 of two shareable specialists: two engagements may follow each other within
    one week, never overlap on a day."""
    settings.MATCHING_AGENCY_OUTFLOW_CAP = 0.5
    skill = factories.SkillFactory(name="Arkivering")
    lending = factories.AgencyFactory()
    _lender(lending, skill=skill, capacity=100)
    _lender(lending, skill=skill, capacity=100)
    week = _days_of_one_week()
    _need(skill=skill, percent=60, start=week[0], end=week[2])
    _need(skill=skill, percent=60, start=week[3], end=week[6])
    _need(skill=skill, percent=60, start=week[2], end=week[4])
    with django_capture_on_commit_callbacks(execute=True):
        run = matching_run_start(actor=coordinator)
    periods = sorted(Match.objects.filter(matching_run=run).values_list("start", "end"))
    assert periods == [(week[0], week[2]), (week[3], week[6])]


def test_run_executed_twice_is_not_redone(market, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = matching_run_start(actor=coordinator)
    again = matching_run_execute(run_id=run.pk)
    assert again.status == MatchingRunStatus.DONE
    assert Match.objects.filter(matching_run=run).count() == 2


def test_run_left_running_by_a_lost_worker_is_redone_from_scratch(market, coordinator):
    run = MatchingRun.objects.create(
        requested_by=coordinator, status=MatchingRunStatus.RUNNING, started_at=timezone.now()
    )
    run = matching_run_execute(run_id=run.pk)
    assert run.status == MatchingRunStatus.DONE
    assert Match.objects.filter(matching_run=run).count() == 2


def test_run_over_no_open_needs_is_done_and_empty(coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = matching_run_start(actor=coordinator)
    run.refresh_from_db()
    assert run.status == MatchingRunStatus.DONE
    assert run.proposals_created == 0


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_run_through_a_real_worker_ends_done(market, coordinator, client_for, live_worker):
    client = client_for(coordinator)
    response = client.post(LIST_URL)
    assert response.status_code == 202
    deadline = time.monotonic() + 60
    status = response.data["status"]
    while status in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
        status = client.get(_detail_url(response.data["id"])).data["status"]
    assert status == "done"
    assert Match.objects.filter(matching_run_id=response.data["id"]).count() == 2
