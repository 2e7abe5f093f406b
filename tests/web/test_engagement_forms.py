"""The match page's engagement forms: change, answer a change, end early, complete and
feedback. Bad input shows beside its field (400), a broken rule as a page message; never a
server error."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.models import Engagement, MatchChange, MatchStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def engagement(proposed_match, coordinator, lending_manager):
    """The proposal accepted by both sides: Anna's engagement for the borrowing agency."""
    now = timezone.now()
    proposed_match.status = MatchStatus.ACCEPTED
    proposed_match.approved_at, proposed_match.approved_by = now, coordinator
    proposed_match.specialist_consent_at = proposed_match.release_at = now
    proposed_match.accepted_at = now
    proposed_match.save()
    return proposed_match


def _page(client, match) -> str:
    return client.get(reverse("web:match_detail", args=[match.pk])).content.decode()


def test_the_borrowing_manager_sees_the_change_and_end_early_forms(
    web_client_for, borrowing_manager, engagement
):
    html = _page(web_client_for(borrowing_manager), engagement)

    assert f'action="/matches/{engagement.pk}/change/"' in html
    assert f'action="/matches/{engagement.pk}/end-early/"' in html
    assert "Ändra uppdraget" in html


def test_the_specialist_sees_neither_form(web_client_for, specialist, engagement):
    html = _page(web_client_for(specialist.user), engagement)

    assert "/change/" not in html and "/end-early/" not in html


def test_an_empty_change_form_is_400_with_its_message(
    web_client_for, borrowing_manager, engagement
):
    response = web_client_for(borrowing_manager).post(
        reverse("web:match_change", args=[engagement.pk]), {}
    )

    assert response.status_code == 400
    assert "Ange ny start, nytt slut eller ny andel." in response.content.decode()


def test_a_share_over_100_is_shown_beside_its_field(web_client_for, borrowing_manager, engagement):
    response = web_client_for(borrowing_manager).post(
        reverse("web:match_change", args=[engagement.pk]), {"capacity_percent": "150"}
    )

    assert response.status_code == 400
    assert 'id="id_capacity_percent_errors"' in response.content.decode()


def test_an_end_before_the_start_is_shown_beside_the_end(
    web_client_for, borrowing_manager, engagement
):
    before = engagement.start - dt.timedelta(days=1)
    response = web_client_for(borrowing_manager).post(
        reverse("web:match_change", args=[engagement.pk]), {"end": before.isoformat()}
    )

    assert response.status_code == 400
    assert 'id="id_end_errors"' in response.content.decode()


def test_a_change_beyond_free_capacity_is_a_page_message(
    web_client_for, borrowing_manager, engagement
):
    response = web_client_for(borrowing_manager).post(
        reverse("web:match_change", args=[engagement.pk]),
        {"end": (engagement.end + dt.timedelta(days=400)).isoformat()},
        follow=True,
    )

    assert response.status_code == 200
    assert "message--error" in response.content.decode()
    assert not MatchChange.objects.exists()


def test_a_requested_change_is_answered_and_declined_on_the_page(
    web_client_for, borrowing_manager, lending_manager, coordinator, engagement
):
    web_client_for(borrowing_manager).post(
        reverse("web:match_change", args=[engagement.pk]),
        {"end": (engagement.end + dt.timedelta(days=7)).isoformat()},
    )
    coordinator_page = _page(web_client_for(coordinator), engagement)
    assert "/change/accept/" in coordinator_page and 'id="pending-change"' in coordinator_page

    declined = web_client_for(lending_manager).post(
        reverse("web:match_change_decline", args=[engagement.pk]),
        {"comment": "Behövs hemma."},
        follow=True,
    )

    assert declined.status_code == 200
    assert MatchChange.objects.get().status == "declined"
    engagement.refresh_from_db()
    assert engagement.end == engagement.need.end


def test_end_early_without_a_day_is_400_beside_the_field(
    web_client_for, lending_manager, engagement
):
    response = web_client_for(lending_manager).post(
        reverse("web:match_end_early", args=[engagement.pk]), {"last_day": ""}
    )

    assert response.status_code == 400
    assert 'id="id_last_day_errors"' in response.content.decode()


def test_end_early_after_the_end_is_400_with_the_services_message(
    web_client_for, lending_manager, engagement
):
    response = web_client_for(lending_manager).post(
        reverse("web:match_end_early", args=[engagement.pk]),
        {"last_day": (engagement.end + dt.timedelta(days=3)).isoformat()},
    )

    assert response.status_code == 400
    assert "id_last_day_errors" in response.content.decode()


def test_end_early_on_the_page_moves_the_end(web_client_for, lending_manager, engagement):
    last_day = engagement.start + dt.timedelta(days=10)

    response = web_client_for(lending_manager).post(
        reverse("web:match_end_early", args=[engagement.pk]),
        {"last_day": last_day.isoformat()},
        follow=True,
    )

    assert "message--success" in response.content.decode()
    engagement.refresh_from_db()
    assert engagement.end == last_day


def test_completing_before_the_start_is_a_page_message(
    web_client_for, borrowing_manager, engagement
):
    response = web_client_for(borrowing_manager).post(
        reverse("web:match_complete", args=[engagement.pk]), {"hours": "10"}, follow=True
    )

    assert "message--error" in response.content.decode()
    engagement.refresh_from_db()
    assert engagement.status == MatchStatus.ACCEPTED


def test_the_specialist_rates_the_assignment_on_the_page_once(
    web_client_for, borrowing_manager, specialist, engagement
):
    engagement.start = timezone.localdate() - dt.timedelta(days=30)
    engagement.save()
    web_client_for(borrowing_manager).post(
        reverse("web:match_complete", args=[engagement.pk]), {"hours": "120", "rating": "4"}
    )
    client = web_client_for(specialist.user)
    assert "/feedback/" in _page(client, engagement)

    missing = client.post(reverse("web:match_feedback", args=[engagement.pk]), {"rating": ""})
    assert missing.status_code == 400
    assert 'id="id_rating_errors"' in missing.content.decode()

    client.post(
        reverse("web:match_feedback", args=[engagement.pk]), {"rating": "5", "comment": "Kul!"}
    )
    assert Engagement.objects.get(match=engagement).specialist_rating == 5
    assert "/feedback/" not in _page(client, engagement)
    again = client.post(
        reverse("web:match_feedback", args=[engagement.pk]), {"rating": "1"}, follow=True
    )
    assert "message--error" in again.content.decode()
    assert Engagement.objects.get(match=engagement).specialist_rating == 5
