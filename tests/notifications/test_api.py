import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import Notification, NotificationKind, NotificationPreference
from tests import factories

pytestmark = pytest.mark.django_db


def _shown(user, count=1, **fields) -> list[Notification]:
    return [
        Notification.objects.create(
            recipient=user,
            kind=NotificationKind.MATCH_APPROVED,
            title=f"Titel {i}",
            in_app_at=timezone.now(),
            **fields,
        )
        for i in range(count)
    ]


def test_list_shows_only_the_callers_own_notifications(client_for):
    me, other = factories.UserFactory.create_batch(2)
    mine = _shown(me, 2)
    _shown(other, 3)

    response = client_for(me).get("/api/v1/notifications/")

    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {n.pk for n in mine}


def test_list_hides_notifications_not_yet_delivered_in_app(client_for):
    me = factories.UserFactory()
    Notification.objects.create(recipient=me, kind="match_approved", title="Ännu inte")

    response = client_for(me).get("/api/v1/notifications/")

    assert response.json()["count"] == 0


def test_list_carries_the_unread_count_header(client_for):
    me = factories.UserFactory()
    _shown(me, 2)
    _shown(me, 1, read_at=timezone.now())

    response = client_for(me).get("/api/v1/notifications/")

    assert response["X-Unread-Count"] == "2"


def test_list_filters_unread(client_for):
    me = factories.UserFactory()
    _shown(me, 2)
    _shown(me, 1, read_at=timezone.now())

    response = client_for(me).get("/api/v1/notifications/?unread=true")

    assert response.json()["count"] == 2


def test_list_rejects_a_bad_unread_value(client_for):
    response = client_for(factories.UserFactory()).get("/api/v1/notifications/?unread=kanske")

    assert response.status_code == 400
    assert "unread" in response.json()


def test_unread_count_endpoint_counts_only_own_unread(client_for):
    me, other = factories.UserFactory.create_batch(2)
    _shown(me, 3)
    _shown(other, 4)

    response = client_for(me).get("/api/v1/notifications/unread-count/")

    assert response.json() == {"unread_count": 3}


def test_list_query_count_does_not_grow_with_rows(client_for):
    me = factories.UserFactory()
    _shown(me, 3)
    client = client_for(me)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/notifications/")
    _shown(me, 40)

    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/notifications/")

    assert response.json()["count"] == 43
    assert len(many) == len(few) <= 4


def test_mark_read_sets_read_at(client_for):
    me = factories.UserFactory()
    [notification] = _shown(me)

    response = client_for(me).post(f"/api/v1/notifications/{notification.pk}/read/")

    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_another_users_notification_read_is_not_found(client_for):
    me, other = factories.UserFactory.create_batch(2)
    [theirs] = _shown(other)

    response = client_for(me).post(f"/api/v1/notifications/{theirs.pk}/read/")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_marks_only_own_unread(client_for):
    me, other = factories.UserFactory.create_batch(2)
    _shown(me, 2)
    [theirs] = _shown(other)

    response = client_for(me).post("/api/v1/notifications/read-all/")

    assert response.json() == {"marked": 2}
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_caller_is_refused(api_client):
    assert api_client.get("/api/v1/notifications/").status_code == 401
    assert api_client.get("/api/v1/notification-preferences/").status_code == 401


def test_preferences_show_defaults_for_every_kind(client_for):
    response = client_for(factories.UserFactory()).get("/api/v1/notification-preferences/")

    body = response.json()
    assert body["match_proposed"] == {"in_app": True, "email": True, "digest": False}
    assert body["need_published_fit"] == {"in_app": False, "email": False, "digest": False}
    assert "digest" not in body


def test_patch_changes_only_the_given_fields(client_for):
    me = factories.UserFactory()

    response = client_for(me).patch(
        "/api/v1/notification-preferences/", {"match_approved": {"digest": True}}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["match_approved"] == {"in_app": True, "email": True, "digest": True}
    pref = NotificationPreference.objects.get(user=me, kind="match_approved")
    assert (pref.in_app, pref.email, pref.digest) == (True, True, True)


def test_patch_does_not_touch_another_users_preferences(client_for):
    me, other = factories.UserFactory.create_batch(2)

    client_for(me).patch(
        "/api/v1/notification-preferences/", {"match_approved": {"email": False}}, format="json"
    )

    assert not NotificationPreference.objects.filter(user=other).exists()


def test_patch_with_an_unknown_kind_is_a_field_error(client_for):
    response = client_for(factories.UserFactory()).patch(
        "/api/v1/notification-preferences/", {"no_such_kind": {"email": False}}, format="json"
    )

    assert response.status_code == 400
    assert "no_such_kind" in response.json()


def test_patch_with_a_non_boolean_is_a_field_error(client_for):
    response = client_for(factories.UserFactory()).patch(
        "/api/v1/notification-preferences/", {"match_approved": {"email": "ofta"}}, format="json"
    )

    assert response.status_code == 400
    assert "email" in response.json()["match_approved"]


def test_schema_documents_the_notification_endpoints(client_for):
    response = client_for(factories.AdminFactory()).get("/api/v1/schema/?format=json")

    paths = response.json()["paths"]
    for path in [
        "/api/v1/notifications/",
        "/api/v1/notifications/unread-count/",
        "/api/v1/notifications/{id}/read/",
        "/api/v1/notifications/read-all/",
        "/api/v1/notification-preferences/",
    ]:
        assert path in paths
