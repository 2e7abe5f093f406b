"""One engagement's whole life, as the people in it live it (issue 18).

Försäkringskassan's manager Karin (Swedish) posts a need for a cloud architect; she
nominates Anna (Skatteverket, Swedish), the coordinator Cecilia (English) approves, Anna
says yes and her manager Lars (English) releases her. A month into the work the project
slips: Karin asks on the match page to extend it by a month, Cecilia approves, Anna and
Lars agree, and the extension holds Anna's time. Then the work finishes a week before the
new end: Karin ends it early, the week is free at once (Trafikverket books it), and after
the last day Karin completes it with hours and a rating on the web while Anna gives her
own rating of the assignment.

At each step the test reads what people rely on: the reservation the capacity rule
counts, the audit trail (API), the notifications each person has (API, delivered by a
real Celery worker) and the report's figures (API). Dates are weekdays spread over the
week, derived from today. The days pass through a clock the test moves forward
(`django.utils.timezone.now` plus an offset, in the test thread and the worker thread
alike): the product reads "today" only through it.
"""

import datetime as dt
from collections import Counter

import pytest
from django.test import Client
from django.utils import timezone

from marketplace.matching.capacity import Window
from marketplace.selectors.capacity import capacity_windows
from notifications.models import Delivery, DeliveryStatus
from tests import factories
from tests.notifications.conftest import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

API = "/api/v1"


class Clock:
    """Moves the product's 'now' whole days forward, keeping the time of day."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._real_now = timezone.now
        self._offset = dt.timedelta(0)
        monkeypatch.setattr(timezone, "now", lambda: self._real_now() + self._offset)

    def travel_to(self, day: dt.date) -> None:
        real_today = timezone.localtime(self._real_now()).date()
        self._offset = dt.timedelta(days=(day - real_today).days)
        assert timezone.localdate() == day


def weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def one_month_later(day: dt.date) -> dt.date:
    """The same day of the next month (or that month's last day), moved back to the Friday
    before when it falls on a weekend."""
    first_of_next = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    month_after = (first_of_next + dt.timedelta(days=32)).replace(day=1)
    last_of_next = month_after - dt.timedelta(days=1)
    later = first_of_next.replace(day=min(day.day, last_of_next.day))
    return later - dt.timedelta(days=max(later.weekday() - 4, 0))


def api(user, language: str = "en"):
    from rest_framework.test import APIClient

    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_authenticate(user=user)
    return client


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = user.language
    return client


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content[:600]
    return response.json()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class People:
    def __init__(self) -> None:
        self.skill = factories.SkillFactory(name="Molnarkitektur (Azure)")
        fk = factories.AgencyFactory(name="Försäkringskassan")
        skv = factories.AgencyFactory(name="Skatteverket")
        trv = factories.AgencyFactory(name="Trafikverket")
        self.karin = factories.ManagerFactory(agency=fk, name="Karin Lund", language="sv")
        self.lars = factories.ManagerFactory(agency=skv, name="Lars Ek", language="en")
        self.tove = factories.ManagerFactory(agency=trv, name="Tove Ahl", language="sv")
        self.cecilia = factories.CoordinatorFactory(name="Cecilia Berg", language="en")
        self.specialist = factories.SpecialistFactory(
            agency=skv,
            user__name="Anna Svensson",
            user__language="sv",
            shareable=True,
            max_share_percent=60,
        )
        self.anna = self.specialist.user
        factories.SpecialistSkillFactory(specialist=self.specialist, skill=self.skill, level=4)

    def everyone(self):
        return [self.karin, self.lars, self.tove, self.cecilia, self.anna]


def post_need(manager, people: People, *, title: str, start, end, percent: int) -> int:
    client = api(manager, "sv")
    need = ok(
        client.post(
            f"{API}/needs/",
            {
                "title": title,
                "description": "Migrering av ärendesystemet till molnet.",
                "start": start.isoformat(),
                "end": end.isoformat(),
                "capacity_percent": percent,
                "skills": [{"skill": people.skill.pk, "min_level": 3, "required": True}],
            },
            format="json",
        ),
        201,
    )
    ok(client.post(f"{API}/needs/{need['id']}/publish/"))
    return need["id"]


def reservations(people: People) -> list[Window]:
    return capacity_windows(specialist_id=people.specialist.pk).reservations


def notification_kinds(user) -> Counter:
    rows = ok(api(user).get(f"{API}/notifications/", {"page_size": 200}))
    return Counter(row["kind"] for row in rows["results"])


def settled() -> bool:
    return not Delivery.objects.filter(
        status__in=(DeliveryStatus.PENDING, DeliveryStatus.SENDING)
    ).exists()


def assert_notified(people: People, expected: dict) -> None:
    """Each person has exactly the notifications `expected` lists (in the app)."""

    def matches() -> bool:
        return settled() and all(
            notification_kinds(user) == Counter(expected.get(user.pk, []))
            for user in people.everyone()
        )

    if not wait_for(matches, timeout=30):
        for user in people.everyone():
            assert notification_kinds(user) == Counter(expected.get(user.pk, [])), user.name


def audit_actions(people: People, match_id: int) -> list[str]:
    """The match's audit trail and its change requests', oldest first, as Cecilia reads it."""
    client = api(people.cecilia)
    actions = []
    queries = [
        {"object_type": "marketplace.match", "object_id": match_id},
        {"object_type": "marketplace.matchchange"},
        {"object_type": "marketplace.engagement"},
    ]
    for query in queries:
        page = ok(client.get(f"{API}/audit-events/", query))
        actions += [(row["created_at"], row["id"], row["action"]) for row in page["results"]]
    return [action for _, _, action in sorted(actions)]


def figures(people: People, first: dt.date, last: dt.date) -> dict:
    report = ok(
        api(people.cecilia).get(
            f"{API}/reports/summary/", {"from": first.isoformat(), "to": last.isoformat()}
        )
    )
    return report["network"]


def add(expected: dict, kind: str, *users) -> None:
    for user in users:
        expected.setdefault(user.pk, []).append(kind)


def test_an_engagement_from_nomination_to_feedback_from_both_sides(
    live_worker, client_for, monkeypatch
):
    clock = Clock(monkeypatch)
    people = People()
    karin, lars, tove, cecilia, anna = (
        people.karin,
        people.lars,
        people.tove,
        people.cecilia,
        people.anna,
    )
    today = timezone.localdate()
    start = weekday_on_or_after(today + dt.timedelta(days=10), 1)  # a Tuesday
    end = start + dt.timedelta(weeks=12, days=2)  # a Thursday
    ok(
        api(lars).post(
            f"{API}/specialists/{people.specialist.pk}/availability/",
            {
                "start": today.isoformat(),
                "end": (end + dt.timedelta(days=120)).isoformat(),
                "capacity_percent": 100,
            },
        ),
        201,
    )
    report_from, report_to = today, end + dt.timedelta(days=120)
    expected: dict = {}

    # Nominate, approve, consent, release --------------------------------------------------
    need = post_need(
        karin, people, title="Molnmigrering av ärendesystemet", start=start, end=end, percent=40
    )
    match = ok(
        api(karin).post(f"{API}/matches/", {"need": need, "specialist": people.specialist.pk}),
        201,
    )["id"]
    add(expected, "match_proposed", cecilia)
    assert reservations(people) == []
    ok(api(cecilia).post(f"{API}/matches/{match}/approve/"))
    add(expected, "match_approved", anna, lars, karin)
    assert reservations(people) == [Window(start, end, 40)]
    ok(api(anna).post(f"{API}/matches/{match}/accept/"))
    # Lars, who must still release her, hears of her yes.
    add(expected, "match_consented", lars)
    assert_notified(people, expected)
    ok(api(lars).post(f"{API}/matches/{match}/accept/"))
    # The specialist hears that her engagement is confirmed, with both managers and Cecilia.
    add(expected, "match_accepted", anna, lars, karin, cecilia)
    assert_notified(people, expected)
    assert reservations(people) == [Window(start, end, 40)]
    assert audit_actions(people, match) == [
        "match.nominate",
        "match.approve",
        "match.consent",
        "match.release",
    ]
    before_work = figures(people, report_from, report_to)
    assert (before_work["engagements"], before_work["needs_filled"]) == (0, 1)

    # A month in, the project slips: extend by a month ------------------------------------
    clock.travel_to(start + dt.timedelta(days=15))  # a Wednesday
    new_end = one_month_later(end)
    page = (
        web(karin)
        .post(f"/matches/{match}/change/", {"end": new_end.isoformat()}, follow=True)
        .content.decode()
    )
    assert "Ändringen är begärd." in page
    add(expected, "engagement_change_requested", anna, lars, cecilia)
    assert_notified(people, expected)
    # Until everyone has agreed, the reservation stays as it was.
    assert reservations(people) == [Window(start, end, 40)]
    ok(api(cecilia).post(f"{API}/matches/{match}/change/accept/"))
    anna_page = web(anna).post(f"/matches/{match}/change/accept/", follow=True).content.decode()
    assert "Ditt ja är registrerat." in anna_page
    assert reservations(people) == [Window(start, end, 40)]
    change = ok(api(lars).post(f"{API}/matches/{match}/change/accept/"))
    assert change["status"] == "applied"
    add(expected, "engagement_changed", anna, lars, karin, cecilia)
    assert_notified(people, expected)
    assert reservations(people) == [Window(start, new_end, 40)]
    assert ok(api(anna).get(f"{API}/matches/{match}/"))["end"] == new_end.isoformat()

    # Another agency's 40 % need for the extension's last weeks does not fit beside it.
    last_day = new_end - dt.timedelta(days=7)
    tove_need = post_need(
        tove,
        people,
        title="Molnarkitekt för trafikdata",
        start=last_day + dt.timedelta(days=1),
        end=new_end + dt.timedelta(days=21),
        percent=40,
    )
    refused = api(tove).post(
        f"{API}/matches/", {"need": tove_need, "specialist": people.specialist.pk}
    )
    assert refused.status_code == 409, refused.content

    # The work ends a week early ----------------------------------------------------------
    day = last_day - dt.timedelta(days=9)
    clock.travel_to(day + dt.timedelta(days=max(day.weekday() - 4, 0)))  # a weekday
    ended = ok(
        api(karin).post(f"{API}/matches/{match}/end-early/", {"last_day": last_day.isoformat()})
    )
    assert ended["end"] == last_day.isoformat()
    # Everyone but Karin, who ended it herself.
    add(expected, "engagement_ended_early", anna, lars, cecilia)
    assert_notified(people, expected)
    assert reservations(people) == [Window(start, last_day, 40)]
    # The week given up is free at once: Trafikverket's need now gets Anna.
    tove_match = ok(
        api(tove).post(f"{API}/matches/", {"need": tove_need, "specialist": people.specialist.pk}),
        201,
    )["id"]
    ok(api(cecilia).post(f"{API}/matches/{tove_match}/approve/"))
    add(expected, "match_proposed", cecilia)
    add(expected, "match_approved", anna, lars, tove)
    assert_notified(people, expected)
    assert sorted(reservations(people), key=lambda w: w.start) == [
        Window(start, last_day, 40),
        Window(last_day + dt.timedelta(days=1), new_end + dt.timedelta(days=21), 40),
    ]

    # After the last day: completed with feedback from both sides -------------------------
    clock.travel_to(weekday_on_or_after(last_day + dt.timedelta(days=1), 0))
    completed = (
        web(karin)
        .post(
            f"/matches/{match}/complete/",
            {"hours": "262.5", "rating": "5", "comment": "Mycket bra arbete."},
            follow=True,
        )
        .content.decode()
    )
    assert "Uppdraget är avslutat och registrerat." in completed
    add(expected, "match_completed", anna, lars)
    assert_notified(people, expected)
    # The engagement holds nothing any more; Trafikverket's booking after it stands.
    assert reservations(people) == [
        Window(last_day + dt.timedelta(days=1), new_end + dt.timedelta(days=21), 40)
    ]
    after_completion = figures(people, report_from, report_to)
    assert after_completion["engagements"] == 1
    assert after_completion["hours"] == 262.5
    assert (after_completion["need_rating_average"], after_completion["need_rating_count"]) == (
        5.0,
        1,
    )
    assert after_completion["specialist_rating_count"] == 0

    anna_web = web(anna)
    feedback_form = anna_web.get(f"/matches/{match}/").content.decode()
    assert "Din återkoppling på uppdraget" in feedback_form
    thanked = anna_web.post(
        f"/matches/{match}/feedback/",
        {"rating": "4", "comment": "Spännande uppdrag, bra team."},
        follow=True,
    ).content.decode()
    assert "Tack: din återkoppling är registrerad." in thanked
    again = api(anna).post(f"{API}/matches/{match}/feedback/", {"rating": 5})
    assert again.status_code == 409
    after_feedback = figures(people, report_from, report_to)
    assert (
        after_feedback["specialist_rating_average"],
        after_feedback["specialist_rating_count"],
    ) == (4.0, 1)
    assert after_feedback["hours"] == 262.5

    assert audit_actions(people, match) == [
        "match.nominate",
        "match.approve",
        "match.consent",
        "match.release",
        "match_change.request",
        "match_change.approve",
        "match_change.consent",
        "match_change.release",
        "match.change",
        "match.end_early",
        "match.complete",
        "engagement.feedback",
    ]
    history = ok(api(cecilia).get(f"{API}/matches/{match}/"))
    assert (history["status"], history["start"], history["end"]) == (
        "completed",
        start.isoformat(),
        last_day.isoformat(),
    )
    # Lars (English) reads the engagement on its page with both sides' ratings.
    page = web(lars).get(f"/matches/{match}/").content.decode()
    assert "Rating from the borrowing agency" in page
    assert "Rating from the specialist" in page
    assert "Spännande uppdrag, bra team." in page
    assert "Early end" in page and "Change of period or share" in page
