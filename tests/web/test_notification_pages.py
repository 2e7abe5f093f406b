"""The notifications pages: opening one marks it read, the header's count follows htmx,
and the preferences page (linked from the account menu and every email) saves choices."""

import pytest
from django.urls import reverse

from notifications.models import (
    Notification,
    NotificationKind,
    NotificationPreference,
    ProposalFollow,
)
from notifications.services import notify
from tests import factories

pytestmark = pytest.mark.django_db


def _told(user, count=1) -> list[Notification]:
    return [
        notify(
            kind=NotificationKind.MATCH_APPROVED,
            recipients=[user],
            context={"need_title": "Molnarkitekt", "specialist_name": "Anna Ek", "match_id": 4},
            link="/matches/4/",
        )[0]
        for _ in range(count)
    ]


def _shown(notifications) -> None:
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        in_app_at="2026-01-01T00:00:00Z"
    )


def test_opening_a_notification_marks_it_read_and_goes_to_its_link(web_client_for, specialist):
    [notification] = _told(specialist.user)
    _shown([notification])

    response = web_client_for(specialist.user).get(
        reverse("web:notification_open", args=[notification.pk])
    )

    assert response.status_code == 302
    assert response["Location"] == "/matches/4/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_notification_list_links_each_title_to_its_open_page(web_client_for, specialist):
    [notification] = _told(specialist.user)
    _shown([notification])

    page = web_client_for(specialist.user).get("/notifications/").content.decode()

    assert f'href="/notifications/{notification.pk}/open/"' in page


def test_nobody_opens_another_users_notification(web_client_for, specialist, coordinator):
    [notification] = _told(coordinator)
    _shown([notification])

    response = web_client_for(specialist.user).get(
        reverse("web:notification_open", args=[notification.pk])
    )

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_through_htmx_updates_the_list_and_the_header_count(
    web_client_for, specialist
):
    notifications = _told(specialist.user, count=3)
    _shown(notifications)

    response = web_client_for(specialist.user).post(
        reverse("web:notification_read_all"), HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert 'id="notification-items"' in html
    assert '<span class="badge" id="unread-count" hx-swap-oob="true">0</span>' in html
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_account_menu_links_to_the_preferences_page(web_client_for, specialist):
    page = web_client_for(specialist.user).get("/").content.decode()

    assert 'href="/notifications/preferences/"' in page


def test_preferences_page_saves_channels_and_digest_per_kind(web_client_for, specialist):
    client = web_client_for(specialist.user)
    page = client.get("/notifications/preferences/")
    assert page.status_code == 200
    assert 'name="match_completed-email"' in page.content.decode()

    client.post(
        "/notifications/preferences/",
        {
            "match_approved-in_app": "on",
            "match_approved-email": "on",
            "match_approved-digest": "on",
        },
    )

    approved = NotificationPreference.objects.get(user=specialist.user, kind="match_approved")
    assert (approved.in_app, approved.email, approved.digest) == (True, True, True)
    completed = NotificationPreference.objects.get(user=specialist.user, kind="match_completed")
    assert (completed.in_app, completed.email) == (False, False)


def test_coordinator_chooses_the_agencies_and_skill_areas_she_answers_for(
    web_client_for, coordinator, lending_agency
):
    client = web_client_for(coordinator)
    client.cookies["django_language"] = "en"
    assert "Proposals I answer for" in client.get("/notifications/preferences/").content.decode()

    client.post(
        "/notifications/preferences/",
        {"follow_agency": [str(lending_agency.pk)], "follow_category": ["security", "bogus"]},
    )

    follows = set(
        ProposalFollow.objects.filter(user=coordinator).values_list("agency_id", "skill_category")
    )
    assert follows == {(lending_agency.pk, ""), (None, "security")}


def test_nominations_go_to_the_coordinators_who_follow_the_needs_agency(proposed_match, settings):
    from marketplace.services.notices import responsible_coordinators

    follower, other = factories.CoordinatorFactory(), factories.CoordinatorFactory()
    ProposalFollow.objects.create(user=follower, agency=proposed_match.need.agency)

    assert responsible_coordinators(need=proposed_match.need) == [follower]
    ProposalFollow.objects.all().delete()
    settings.NOTIFICATIONS_PROPOSAL_FALLBACK = "none"
    assert responsible_coordinators(need=proposed_match.need) == []
    settings.NOTIFICATIONS_PROPOSAL_FALLBACK = "all"
    assert set(responsible_coordinators(need=proposed_match.need)) >= {follower, other}
