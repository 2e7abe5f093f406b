"""A person's calendar link: an iCalendar feed of their engagements, by the secret token."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from marketplace.audit import audit_record
from marketplace.models import CalendarFeed, MatchStatus
from marketplace.services.calendar import calendar_feed_revoke, calendar_feed_rotate
from marketplace.services.matches import match_cancel
from tests import factories
from tests.marketplace.calendar.validation import events_by_uid, valid_calendar

pytestmark = pytest.mark.django_db


def feed_url(token: str) -> str:
    return f"/api/v1/calendar/{token}.ics"


def engagement(**fields):
    """An accepted match (both consents given)."""
    now = timezone.now()
    return factories.MatchFactory(
        status=MatchStatus.ACCEPTED,
        approved_at=now,
        specialist_consent_at=now,
        release_at=now,
        accepted_at=now,
        **fields,
    )


@pytest.fixture
def lender():
    return factories.AgencyFactory(name="Skatteverket")


@pytest.fixture
def borrower():
    return factories.AgencyFactory(name="Försäkringskassan")


@pytest.fixture
def specialist(lender):
    return factories.SpecialistFactory(agency=lender, user__name="Kim Berg")


@pytest.fixture
def lent(specialist, borrower):
    need = factories.NeedFactory(agency=borrower, title="Molnmigrering", capacity_percent=40)
    return engagement(need=need, specialist=specialist)


def test_specialists_feed_is_valid_icalendar_with_their_engagement(client, specialist, lent):
    token = calendar_feed_rotate(user=specialist.user)

    response = client.get(feed_url(token))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]
    calendar = valid_calendar(response.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"match-{lent.pk}@127.0.0.1"
    assert event.decoded("DTSTART") == lent.start
    assert event.decoded("DTEND") == lent.end + dt.timedelta(days=1)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert "Molnmigrering" in str(event["SUMMARY"]) and "40" in str(event["SUMMARY"])
    assert f"/matches/{lent.pk}/" in str(event["URL"])


def test_feed_holds_only_engagements_not_proposals_or_other_peoples(client, specialist, lent):
    factories.MatchFactory(specialist=specialist, status=MatchStatus.PROPOSED)
    factories.MatchFactory(specialist=specialist, status=MatchStatus.APPROVED)
    engagement()  # someone else's
    token = calendar_feed_rotate(user=specialist.user)

    calendar = valid_calendar(client.get(feed_url(token)).content)

    assert set(events_by_uid(calendar)) == {f"match-{lent.pk}@127.0.0.1"}


def test_managers_feed_holds_lent_and_borrowed_engagements(client, lender, specialist, lent):
    manager = factories.ManagerFactory(agency=lender, language="en")
    own_need = factories.NeedFactory(agency=lender, title="Vår upphandling")
    borrowed = engagement(need=own_need)
    engagement()  # between two other agencies
    token = calendar_feed_rotate(user=manager)

    calendar = valid_calendar(client.get(feed_url(token)).content)

    events = events_by_uid(calendar)
    assert set(events) == {f"match-{lent.pk}@127.0.0.1", f"match-{borrowed.pk}@127.0.0.1"}
    assert str(events[f"match-{lent.pk}@127.0.0.1"]["SUMMARY"]).startswith("Lent: Kim Berg")
    assert str(events[f"match-{borrowed.pk}@127.0.0.1"]["SUMMARY"]).startswith("Borrowed:")


def test_a_changed_engagement_keeps_its_uid_and_tells_the_calendar_it_changed(
    client, specialist, lent
):
    token = calendar_feed_rotate(user=specialist.user)
    before = valid_calendar(client.get(feed_url(token)).content).walk("VEVENT")[0]

    # As every change of a match does, the later end is saved and audited.
    lent.end += dt.timedelta(days=14)
    lent.save(update_fields=["end", "updated_at"])
    audit_record(actor=None, action="match.change", target=lent, after={"end": lent.end})
    after = valid_calendar(client.get(feed_url(token)).content).walk("VEVENT")[0]

    assert str(after["UID"]) == str(before["UID"])
    assert after.decoded("DTEND") == before.decoded("DTEND") + dt.timedelta(days=14)
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")


def test_a_cancelled_engagement_stays_marked_cancelled(client, borrower, specialist, lent):
    token = calendar_feed_rotate(user=specialist.user)
    manager = factories.ManagerFactory(agency=borrower)

    match_cancel(actor=manager, match=lent)

    [event] = valid_calendar(client.get(feed_url(token)).content).walk("VEVENT")
    assert str(event["UID"]) == f"match-{lent.pk}@127.0.0.1"
    assert str(event["STATUS"]) == "CANCELLED"


def test_a_rotated_token_makes_the_old_link_404(client, specialist, lent):
    old = calendar_feed_rotate(user=specialist.user)
    new = calendar_feed_rotate(user=specialist.user)

    assert client.get(feed_url(old)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200


def test_a_revoked_link_is_404(client, specialist, lent):
    token = calendar_feed_rotate(user=specialist.user)

    assert calendar_feed_revoke(user=specialist.user) is True
    assert client.get(feed_url(token)).status_code == 404
    assert calendar_feed_revoke(user=specialist.user) is False


def test_a_deactivated_persons_link_is_404(client, specialist, lent):
    token = calendar_feed_rotate(user=specialist.user)
    specialist.user.is_active = False
    specialist.user.save()

    assert client.get(feed_url(token)).status_code == 404


@pytest.mark.parametrize("token", ["x", "a" * 43, "../../etc/passwd"])
def test_an_unknown_token_is_404(client, token):
    assert client.get(feed_url(token)).status_code == 404


def test_the_token_is_stored_only_as_a_hash(specialist):
    token = calendar_feed_rotate(user=specialist.user)

    stored = CalendarFeed.objects.get(user=specialist.user).token_hash
    assert token not in stored and len(stored) == 64


def test_the_feed_is_read_in_a_fixed_number_of_queries(client, specialist):
    for _ in range(3):
        engagement(specialist=specialist)
    token = calendar_feed_rotate(user=specialist.user)
    with CaptureQueriesContext(connection) as few:
        client.get(feed_url(token))
    for _ in range(12):
        engagement(specialist=specialist)
    with CaptureQueriesContext(connection) as many:
        client.get(feed_url(token))

    assert len(many) == len(few) <= 4
