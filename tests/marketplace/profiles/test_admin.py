import pytest
from django.contrib import admin

from marketplace import models
from tests import factories


@pytest.fixture
def admin_client_logged_in(client, world):
    client.force_login(world.users["admin"])
    return client


@pytest.mark.parametrize(
    "model",
    [
        models.Skill,
        models.Specialist,
        models.Availability,
        models.Need,
        models.Match,
        models.Engagement,
        models.MatchingRun,
        models.AuditEvent,
    ],
)
def test_every_marketplace_model_has_a_working_admin_list(admin_client_logged_in, model):
    assert admin.site.is_registered(model)
    opts = model._meta

    response = admin_client_logged_in.get(f"/admin/{opts.app_label}/{opts.model_name}/")

    assert response.status_code == 200


def test_specialist_change_page_renders_with_inlines(admin_client_logged_in, world):
    specialist = factories.SpecialistFactory(agency=world.own)
    factories.SpecialistSkillFactory(specialist=specialist)
    factories.AvailabilityFactory(specialist=specialist)

    response = admin_client_logged_in.get(f"/admin/marketplace/specialist/{specialist.pk}/change/")

    assert response.status_code == 200


def test_audit_events_cannot_be_added_changed_or_deleted_in_admin(rf, world):
    model_admin = admin.site._registry[models.AuditEvent]
    request = rf.get("/")
    request.user = world.users["admin"]
    event = models.AuditEvent.objects.create(action="x", object_type="y", object_id="1")

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)


def test_audit_event_detail_is_read_only_for_admins(admin_client_logged_in):
    event = models.AuditEvent.objects.create(action="x", object_type="y", object_id="1")

    page = admin_client_logged_in.get(f"/admin/accounts/auditevent/{event.pk}/change/")
    post = admin_client_logged_in.post(
        f"/admin/accounts/auditevent/{event.pk}/change/", {"action": "tampered"}
    )

    assert page.status_code == 200
    assert post.status_code == 403
    event.refresh_from_db()
    assert event.action == "x"
