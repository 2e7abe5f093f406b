import datetime as dt

import pytest
from django.utils import timezone

from marketplace.models import AuditEvent, Match, MatchStatus, Need, NeedStatus, UnfilledReason
from tests import factories
from tests.factories import future

LIST = "/api/v1/needs/"


def detail(need) -> str:
    return f"/api/v1/needs/{need.pk}/"


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def payload():
    skill = factories.SkillFactory()
    return {
        "title": "Molnsäkerhet",
        "description": "Granska vår molnplattform.",
        "skills": [{"skill": skill.pk, "min_level": 4, "required": True}],
        "start": future(10).isoformat(),
        "end": future(100).isoformat(),
        "capacity_percent": 50,
        "headcount": 2,
        "clearance_required": 1,
        "languages": ["sv"],
        "region": "AB",
        "remote_ok": False,
        "allow_own_agency": True,
    }


def test_manager_creates_a_draft_for_own_agency(world, as_role, payload):
    response = as_role("manager_own").post(LIST, payload)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["agency"] == world.own.pk
    assert body["status"] == "draft"
    assert body["published_at"] is None
    assert body["unfilled_reason"] == ""
    assert {k: body[k] for k in payload} == payload
    assert AuditEvent.objects.get(action="need.create").after["title"] == "Molnsäkerhet"


def test_minimal_need_gets_defaults(as_role):
    response = as_role("manager_own").post(
        LIST, {"title": "T", "start": future(1), "end": future(2), "capacity_percent": 20}
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["headcount"], body["skills"], body["allow_own_agency"]) == (1, [], False)


def test_manager_cannot_create_for_another_agency(world, as_role, payload):
    response = as_role("manager_own").post(LIST, {**payload, "agency": world.other.pk})

    assert response.status_code == 403


def test_admin_creates_for_the_agency_named(world, as_role, payload):
    response = as_role("admin").post(LIST, {**payload, "agency": world.other.pk})

    assert response.status_code == 201
    assert response.json()["agency"] == world.other.pk


def test_admin_without_agency_is_400_naming_agency(as_role, payload):
    response = as_role("admin").post(LIST, payload)

    assert response.status_code == 400
    assert "agency" in response.json()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"end": future(5).isoformat()}, "end"),
        ({"start": (timezone.localdate() - dt.timedelta(days=1)).isoformat()}, "start"),
        ({"skills": [{"skill": 999999, "min_level": 3}]}, "skills"),
        ({"skills": [{"skill": "x", "min_level": 3}]}, "skills"),
        ({"capacity_percent": 0}, "capacity_percent"),
        ({"capacity_percent": 150}, "capacity_percent"),
        ({"headcount": 0}, "headcount"),
        ({"title": ""}, "title"),
        ({"start": "2027-02-30"}, "start"),
        ({"clearance_required": 7}, "clearance_required"),
        ({"region": "XX"}, "region"),
    ],
)
def test_invalid_create_is_400_naming_the_field(as_role, payload, change, field):
    response = as_role("manager_own").post(LIST, {**payload, **change})

    assert response.status_code == 400
    assert field in response.json()
    assert not Need.objects.exists()


def test_skill_level_7_is_400_naming_skills(as_role, payload):
    payload["skills"][0]["min_level"] = 7

    response = as_role("manager_own").post(LIST, payload)

    assert response.status_code == 400
    assert "skills" in response.json()


def test_same_skill_twice_is_400_naming_skills(as_role, payload):
    payload["skills"].append(dict(payload["skills"][0]))

    response = as_role("manager_own").post(LIST, payload)

    assert response.status_code == 400
    assert "skills" in response.json()


def test_missing_required_fields_are_400(as_role):
    response = as_role("manager_own").post(LIST, {})

    assert response.status_code == 400
    assert {"title", "start", "end", "capacity_percent"} <= set(response.json())


def test_patch_replaces_skills_and_is_audited(world, as_role):
    need = factories.DraftNeedFactory(agency=world.own)
    old = factories.NeedSkillFactory(need=need).skill
    new = factories.SkillFactory()

    response = as_role("manager_own").patch(
        detail(need), {"skills": [{"skill": new.pk, "min_level": 2, "required": False}]}
    )

    assert response.status_code == 200
    assert response.json()["skills"] == [{"skill": new.pk, "min_level": 2, "required": False}]
    event = AuditEvent.objects.get(action="need.update")
    assert event.before == {"skills": [{"skill": old.pk, "min_level": 3, "required": True}]}


def test_patch_end_before_start_is_400_naming_end(world, as_role):
    need = factories.NeedFactory(agency=world.own)

    response = as_role("manager_own").patch(detail(need), {"end": future(1)})

    assert response.status_code == 400
    assert "end" in response.json()


def test_patch_keeps_a_start_that_has_already_passed(world, as_role):
    past = timezone.localdate() - dt.timedelta(days=3)
    need = factories.NeedFactory(agency=world.own, start=past)

    response = as_role("manager_own").patch(detail(need), {"title": "Fortfarande"})

    assert response.status_code == 200


@pytest.mark.parametrize("status", [NeedStatus.FILLED, NeedStatus.CLOSED, NeedStatus.CANCELLED])
def test_patch_of_an_ended_need_is_409(world, as_role, status):
    need = factories.NeedFactory(agency=world.own, status=status)

    response = as_role("manager_own").patch(detail(need), {"title": "Nej"})

    assert response.status_code == 409
    assert status in response.json()["detail"]


def test_delete_draft_is_audited(world, as_role):
    need = factories.DraftNeedFactory(agency=world.own)

    assert as_role("manager_own").delete(detail(need)).status_code == 204
    assert AuditEvent.objects.get(action="need.delete").object_id == str(need.pk)


def test_publish_opens_the_need_and_sets_published_at(world, as_role):
    need = factories.PublishableDraftNeedFactory(agency=world.own)

    response = as_role("manager_own").post(f"{detail(need)}publish/")

    assert response.status_code == 200
    assert response.json()["status"] == "open"
    assert response.json()["published_at"] is not None
    assert AuditEvent.objects.get(action="need.publish").after["status"] == "open"


def test_publish_with_start_in_the_past_is_409(world, as_role):
    need = factories.DraftNeedFactory(
        agency=world.own, start=timezone.localdate() - dt.timedelta(days=1)
    )

    response = as_role("manager_own").post(f"{detail(need)}publish/")

    assert response.status_code == 409
    assert "start" in response.json()["detail"]


def test_cancel_withdraws_the_need_and_cancels_its_active_matches(world, as_role):
    need = factories.NeedFactory(agency=world.own)
    active = factories.MatchFactory(need=need, status=MatchStatus.APPROVED)
    declined = factories.MatchFactory(need=need, status=MatchStatus.DECLINED)

    response = as_role("manager_own").post(f"{detail(need)}cancel/")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["unfilled_reason"]) == (
        "cancelled",
        UnfilledReason.WITHDRAWN,
    )
    assert Match.objects.get(pk=active.pk).status == MatchStatus.CANCELLED
    assert Match.objects.get(pk=declined.pk).status == MatchStatus.DECLINED
    assert AuditEvent.objects.filter(action="need.cancel", object_id=str(need.pk)).exists()


def test_cancel_twice_is_409(world, as_role):
    need = factories.NeedFactory(agency=world.own, status=NeedStatus.CANCELLED)

    response = as_role("manager_own").post(f"{detail(need)}cancel/")

    assert response.status_code == 409


@pytest.mark.parametrize("reason", ["no_candidate", "none_accepted"])
def test_close_records_why_the_need_ended_unfilled(world, as_role, reason):
    need = factories.NeedFactory(agency=world.own)
    match = factories.MatchFactory(need=need, status=MatchStatus.PROPOSED)

    response = as_role("manager_own").post(f"{detail(need)}close/", {"reason": reason})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["unfilled_reason"]) == ("closed", reason)
    assert Match.objects.get(pk=match.pk).status == MatchStatus.CANCELLED


@pytest.mark.parametrize("reason", ["withdrawn", "bored", ""])
def test_close_with_another_reason_is_400_naming_reason(world, as_role, reason):
    need = factories.NeedFactory(agency=world.own)

    response = as_role("manager_own").post(f"{detail(need)}close/", {"reason": reason})

    assert response.status_code == 400
    assert "reason" in response.json()


def test_close_a_filled_need_is_409(world, as_role):
    need = factories.NeedFactory(agency=world.own, status=NeedStatus.FILLED)

    response = as_role("manager_own").post(f"{detail(need)}close/", {"reason": "no_candidate"})

    assert response.status_code == 409


def test_unknown_need_is_404(as_role, db):
    assert as_role("admin").get("/api/v1/needs/999999/").status_code == 404
    assert as_role("admin").post("/api/v1/needs/999999/publish/").status_code == 404


# Filters -------------------------------------------------------------------------------


def test_filter_by_status_agency_and_skill(world, as_role):
    skill = factories.SkillFactory()
    open_own = factories.NeedFactory(agency=world.own)
    factories.NeedSkillFactory(need=open_own, skill=skill)
    draft_own = factories.DraftNeedFactory(agency=world.own)
    open_other = factories.NeedFactory(agency=world.other)
    client = as_role("manager_own")

    assert set(ids(client.get(LIST, {"status": "open"}))) == {open_own.pk, open_other.pk}
    assert set(ids(client.get(LIST, {"agency": world.own.pk}))) == {open_own.pk, draft_own.pk}
    assert ids(client.get(LIST, {"skill": skill.pk})) == [open_own.pk]


def test_ordering_by_start(world, as_role):
    late = factories.NeedFactory(agency=world.own, start=future(50), end=future(60))
    early = factories.NeedFactory(agency=world.own, start=future(5), end=future(60))

    assert ids(as_role("coordinator").get(LIST, {"ordering": "start"})) == [early.pk, late.pk]


@pytest.mark.parametrize("params", [{"status": "nope"}, {"skill": "x"}, {"agency": "x"}])
def test_bad_filter_values_are_400(as_role, params):
    assert as_role("coordinator").get(LIST, params).status_code == 400
