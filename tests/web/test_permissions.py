"""Every page answers like the API: 404 for what the user may not see, 403 for what they
may see but not do. The web calls the same permission rules and services as the API."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.models import MatchStatus, NeedStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(borrowing_manager):
    return factories.DraftNeedFactory(agency=borrowing_manager.agency)


@pytest.fixture
def other_manager(db):
    return factories.ManagerFactory()


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("web:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/")


def test_accessibility_statement_is_public_and_offers_a_way_to_report_a_problem(client):
    response = client.get(reverse("web:accessibility"))

    assert response.status_code == 200
    assert b"mailto:" in response.content
    assert b'id="report"' in response.content


@pytest.mark.parametrize("role", ["specialist", "manager", "coordinator"])
def test_every_role_gets_its_dashboard(
    role, web_client_for, specialist, lending_manager, coordinator
):
    user = {"specialist": specialist.user, "manager": lending_manager, "coordinator": coordinator}[
        role
    ]

    response = web_client_for(user).get(reverse("web:dashboard"))

    assert response.status_code == 200


def test_own_agency_manager_sees_own_draft(web_client_for, borrowing_manager, draft):
    response = web_client_for(borrowing_manager).get(reverse("web:need_detail", args=[draft.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("who", ["other_manager", "specialist", "coordinator"])
def test_draft_of_another_agency_is_not_found(who, request, web_client_for, draft):
    user = request.getfixturevalue(who)
    user = getattr(user, "user", user)

    response = web_client_for(user).get(reverse("web:need_detail", args=[draft.pk]))

    assert response.status_code == 404
    assert "Delad kompetens" in response.content.decode()


def test_published_need_of_another_agency_is_visible(web_client_for, other_manager, open_need):
    response = web_client_for(other_manager).get(reverse("web:need_detail", args=[open_need.pk]))

    assert response.status_code == 200


def test_manager_of_another_agency_may_not_edit_a_published_need(
    web_client_for, other_manager, open_need
):
    response = web_client_for(other_manager).get(reverse("web:need_edit", args=[open_need.pk]))

    assert response.status_code == 403
    assert "Delad kompetens" in response.content.decode()


def test_manager_of_another_agency_may_not_edit_a_draft_they_cannot_see(
    web_client_for, other_manager, draft
):
    response = web_client_for(other_manager).get(reverse("web:need_edit", args=[draft.pk]))

    assert response.status_code == 404


def test_manager_of_another_agency_may_not_cancel_a_published_need(
    web_client_for, other_manager, open_need
):
    response = web_client_for(other_manager).post(reverse("web:need_cancel", args=[open_need.pk]))

    assert response.status_code == 403
    open_need.refresh_from_db()
    assert open_need.status == NeedStatus.OPEN


@pytest.mark.parametrize("who", ["specialist", "coordinator"])
def test_only_managers_may_open_the_need_form(who, request, web_client_for):
    user = request.getfixturevalue(who)
    user = getattr(user, "user", user)

    response = web_client_for(user).get(reverse("web:need_create"))

    assert response.status_code == 403


def test_manager_of_another_agency_may_not_nominate(
    web_client_for, other_manager, open_need, specialist
):
    response = web_client_for(other_manager).post(
        reverse("web:need_nominate", args=[open_need.pk]), {"specialist": specialist.pk}
    )

    assert response.status_code == 403
    assert not open_need.matches.exists()


@pytest.mark.parametrize("who", ["borrowing_manager", "lending_manager", "specialist"])
def test_only_coordinators_see_the_approval_queue(who, request, web_client_for):
    user = request.getfixturevalue(who)
    user = getattr(user, "user", user)

    response = web_client_for(user).get(reverse("web:approvals"))

    assert response.status_code == 403


def test_coordinator_sees_the_approval_queue_with_the_proposal(
    web_client_for, coordinator, proposed_match
):
    response = web_client_for(coordinator).get(reverse("web:approvals"))

    assert response.status_code == 200
    assert proposed_match.need.title in response.content.decode()


@pytest.mark.parametrize("who", ["borrowing_manager", "lending_manager", "specialist"])
def test_only_coordinators_may_approve(who, request, web_client_for, proposed_match):
    user = request.getfixturevalue(who)
    user = getattr(user, "user", user)

    response = web_client_for(user).post(reverse("web:match_approve", args=[proposed_match.pk]))

    assert response.status_code == 403
    proposed_match.refresh_from_db()
    assert proposed_match.status == MatchStatus.PROPOSED


def test_coordinator_approves_from_the_queue_and_returns_to_it(
    web_client_for, coordinator, proposed_match
):
    response = web_client_for(coordinator).post(
        reverse("web:match_approve", args=[proposed_match.pk]), {"next": "/approvals/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/approvals/"
    proposed_match.refresh_from_db()
    assert proposed_match.status == MatchStatus.APPROVED


def test_approving_with_htmx_answers_the_queue_row(web_client_for, coordinator, proposed_match):
    response = web_client_for(coordinator).post(
        reverse("web:match_approve", args=[proposed_match.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert f'id="match-{proposed_match.pk}"' in response.content.decode()


def test_coordinator_rejects_in_one_click_with_the_chosen_reason(
    web_client_for, coordinator, proposed_match
):
    response = web_client_for(coordinator).post(
        reverse("web:match_reject", args=[proposed_match.pk]),
        {"reason": "Another candidate fits better."},
    )

    assert response.status_code == 302
    proposed_match.refresh_from_db()
    assert proposed_match.status == MatchStatus.REJECTED


def test_an_unrelated_specialist_does_not_see_a_match(web_client_for, proposed_match):
    stranger = factories.SpecialistFactory()

    response = web_client_for(stranger.user).get(
        reverse("web:match_detail", args=[proposed_match.pk])
    )

    assert response.status_code == 404


def test_an_unrelated_manager_does_not_see_a_match(web_client_for, other_manager, proposed_match):
    response = web_client_for(other_manager).get(
        reverse("web:match_detail", args=[proposed_match.pk])
    )

    assert response.status_code == 404


def test_coordinator_may_not_accept_for_the_specialist(web_client_for, coordinator, proposed_match):
    proposed_match.status = MatchStatus.APPROVED
    proposed_match.save()

    response = web_client_for(coordinator).post(
        reverse("web:match_accept", args=[proposed_match.pk])
    )

    assert response.status_code == 403


def test_specialist_and_home_manager_together_accept_an_approved_match(
    web_client_for, specialist, lending_manager, proposed_match
):
    proposed_match.status = MatchStatus.APPROVED
    proposed_match.save()

    web_client_for(specialist.user).post(reverse("web:match_accept", args=[proposed_match.pk]))
    web_client_for(lending_manager).post(reverse("web:match_accept", args=[proposed_match.pk]))

    proposed_match.refresh_from_db()
    assert proposed_match.status == MatchStatus.ACCEPTED


def test_accepting_twice_shows_the_conflict_as_a_message(
    web_client_for, specialist, proposed_match
):
    proposed_match.status = MatchStatus.APPROVED
    proposed_match.save()
    client = web_client_for(specialist.user)
    client.post(reverse("web:match_accept", args=[proposed_match.pk]))

    response = client.post(reverse("web:match_accept", args=[proposed_match.pk]), follow=True)

    assert response.status_code == 200
    assert "message--error" in response.content.decode()


def test_manager_may_not_start_a_matching_run(web_client_for, borrowing_manager):
    response = web_client_for(borrowing_manager).post(reverse("web:matching_run_start"))

    assert response.status_code == 403


def test_coordinator_starts_a_matching_run_and_sees_its_progress(web_client_for, coordinator):
    client = web_client_for(coordinator)

    response = client.post(reverse("web:matching_run_start"), follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/matching-runs/")


def test_unshared_specialist_of_another_agency_is_not_found(web_client_for, other_manager):
    hidden = factories.SpecialistFactory(shareable=False)

    response = web_client_for(other_manager).get(reverse("web:specialist_detail", args=[hidden.pk]))

    assert response.status_code == 404


def test_own_agency_manager_sees_an_unshared_specialist(web_client_for, lending_manager):
    hidden = factories.SpecialistFactory(shareable=False, agency=lending_manager.agency)

    response = web_client_for(lending_manager).get(
        reverse("web:specialist_detail", args=[hidden.pk])
    )

    assert response.status_code == 200


def test_contact_details_are_hidden_from_an_unrelated_manager(
    web_client_for, other_manager, specialist
):
    response = web_client_for(other_manager).get(
        reverse("web:specialist_detail", args=[specialist.pk])
    )

    assert specialist.user.email not in response.content.decode()


def test_contact_details_are_shown_to_a_coordinator(web_client_for, coordinator, specialist):
    response = web_client_for(coordinator).get(
        reverse("web:specialist_detail", args=[specialist.pk])
    )

    assert specialist.user.email in response.content.decode()


def test_another_specialist_may_not_edit_someone_elses_availability(web_client_for, specialist):
    window = factories.AvailabilityFactory(specialist=specialist)
    colleague = factories.SpecialistFactory(agency=factories.AgencyFactory())

    response = web_client_for(colleague.user).get(
        reverse("web:availability_edit", args=[window.pk])
    )

    assert response.status_code == 403


def test_manager_has_no_my_profile_page(web_client_for, borrowing_manager):
    response = web_client_for(borrowing_manager).get(reverse("web:my_profile"))

    assert response.status_code == 404


def test_nobody_marks_another_users_notification_read(web_client_for, specialist, coordinator):
    from notifications.models import Notification

    other = Notification.objects.create(recipient=coordinator, kind="match_proposed", title="x")

    response = web_client_for(specialist.user).post(
        reverse("web:notification_read", args=[other.pk])
    )

    assert response.status_code == 404


def test_needs_manager_completes_an_accepted_match_with_hours(
    web_client_for, borrowing_manager, proposed_match
):
    proposed_match.status = MatchStatus.ACCEPTED
    # Completion is possible from the engagement's start on: this one began a week ago.
    proposed_match.start = timezone.localdate() - dt.timedelta(days=7)
    proposed_match.save()

    response = web_client_for(borrowing_manager).post(
        reverse("web:match_complete", args=[proposed_match.pk]), {"hours": "120", "rating": "5"}
    )

    assert response.status_code == 302
    proposed_match.refresh_from_db()
    assert proposed_match.status == MatchStatus.COMPLETED
    assert proposed_match.engagement.hours == 120


def test_lending_manager_may_not_complete_the_borrowers_match(
    web_client_for, lending_manager, proposed_match
):
    proposed_match.status = MatchStatus.ACCEPTED
    proposed_match.save()

    response = web_client_for(lending_manager).post(
        reverse("web:match_complete", args=[proposed_match.pk]), {"hours": "120"}
    )

    assert response.status_code == 403


def test_manager_closes_an_open_need_unfilled_with_a_reason(
    web_client_for, borrowing_manager, open_need
):
    web_client_for(borrowing_manager).post(
        reverse("web:need_close", args=[open_need.pk]), {"reason": "no_candidate"}
    )

    open_need.refresh_from_db()
    assert open_need.status == NeedStatus.CLOSED
    assert open_need.unfilled_reason == "no_candidate"


def test_manager_of_another_agency_may_not_close_a_need(web_client_for, other_manager, open_need):
    response = web_client_for(other_manager).post(
        reverse("web:need_close", args=[open_need.pk]), {"reason": "no_candidate"}
    )

    assert response.status_code == 403
