"""GDPR: a person's own data as a JSON download; an admin's erasure of a specialist."""

import json

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from marketplace.models import (
    AuditEvent,
    Availability,
    Engagement,
    Match,
    MatchStatus,
    SpecialistSkill,
)
from notifications.models import Notification, NotificationKind
from notifications.services import notify
from tests import factories

pytestmark = pytest.mark.django_db


def _erase(client_for, caller, specialist):
    return client_for(caller).post(f"/api/v1/specialists/{specialist.pk}/erase/")


@pytest.fixture
def history(market):
    """The specialist's record: a skill, a completed engagement and a notification."""
    specialist = market["specialist"]
    factories.SpecialistSkillFactory(specialist=specialist, level=4)
    done = factories.MatchFactory(
        specialist=specialist,
        need=factories.NeedFactory(agency=market["borrower"]),
        status=MatchStatus.COMPLETED,
        closed_at=timezone.now(),
    )
    Engagement.objects.create(
        match=done,
        hours=160,
        need_rating=5,
        need_comment="Mycket bra insats av Anna.",
        specialist_rating=4,
        specialist_comment="Roligt uppdrag.",
        completed_at=timezone.now(),
    )
    notify(
        kind=NotificationKind.MATCH_APPROVED,
        recipients=[specialist.user, market["borrower_manager"]],
        context={
            "title": f"Approved: {specialist.user.name}",
            "specialist_id": specialist.pk,
            "specialist_name": specialist.user.name,
            "need_title": market["need"].title,
        },
    )
    return {**market, "completed": done}


# Export ---------------------------------------------------------------------------------


def test_specialist_downloads_their_data_as_a_json_attachment(history, client_for):
    user = history["specialist"].user

    response = client_for(user).get("/api/v1/me/export/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["user"]["email"] == user.email
    assert data["specialist"]["phone"] == "070-123 45 67"
    assert data["specialist"]["summary"] == history["specialist"].summary
    assert [row["level"] for row in data["skills"]] == [4]
    assert len(data["availability"]) == 1
    assert {row["id"] for row in data["matches"]} == {
        history["match"].pk,
        history["completed"].pk,
    }
    assert data["engagements"][0]["hours"] == "160.0"
    assert data["engagements"][0]["specialist_comment"] == "Roligt uppdrag."
    assert len(data["notifications"]) == 1


def test_export_holds_the_audit_events_about_the_person(history, client_for):
    client_for(history["coordinator"]).post(f"/api/v1/matches/{history['match'].pk}/approve/")
    client_for(history["specialist"].user).patch(
        f"/api/v1/specialists/{history['specialist'].pk}/", {"summary": "Uppdaterad"}
    )

    data = client_for(history["specialist"].user).get("/api/v1/me/export/").json()

    actions = {row["action"] for row in data["audit_events"]}
    assert {"match.approve", "specialist.update"} <= actions


def test_export_holds_nothing_about_other_people(history, client_for):
    other = factories.SpecialistFactory(agency=history["lender"], phone="070-999 99 99")

    body = client_for(history["specialist"].user).get("/api/v1/me/export/").content.decode()

    assert other.user.email not in body
    assert "070-999 99 99" not in body


def test_export_of_a_user_without_a_profile_has_empty_specialist_sections(market, client_for):
    data = client_for(market["coordinator"]).get("/api/v1/me/export/").json()

    assert data["user"]["id"] == market["coordinator"].pk
    assert data["specialist"] is None
    assert data["matches"] == []


def test_export_is_itself_audited(market, client_for):
    client_for(market["specialist"].user).get("/api/v1/me/export/")

    event = AuditEvent.objects.get(action="user.export")
    assert event.actor_id == market["specialist"].user.pk


def test_export_needs_a_signed_in_user(api_client, db):
    assert api_client.get("/api/v1/me/export/").status_code == 401


# Erasure --------------------------------------------------------------------------------


def test_admin_erasure_anonymises_the_account(history, client_for):
    user = history["specialist"].user
    Token.objects.create(user=user)

    response = _erase(client_for, history["admin"], history["specialist"])

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.name == "Raderad specialist"
    assert user.email == f"erased-{user.pk}@invalid"
    assert not user.has_usable_password()
    assert not user.is_active
    assert not Token.objects.filter(user=user).exists()


def test_erasure_blanks_the_profile_and_drops_skills_and_availability(history, client_for):
    specialist = history["specialist"]

    _erase(client_for, history["admin"], specialist)

    specialist.refresh_from_db()
    assert (specialist.title, specialist.summary, specialist.phone) == ("", "", "")
    assert specialist.languages == []
    assert specialist.region == ""
    assert not specialist.shareable
    assert not Availability.objects.filter(specialist=specialist).exists()
    assert not SpecialistSkill.objects.filter(specialist=specialist).exists()


def test_erasure_deletes_the_specialists_notifications(history, client_for):
    _erase(client_for, history["admin"], history["specialist"])

    assert not Notification.objects.filter(recipient=history["specialist"].user).exists()


def test_erasure_removes_the_name_from_other_peoples_notifications(history, client_for):
    old_name = history["specialist"].user.name

    _erase(client_for, history["admin"], history["specialist"])

    notice = Notification.objects.get(
        recipient=history["borrower_manager"], kind=NotificationKind.MATCH_APPROVED
    )
    assert notice.context["specialist_name"] == "Raderad specialist"
    assert old_name not in notice.title + notice.body + json.dumps(notice.context)


def test_erasure_keeps_engagement_hours_and_ratings_but_not_comments(history, client_for):
    _erase(client_for, history["admin"], history["specialist"])

    engagement = Engagement.objects.get(match=history["completed"])
    assert (engagement.hours, engagement.need_rating, engagement.specialist_rating) == (160, 5, 4)
    assert engagement.need_comment == engagement.specialist_comment == ""
    assert Match.objects.get(pk=history["completed"].pk).status == MatchStatus.COMPLETED


def test_erasure_cancels_active_matches_and_tells_the_needs_managers(history, client_for):
    match = history["match"]
    match.status = MatchStatus.APPROVED
    match.approved_by = history["coordinator"]
    match.save()

    response = _erase(client_for, history["admin"], history["specialist"])

    assert response.json()["matches_cancelled"] == [match.pk]
    match.refresh_from_db()
    assert match.status == MatchStatus.CANCELLED
    assert AuditEvent.objects.filter(action="match.cancel", object_id=str(match.pk)).exists()
    told = Notification.objects.filter(kind=NotificationKind.MATCH_CANCELLED)
    # As the routing table says, less the specialist being erased.
    assert {n.recipient_id for n in told} == {
        history["borrower_manager"].pk,
        history["lender_manager"].pk,
        history["coordinator"].pk,
    }


def test_erasure_is_audited_without_the_erased_personal_data(history, client_for):
    specialist = history["specialist"]
    old = (specialist.user.name, specialist.user.email, specialist.phone, specialist.summary)

    _erase(client_for, history["admin"], specialist)

    event = AuditEvent.objects.get(action="specialist.erase")
    assert event.actor_id == history["admin"].pk
    assert event.object_id == str(specialist.pk)
    assert event.after["erased"] is True
    recorded = json.dumps([event.before, event.after], ensure_ascii=False)
    assert not any(value in recorded for value in old)


def test_erasing_twice_is_a_conflict(history, client_for):
    _erase(client_for, history["admin"], history["specialist"])

    assert _erase(client_for, history["admin"], history["specialist"]).status_code == 409


@pytest.mark.parametrize("caller", ["coordinator", "lender_manager"])
def test_non_admin_who_can_see_the_specialist_is_refused_with_403(history, client_for, caller):
    response = _erase(client_for, history[caller], history["specialist"])

    assert response.status_code == 403
    history["specialist"].refresh_from_db()
    assert history["specialist"].phone == "070-123 45 67"


def test_user_who_cannot_see_the_specialist_gets_404(history, client_for):
    specialist = history["specialist"]
    specialist.shareable = False
    specialist.save()

    response = _erase(client_for, history["borrower_manager"], specialist)

    assert response.status_code == 404


def test_erasing_a_missing_specialist_is_404(market, client_for):
    assert client_for(market["admin"]).post("/api/v1/specialists/999999/erase/").status_code == 404


def test_specialist_cannot_erase_themselves(history, client_for):
    response = _erase(client_for, history["specialist"].user, history["specialist"])

    assert response.status_code == 403


def test_export_of_a_manager_omits_the_values_they_changed_on_others(market, client_for):
    manager = market["lender_manager"]
    client_for(manager).patch(
        f"/api/v1/specialists/{market['specialist'].pk}/", {"phone": "070-000 11 22"}
    )

    data = client_for(manager).get("/api/v1/me/export/").json()

    [event] = [row for row in data["audit_events"] if row["action"] == "specialist.update"]
    assert event["actor"] == manager.pk
    assert event["before"] is None and event["after"] is None
    assert "070-000 11 22" not in json.dumps(data)
