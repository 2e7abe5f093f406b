"""What the people of an engagement read when it is confirmed, changed, ended early or
completed: each in their own language, with the new period and share; who is told (by
`ROUTES`) and which agencies' webhooks hear of it."""

import datetime as dt

import pytest

from marketplace.models import MatchStatus
from marketplace.services.engagements import (
    match_change_consent,
    match_change_decline,
    match_change_request,
    match_end_early,
)
from marketplace.services.matches import match_accept, match_complete
from notifications.models import Channel, Delivery, Notification

pytestmark = pytest.mark.django_db


class _Read:
    """A notification as its recipient reads it: title and body in their saved language."""

    def __init__(self, notification: Notification) -> None:
        self.title, self.body = notification.text_in(notification.recipient.language)


def _read(user, kind: str) -> _Read:
    return _Read(Notification.objects.get(recipient=user, kind=kind))


def _told(kind: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def _hooked(*agencies) -> None:
    for number, agency in enumerate(agencies):
        agency.webhook_url = f"https://hooks.example.se/{number}"
        agency.webhook_secret = "s"
        agency.save(update_fields=["webhook_url", "webhook_secret"])


def _webhooks(kind: str) -> set[int]:
    return set(
        Delivery.objects.filter(channel=Channel.WEBHOOK, kind=kind).values_list(
            "agency_id", flat=True
        )
    )


def _in_language(user, language: str):
    user.language = language
    user.save(update_fields=["language"])
    return user


def test_the_specialist_is_told_her_engagement_is_confirmed(world):
    _in_language(world.specialist.user, "sv")
    match = world.match(MatchStatus.APPROVED)
    match_accept(actor=world.specialist.user, match=match)
    assert not Notification.objects.filter(kind="match_accepted").exists()

    match_accept(actor=world.manager_b, match=match)

    notice = _read(world.specialist.user, "match_accepted")
    assert notice.title.startswith("Uppdrag bekräftat")
    assert match.need.title in notice.title


def test_a_requested_change_reads_old_and_new_in_each_language(world):
    _in_language(world.specialist.user, "sv")
    _in_language(world.manager_b, "en")
    match = world.match(MatchStatus.ACCEPTED)
    new_end = match.end + dt.timedelta(days=30)

    match_change_request(actor=world.manager_a, match=match, end=new_end)

    swedish = _read(world.specialist.user, "engagement_change_requested")
    english = _read(world.manager_b, "engagement_change_requested")
    assert swedish.title.startswith("Ändring begärd")
    assert english.title.startswith("Change requested")
    for notice in (swedish, english):
        assert match.end.isoformat() in notice.body and new_end.isoformat() in notice.body
    assert "samordnarens godkännande" in swedish.body
    assert "coordinator's approval" in english.body


def test_an_applied_change_tells_everyone_the_new_share(world):
    _in_language(world.manager_a, "en")
    match = world.match(MatchStatus.ACCEPTED)
    match_change_request(actor=world.manager_a, match=match, capacity_percent=45)
    for actor in (world.coordinator, world.specialist.user, world.manager_b):
        match_change_consent(actor=actor, match=match)

    for user in (world.specialist.user, world.manager_a, world.manager_b, world.coordinator):
        assert "45" in _read(user, "engagement_changed").body
    assert _read(world.manager_a, "engagement_changed").title.startswith("Engagement changed")


def test_an_early_end_names_the_new_last_day(world):
    _in_language(world.specialist.user, "sv")
    match = world.match(MatchStatus.ACCEPTED)
    last_day = match.start + dt.timedelta(days=10)

    match_end_early(actor=world.manager_a, match=match, last_day=last_day)

    notice = _read(world.specialist.user, "engagement_ended_early")
    assert notice.title.startswith("Uppdraget avslutas i förtid")
    assert last_day.isoformat() in notice.body and match.end.isoformat() in notice.body


def test_completion_asks_the_specialist_for_her_feedback(world):
    _in_language(world.specialist.user, "en")
    match = world.running()

    match_complete(actor=world.manager_a, match=match, hours=60)

    notice = _read(world.specialist.user, "match_completed")
    assert notice.title.startswith("Engagement completed")
    assert "60" in notice.body and "tell how the assignment went" in notice.body


def test_a_requested_change_goes_to_the_specialist_her_managers_the_approver_and_both_agencies(
    world,
):
    _hooked(world.agency_a, world.agency_b, world.agency_c)
    match = world.match(MatchStatus.ACCEPTED)

    match_change_request(actor=world.manager_a, match=match, end=match.end + dt.timedelta(days=30))

    assert _told("engagement_change_requested") == {
        world.specialist.user.pk,
        world.manager_b.pk,
        world.coordinator.pk,
    }
    assert _webhooks("engagement_change_requested") == {world.agency_a.pk, world.agency_b.pk}


def test_a_change_whose_approver_left_goes_to_the_responsible_coordinators(world):
    world.coordinator.is_active = False
    world.coordinator.save(update_fields=["is_active"])
    match = world.match(MatchStatus.ACCEPTED)

    match_change_request(actor=world.manager_a, match=match, capacity_percent=50)

    assert world.other_coordinator.pk in _told("engagement_change_requested")
    assert world.coordinator.pk not in _told("engagement_change_requested")


def test_a_shrink_tells_everyone_but_the_manager_who_made_it_and_both_agencies(world):
    _hooked(world.agency_a, world.agency_b)
    match = world.match(MatchStatus.ACCEPTED)

    match_change_request(actor=world.manager_a, match=match, capacity_percent=20)

    assert _told("engagement_changed") == {
        world.specialist.user.pk,
        world.manager_b.pk,
        world.coordinator.pk,
    }
    assert _webhooks("engagement_changed") == {world.agency_a.pk, world.agency_b.pk}


def test_a_declined_change_tells_the_others_and_both_agencies(world):
    _hooked(world.agency_a, world.agency_b)
    match = world.match(MatchStatus.ACCEPTED)
    match_change_request(actor=world.manager_a, match=match, capacity_percent=50)

    match_change_decline(actor=world.specialist.user, match=match, comment="Fullt i vår.")

    assert _told("engagement_change_declined") == {
        world.manager_a.pk,
        world.manager_b.pk,
        world.coordinator.pk,
    }
    assert _webhooks("engagement_change_declined") == {world.agency_a.pk, world.agency_b.pk}
    assert "Fullt i vår." in _read(world.manager_a, "engagement_change_declined").body


def test_an_early_end_tells_everyone_but_who_ended_it_and_both_agencies(world):
    _hooked(world.agency_a, world.agency_b)
    match = world.match(MatchStatus.ACCEPTED)

    match_end_early(actor=world.manager_b, match=match, last_day=match.start)

    assert _told("engagement_ended_early") == {
        world.specialist.user.pk,
        world.manager_a.pk,
        world.coordinator.pk,
    }
    assert _webhooks("engagement_ended_early") == {world.agency_a.pk, world.agency_b.pk}
