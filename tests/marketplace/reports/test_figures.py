"""Each figure of the summary on data small enough to compute the right answer by hand."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.errors import Forbidden
from marketplace.models import NeedStatus
from marketplace.selectors.reports import ReportPeriod, report_summary
from tests import factories
from tests.marketplace.reports.conftest import at, completed, make_need, save

YEAR_2027 = ReportPeriod(start=dt.date(2027, 1, 1), end=dt.date(2027, 12, 31))


def summary(user, period=YEAR_2027, agency=None):
    return report_summary(user=user, period=period, agency=agency)


def row_of(report, slug):
    return next(row for row in report.agencies if row.slug == slug)


# Period and FTE ---------------------------------------------------------------------------


def test_a_calendar_year_is_one_year_long_even_in_a_leap_year():
    assert YEAR_2027.years == 1.0
    assert ReportPeriod(start=dt.date(2028, 1, 1), end=dt.date(2028, 12, 31)).years == 1.0


def test_a_period_spanning_two_years_adds_each_years_share():
    period = ReportPeriod(start=dt.date(2027, 7, 1), end=dt.date(2028, 6, 30))
    assert period.years == pytest.approx(184 / 365 + 182 / 366)


def test_no_engagements_gives_zeros_and_no_rates(coordinator, agencies):
    report = summary(coordinator)
    assert report.network.engagements == 0
    assert report.network.hours == 0
    assert report.network.fte == 0
    assert report.network.cost_avoided == 0
    assert report.network.fill_rate is None
    assert report.network.median_days_to_approved is None
    assert report.network.median_days_to_accepted is None
    assert report.network.need_rating_average is None
    assert report.flows == [] and report.skills == []
    assert len(report.months) == 12 and all(m.cost_avoided == 0 for m in report.months)
    assert [row.balance_fte for row in report.agencies] == [0.0, 0.0, 0.0]


def test_fte_is_hours_over_annual_hours_times_years(coordinator, agencies, cloud):
    lender, borrower, _ = agencies
    specialist = factories.SpecialistFactory(agency=lender)
    completed(make_need(borrower), specialist, hours="400")
    completed(make_need(borrower), specialist, hours="400")
    report = summary(coordinator)
    assert report.network.hours == Decimal("800")
    assert report.network.fte == 0.5


def test_fte_of_a_half_year_period_uses_its_share_of_the_year(coordinator, agencies):
    lender, borrower, _ = agencies
    completed(make_need(borrower), factories.SpecialistFactory(agency=lender), hours="800")
    half = ReportPeriod(start=dt.date(2027, 1, 1), end=dt.date(2027, 6, 30))
    assert summary(coordinator, half).network.fte == round(800 / (1600 * 181 / 365), 3)


def test_annual_hours_come_from_the_setting(coordinator, agencies, settings):
    settings.REPORTS_ANNUAL_HOURS = 1000
    lender, borrower, _ = agencies
    completed(make_need(borrower), factories.SpecialistFactory(agency=lender), hours="250")
    assert summary(coordinator).network.fte == 0.25


def test_engagements_count_by_completion_inside_the_period_only(coordinator, agencies):
    lender, borrower, _ = agencies
    specialist = factories.SpecialistFactory(agency=lender)
    inside = completed(make_need(borrower), specialist, hours="10")
    inside.completed_at = at("2027-12-31", 23)
    save(inside)
    after = completed(make_need(borrower), specialist, hours="20")
    after.completed_at = at("2028-01-01", 0)
    save(after)
    before = completed(make_need(borrower), specialist, hours="40")
    before.completed_at = at("2026-12-31", 23)
    save(before)
    report = summary(coordinator)
    assert report.network.engagements == 1
    assert report.network.hours == Decimal("10")


# Lent and borrowed ---------------------------------------------------------------------------


def test_hours_are_lent_by_the_specialists_agency_and_borrowed_by_the_needs(coordinator, agencies):
    lender, borrower, _ = agencies
    completed(make_need(borrower), factories.SpecialistFactory(agency=lender), hours="320")
    completed(make_need(lender), factories.SpecialistFactory(agency=borrower), hours="160")
    report = summary(coordinator)
    lent, borrowed = row_of(report, "lender"), row_of(report, "borrower")
    assert (lent.lent_hours, lent.borrowed_hours) == (Decimal("320"), Decimal("160"))
    assert (lent.lent_fte, lent.borrowed_fte, lent.balance_fte) == (0.2, 0.1, 0.1)
    assert (borrowed.lent_fte, borrowed.borrowed_fte, borrowed.balance_fte) == (0.1, 0.2, -0.1)
    assert row_of(report, "bystander").balance_fte == 0.0


def test_an_agency_that_only_lends_has_zero_borrowed_and_no_cost_avoided(coordinator, agencies):
    lender, borrower, _ = agencies
    completed(make_need(borrower), factories.SpecialistFactory(agency=lender), hours="160")
    row = row_of(summary(coordinator), "lender")
    assert row.lent_engagements == 1 and row.lent_fte == 0.1
    assert row.borrowed_engagements == 0 and row.borrowed_hours == 0 and row.borrowed_fte == 0
    assert row.cost_avoided == 0
    assert row.fill_rate is None and row.median_days_to_accepted is None


def test_flows_pair_lender_and_borrower(coordinator, agencies):
    lender, borrower, _ = agencies
    specialist = factories.SpecialistFactory(agency=lender)
    completed(make_need(borrower), specialist, hours="100")
    completed(make_need(borrower), specialist, hours="60")
    [flow] = summary(coordinator).flows
    assert (flow.lender, flow.borrower, flow.engagements) == ("A Lender", "B Borrower", 2)
    assert flow.hours == Decimal("160") and flow.fte == 0.1


# Consultant cost avoided -----------------------------------------------------------------------


def test_cost_avoided_is_hours_times_market_rate_minus_internal_price(coordinator, agencies, cloud):
    lender, borrower, _ = agencies
    need = make_need(borrower, skills=((cloud, 3, True),))
    completed(need, factories.SpecialistFactory(agency=lender), hours="100")
    figures = summary(coordinator).network
    assert figures.consultant_cost == 145_000
    assert figures.internal_cost == 85_000
    assert figures.cost_avoided == 60_000


def test_rate_follows_the_first_required_skill_not_a_nice_to_have(
    coordinator, agencies, cloud, security
):
    lender, borrower, _ = agencies
    need = make_need(borrower, skills=((cloud, 3, False), (security, 3, True)))
    completed(need, factories.SpecialistFactory(agency=lender), hours="10")
    assert summary(coordinator).network.consultant_cost == 15_000


def test_rate_follows_the_required_skill_entered_first(coordinator, agencies, cloud, security):
    lender, borrower, _ = agencies
    need = make_need(borrower, skills=((security, 3, True), (cloud, 3, True)))
    completed(need, factories.SpecialistFactory(agency=lender), hours="10")
    assert summary(coordinator).network.consultant_cost == 15_000


def test_need_without_skills_or_with_an_unlisted_category_uses_the_default_rate(
    coordinator, agencies
):
    lender, borrower, _ = agencies
    data = factories.SkillFactory(name="Reports data", category="data")
    specialist = factories.SpecialistFactory(agency=lender)
    completed(make_need(borrower), specialist, hours="10")
    completed(make_need(borrower, skills=((data, 2, True),)), specialist, hours="10")
    assert summary(coordinator).network.consultant_cost == 26_000


def test_agency_rates_override_the_settings(coordinator, agencies, cloud):
    lender, borrower, _ = agencies
    lender.internal_hourly_rate = 1000
    lender.save()
    borrower.consultant_rate_overrides = {"cloud": 1700}
    borrower.save()
    need = make_need(borrower, skills=((cloud, 3, True),))
    completed(need, factories.SpecialistFactory(agency=lender), hours="100")
    report = summary(coordinator)
    assert report.network.cost_avoided == 100 * (1700 - 1000)
    assert row_of(report, "borrower").cost_avoided == 70_000


def test_an_internal_price_above_the_market_counts_negative(coordinator, agencies, cloud):
    lender, borrower, _ = agencies
    lender.internal_hourly_rate = 1500
    lender.save()
    need = make_need(borrower, skills=((cloud, 3, True),))
    completed(need, factories.SpecialistFactory(agency=lender), hours="10.5")
    assert summary(coordinator).network.cost_avoided == -525


def test_cost_avoided_per_month_by_completion_month(coordinator, agencies, cloud):
    lender, borrower, _ = agencies
    specialist = factories.SpecialistFactory(agency=lender)
    need = make_need(borrower, skills=((cloud, 3, True),))
    completed(need, specialist, hours="10", completed="2027-01-31")
    completed(
        make_need(borrower, skills=((cloud, 3, True),)),
        specialist,
        hours="20",
        completed="2027-01-01",
    )
    completed(make_need(borrower), specialist, hours="10", completed="2027-03-01")
    months = {m.month.month: m for m in summary(coordinator).months}
    assert months[1].engagements == 2 and months[1].cost_avoided == 30 * 600
    assert months[2].engagements == 0 and months[2].cost_avoided == 0
    assert months[3].cost_avoided == 10 * (1300 - 850)


# Fill rate and time to match --------------------------------------------------------------------


def test_fill_rate_is_filled_over_final_needs_published_in_the_period(coordinator, agencies):
    _, borrower, _ = agencies
    make_need(borrower, status=NeedStatus.FILLED)
    make_need(borrower, status=NeedStatus.FILLED)
    make_need(borrower, status=NeedStatus.FILLED)
    make_need(borrower, status=NeedStatus.CLOSED)
    make_need(borrower, status=NeedStatus.OPEN)
    make_need(borrower, status=NeedStatus.CANCELLED)
    make_need(borrower, status=NeedStatus.CLOSED, published="2026-12-31")
    figures = summary(coordinator).network
    assert (figures.needs_filled, figures.needs_final, figures.fill_rate) == (3, 4, 0.75)


def test_median_days_to_approved_of_an_odd_count_is_the_middle_one(coordinator, agencies):
    lender, borrower, _ = agencies
    specialist = factories.SpecialistFactory(agency=lender)
    for approved in ("2027-02-03", "2027-02-05", "2027-02-10"):
        completed(
            make_need(borrower, published="2027-02-01"), specialist, hours="1", approved=approved
        )
    assert summary(coordinator).network.median_days_to_approved == 4.0


def test_median_days_to_accepted_of_an_even_count_is_the_mean_of_the_middle_two(
    coordinator, agencies
):
    lender, borrower, _ = agencies
    specialist = factories.SpecialistFactory(agency=lender)
    for accepted in ("2027-02-02", "2027-02-04", "2027-02-11", "2027-03-03"):
        completed(
            make_need(borrower, published="2027-02-01"), specialist, hours="1", accepted=accepted
        )
    # 1, 3, 10 and 30 days: the middle two average to 6.5.
    assert summary(coordinator).network.median_days_to_accepted == 6.5


def test_median_per_agency_is_computed_per_borrowing_agency(coordinator, agencies):
    lender, borrower, bystander = agencies
    specialist = factories.SpecialistFactory(agency=lender)
    for accepted in ("2027-02-02", "2027-02-04"):
        completed(
            make_need(borrower, published="2027-02-01"), specialist, hours="1", accepted=accepted
        )
    completed(
        make_need(bystander, published="2027-02-01"), specialist, hours="1", accepted="2027-02-21"
    )
    report = summary(coordinator)
    assert row_of(report, "borrower").median_days_to_accepted == 2.0
    assert row_of(report, "bystander").median_days_to_accepted == 20.0
    assert report.network.median_days_to_accepted == 3.0


# Scarcest skills -------------------------------------------------------------------------------


def test_scarce_skills_count_unfilled_and_late_needs_against_shareable_supply(
    coordinator, agencies, cloud, security
):
    lender, borrower, _ = agencies
    for level, shareable in ((4, True), (2, True), (5, False)):
        specialist = factories.SpecialistFactory(agency=lender, shareable=shareable)
        factories.SpecialistSkillFactory(specialist=specialist, skill=security, level=level)
    make_need(borrower, status=NeedStatus.CLOSED, skills=((security, 3, True),))
    make_need(borrower, status=NeedStatus.CLOSED, skills=((security, 3, True),))
    late = make_need(borrower, start="2027-03-01", skills=((cloud, 2, True),))
    completed(late, factories.SpecialistFactory(agency=lender), hours="1", accepted="2027-03-02")
    on_time = make_need(borrower, start="2027-03-01", skills=((cloud, 2, True),))
    completed(on_time, factories.SpecialistFactory(agency=lender), hours="1", accepted="2027-03-01")
    scarce, cloud_row = summary(coordinator).skills
    assert (scarce.skill, scarce.min_level, scarce.needs) == ("Reports security", 3, 2)
    assert (scarce.unfilled, scarce.filled_late, scarce.shareable_specialists) == (2, 0, 1)
    assert (cloud_row.needs, cloud_row.unfilled, cloud_row.filled_late) == (2, 0, 1)
    assert cloud_row.shareable_specialists == 0


def test_scarce_skills_ignore_nice_to_have_skills_and_open_needs(
    coordinator, agencies, cloud, security
):
    _, borrower, _ = agencies
    make_need(borrower, status=NeedStatus.CLOSED, skills=((cloud, 3, False),))
    make_need(borrower, status=NeedStatus.OPEN, skills=((security, 3, True),))
    assert summary(coordinator).skills == []


# Ratings ---------------------------------------------------------------------------------------


def test_ratings_average_and_count_only_given_ratings(coordinator, agencies):
    lender, borrower, _ = agencies
    specialist = factories.SpecialistFactory(agency=lender)
    completed(make_need(borrower), specialist, hours="1", need_rating=5, specialist_rating=4)
    completed(make_need(borrower), specialist, hours="1", need_rating=4)
    completed(make_need(borrower), specialist, hours="1")
    report = summary(coordinator)
    assert (report.network.need_rating_average, report.network.need_rating_count) == (4.5, 2)
    assert report.network.specialist_rating_average == 4.0
    assert report.network.specialist_rating_count == 1
    by_rating = {row.rating: row for row in report.ratings}
    assert by_rating[5].from_borrowing_agency == 1 and by_rating[4].from_specialist == 1


# Who sees what ---------------------------------------------------------------------------------


def test_agency_detail_scopes_engagements_costs_and_needs(coordinator, agencies, cloud):
    lender, borrower, bystander = agencies
    specialist = factories.SpecialistFactory(agency=lender)
    completed(make_need(borrower, skills=((cloud, 3, True),)), specialist, hours="100")
    completed(make_need(bystander, status=NeedStatus.CLOSED), specialist, hours="50")
    make_need(borrower, status=NeedStatus.CLOSED)
    lender_view = summary(coordinator, agency=lender).agency_figures
    assert (lender_view.engagements, lender_view.hours) == (2, Decimal("150"))
    assert lender_view.cost_avoided == 0 and lender_view.fill_rate is None
    borrower_view = summary(coordinator, agency=borrower).agency_figures
    assert (borrower_view.engagements, borrower_view.cost_avoided) == (1, 60_000)
    assert borrower_view.fill_rate == 0.5


def test_a_manager_gets_the_network_and_only_their_own_agency(agencies):
    lender, borrower, _ = agencies
    manager = factories.ManagerFactory(agency=lender)
    completed(make_need(borrower), factories.SpecialistFactory(agency=lender), hours="160")
    report = summary(manager)
    assert report.agency == lender
    assert report.network.engagements == 1
    assert [row.slug for row in report.agencies] == ["lender"]
    assert report.agency_figures.engagements == 1


def test_a_manager_sees_only_flows_touching_their_agency(agencies):
    lender, borrower, bystander = agencies
    completed(make_need(borrower), factories.SpecialistFactory(agency=lender), hours="10")
    completed(make_need(bystander), factories.SpecialistFactory(agency=borrower), hours="10")
    report = summary(factories.ManagerFactory(agency=lender))
    assert [(f.lender, f.borrower) for f in report.flows] == [("A Lender", "B Borrower")]
    assert report.network.engagements == 2


def test_a_manager_may_not_read_another_agencys_detail(agencies):
    lender, borrower, _ = agencies
    with pytest.raises(Forbidden):
        summary(factories.ManagerFactory(agency=lender), agency=borrower)


def test_a_specialist_may_not_read_reports(agencies):
    with pytest.raises(Forbidden):
        summary(factories.SpecialistFactory(agency=agencies[0]).user)


def test_need_with_only_nice_to_have_skills_uses_the_default_rate(coordinator, agencies, cloud):
    lender, borrower, _ = agencies
    need = make_need(borrower, skills=((cloud, 3, False),))
    completed(need, factories.SpecialistFactory(agency=lender), hours="10")
    assert summary(coordinator).network.consultant_cost == 13_000


def test_cost_avoided_adds_up_across_categories_and_lenders(coordinator, agencies, cloud, security):
    lender, borrower, bystander = agencies
    bystander.internal_hourly_rate = 700
    bystander.save()
    completed(
        make_need(borrower, skills=((cloud, 3, True),)),
        factories.SpecialistFactory(agency=lender),
        hours="10",
    )
    completed(
        make_need(borrower, skills=((security, 3, True),)),
        factories.SpecialistFactory(agency=bystander),
        hours="20",
    )
    completed(make_need(borrower), factories.SpecialistFactory(agency=bystander), hours="5")
    report = summary(coordinator)
    consultant = 10 * 1450 + 20 * 1500 + 5 * 1300
    internal = 10 * 850 + 25 * 700
    assert (report.network.consultant_cost, report.network.internal_cost) == (consultant, internal)
    assert row_of(report, "borrower").cost_avoided == consultant - internal
    assert sum(m.cost_avoided for m in report.months) == consultant - internal


def test_a_mistyped_rate_override_falls_back_to_the_settings(coordinator, agencies, cloud):
    lender, borrower, _ = agencies
    borrower.consultant_rate_overrides = {"cloud": "lots"}
    borrower.save()
    completed(
        make_need(borrower, skills=((cloud, 3, True),)),
        factories.SpecialistFactory(agency=lender),
        hours="10",
    )
    assert summary(coordinator).network.consultant_cost == 14_500
