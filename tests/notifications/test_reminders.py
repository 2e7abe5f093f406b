import datetime as dt

import pytest
from django.utils import timezone

from marketplace import reminders
from marketplace.models import MatchStatus
from notifications.models import Channel, Delivery, Notification, NotificationKind
from notifications.services import notify
from tests import factories

pytestmark = pytest.mark.django_db

WED_29_APRIL = dt.date(2026, 4, 29)
MON_4_MAY = dt.date(2026, 5, 4)  # Friday 1 May is a public holiday
TUE_5_MAY = dt.date(2026, 5, 5)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _proposed_match(created: dt.date, coordinator):
    match = factories.MatchFactory()
    match.__class__.objects.filter(pk=match.pk).update(created_at=_at(created))
    notify(
        kind=NotificationKind.MATCH_PROPOSED,
        recipients=[coordinator],
        context={"match_id": match.pk, "need_title": match.need.title},
    )
    return match


def _reminders(user=None):
    queryset = Notification.objects.filter(kind=NotificationKind.APPROVAL_PENDING_REMINDER)
    return queryset.filter(recipient=user) if user else queryset


def test_approval_reminder_does_not_count_a_swedish_public_holiday():
    coordinator = factories.CoordinatorFactory()
    _proposed_match(WED_29_APRIL, coordinator)

    assert reminders.approval_reminders_send(today=MON_4_MAY) == 0
    assert not _reminders().exists()


def test_approval_reminder_after_more_than_two_working_days():
    coordinator = factories.CoordinatorFactory()
    _proposed_match(WED_29_APRIL, coordinator)

    assert reminders.approval_reminders_send(today=TUE_5_MAY) == 1
    assert _reminders(coordinator).count() == 1


def test_approval_reminder_goes_only_to_the_coordinators_asked():
    asked = factories.CoordinatorFactory()
    bystander = factories.CoordinatorFactory()
    _proposed_match(WED_29_APRIL, asked)

    reminders.approval_reminders_send(today=TUE_5_MAY)

    assert _reminders(asked).exists()
    assert not _reminders(bystander).exists()


def test_approval_reminder_is_not_repeated_the_next_working_day():
    coordinator = factories.CoordinatorFactory()
    _proposed_match(WED_29_APRIL, coordinator)
    reminders.approval_reminders_send(today=TUE_5_MAY)
    Notification.objects.filter(kind=NotificationKind.APPROVAL_PENDING_REMINDER).update(
        created_at=_at(TUE_5_MAY)
    )

    assert reminders.approval_reminders_send(today=dt.date(2026, 5, 6)) == 0


def test_approved_match_gets_no_approval_reminder():
    coordinator = factories.CoordinatorFactory()
    match = _proposed_match(WED_29_APRIL, coordinator)
    match.__class__.objects.filter(pk=match.pk).update(status=MatchStatus.APPROVED)

    assert reminders.approval_reminders_send(today=TUE_5_MAY) == 0


def test_engagement_starting_within_three_days_tells_specialist_and_both_managers_once():
    today = dt.date(2026, 12, 1)
    need = factories.NeedFactory(start=today + dt.timedelta(days=3), end=dt.date(2027, 3, 1))
    match = factories.MatchFactory(need=need, status=MatchStatus.ACCEPTED)
    home_manager = factories.ManagerFactory(agency=match.specialist.agency)
    need_manager = factories.ManagerFactory(agency=need.agency)
    factories.ManagerFactory()  # an unrelated agency's manager

    assert reminders.engagement_starting_notify(today=today) == 1
    assert reminders.engagement_starting_notify(today=today) == 0

    told = set(
        Notification.objects.filter(kind=NotificationKind.ENGAGEMENT_STARTING).values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {match.specialist.user_id, home_manager.pk, need_manager.pk}


def test_engagement_starting_later_is_not_told_yet():
    today = dt.date(2026, 12, 1)
    need = factories.NeedFactory(start=today + dt.timedelta(days=4), end=dt.date(2027, 3, 1))
    factories.MatchFactory(need=need, status=MatchStatus.ACCEPTED)

    assert reminders.engagement_starting_notify(today=today) == 0


def test_engagement_starting_webhook_is_not_repeated():
    today = dt.date(2026, 12, 1)
    agency = factories.AgencyFactory(webhook_url="https://hooks.example.se/a", webhook_secret="s")
    need = factories.NeedFactory(
        agency=agency, start=today + dt.timedelta(days=1), end=dt.date(2027, 3, 1)
    )
    factories.MatchFactory(need=need, status=MatchStatus.ACCEPTED)

    reminders.engagement_starting_notify(today=today)
    reminders.engagement_starting_notify(today=today + dt.timedelta(days=1))

    assert Delivery.objects.filter(channel=Channel.WEBHOOK, agency=agency).count() == 1


def test_need_unfilled_at_start_tells_its_managers_once():
    today = dt.date(2026, 12, 1)
    need = factories.NeedFactory(start=today, end=dt.date(2027, 3, 1))
    manager = factories.ManagerFactory(agency=need.agency)
    other_manager = factories.ManagerFactory()

    assert reminders.unfilled_needs_notify(today=today) == 1
    assert reminders.unfilled_needs_notify(today=today) == 0

    told = Notification.objects.filter(kind=NotificationKind.NEED_UNFILLED_AT_START)
    assert list(told.values_list("recipient_id", flat=True)) == [manager.pk]
    assert other_manager.pk not in told.values_list("recipient_id", flat=True)


def test_need_filled_by_its_start_is_not_reported():
    today = dt.date(2026, 12, 1)
    need = factories.NeedFactory(start=today, end=dt.date(2027, 3, 1))
    factories.ManagerFactory(agency=need.agency)
    factories.MatchFactory(need=need, status=MatchStatus.ACCEPTED)

    assert reminders.unfilled_needs_notify(today=today) == 0
