"""No path edits or deletes an audit event: not the ORM, querysets, admin, API or raw SQL."""

import pytest
from django.contrib.admin.sites import site
from django.db import IntegrityError, connection, transaction
from django.db.models.deletion import ProtectedError

from marketplace.audit import audit_record
from marketplace.models import AuditEvent, AuditTrailAppendOnly
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    need = factories.NeedFactory()
    return audit_record(
        actor=factories.ManagerFactory(agency=need.agency),
        action="need.update",
        target=need,
        before={"title": "Före"},
        after={"title": "Efter"},
    )


def _unchanged(event: AuditEvent) -> bool:
    stored = AuditEvent.objects.get(pk=event.pk)
    return (stored.action, stored.before, stored.after) == (
        "need.update",
        {"title": "Före"},
        {"title": "Efter"},
    )


def test_saving_a_changed_event_is_refused(event):
    event.after = {"title": "Förfalskad"}

    with pytest.raises(AuditTrailAppendOnly):
        event.save()
    assert _unchanged(event)


def test_deleting_an_event_is_refused(event):
    with pytest.raises(AuditTrailAppendOnly):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_is_refused(event):
    with pytest.raises(AuditTrailAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="need.create")
    assert _unchanged(event)


def test_queryset_delete_is_refused(event):
    with pytest.raises(AuditTrailAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_bulk_update_is_refused(event):
    event.action = "need.create"

    with pytest.raises(AuditTrailAppendOnly):
        AuditEvent.objects.bulk_update([event], ["action"])
    assert _unchanged(event)


def test_deleting_a_user_who_acted_is_refused_so_the_actor_is_never_rewritten(event):
    with pytest.raises(ProtectedError):
        event.actor.delete()
    assert AuditEvent.objects.get(pk=event.pk).actor_id == event.actor_id


def test_admin_offers_no_add_change_or_delete(event, rf):
    model_admin = site._registry[AuditEvent]
    request = rf.get("/admin/")
    request.user = factories.AdminFactory()

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert model_admin.get_actions(request) == {}


def test_admin_change_post_is_refused_and_changes_nothing(event, client):
    client.force_login(factories.AdminFactory())

    response = client.post(
        f"/admin/accounts/auditevent/{event.pk}/change/", {"action": "need.create"}
    )

    assert response.status_code == 403
    assert _unchanged(event)


def test_admin_delete_is_refused_and_deletes_nothing(event, client):
    client.force_login(factories.AdminFactory())

    response = client.post(f"/admin/accounts/auditevent/{event.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_admin_bulk_delete_action_is_refused(event, client):
    client.force_login(factories.AdminFactory())

    response = client.post(
        "/admin/accounts/auditevent/",
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )

    assert response.status_code in (200, 302, 403)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_api_offers_no_write_on_the_trail(event, client_for, method):
    client = client_for(factories.AdminFactory())

    list_response = getattr(client, method)("/api/v1/audit-events/", {"action": "x"})
    detail_response = getattr(client, method)(f"/api/v1/audit-events/{event.pk}/", {})

    assert list_response.status_code == 405
    assert detail_response.status_code in (404, 405)
    assert _unchanged(event)


@pytest.mark.postgres
def test_raw_sql_update_is_refused_by_the_database(event):
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE marketplace_auditevent SET action = %s WHERE id = %s", ["need.create", event.pk]
        )
    assert _unchanged(event)


@pytest.mark.postgres
def test_raw_sql_delete_is_refused_by_the_database(event):
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM marketplace_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.postgres
def test_raw_sql_insert_is_still_allowed(event):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO marketplace_auditevent (action, object_type, object_id, request_id, "
            "created_at) VALUES ('x.y', 'marketplace.need', '1', '', now())"
        )
    assert AuditEvent.objects.filter(action="x.y").exists()
