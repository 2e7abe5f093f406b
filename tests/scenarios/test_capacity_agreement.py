"""One capacity rule everywhere: the shortlist, `?explain=` and the approval guard agree.

Over random availability windows, reservations (approved and accepted matches), max
shares and need periods starting on any weekday, stored in PostgreSQL: for every
(need, specialist) pair, whether the shortlist shows the specialist (the warm index the
API reads), whether `?explain=` finds them eligible and whether a coordinator's approval
of a proposal passes the guard (under its row lock) all give the same answer, and it is
the answer of a brute-force count of free capacity day by day.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accounts.errors import Conflict
from marketplace.models import MatchStatus
from marketplace.selectors.candidates import candidate_exclusion, candidate_list
from marketplace.services.matches import match_approve
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


class Rollback(Exception):
    """Leaves one example's rows behind no trace."""


@st.composite
def specialist_plans(draw, first: int, last: int, asked: int):
    """Windows either around the need's period (starting or ending a day off, or exactly
    on it) or anywhere; reservations anywhere; a max share. Percents cluster around the
    asked one, where the rule's edges are."""
    percents = st.one_of(st.sampled_from([asked - 1, asked, asked + 10, 100]), st.integers(1, 100))
    percents = percents.filter(lambda p: 1 <= p <= 100)
    if draw(st.booleans()):
        cuts = [max(first + draw(st.integers(-1, 1)), 0), last + draw(st.integers(-1, 1))]
        if cuts[1] < cuts[0]:
            cuts = cuts[::-1]
    else:
        cuts = sorted(draw(st.lists(st.integers(0, 80), max_size=6, unique=True)))
    windows = [(a, b, draw(percents)) for a, b in zip(cuts[0::2], cuts[1::2], strict=False)]
    reservations = []
    for _ in range(draw(st.integers(0, 2))):
        start = draw(st.integers(max(first - 10, 0), last + 5))
        end = start + draw(st.integers(0, 25))
        percent = draw(st.integers(1, 20))
        status = draw(st.sampled_from([MatchStatus.APPROVED, MatchStatus.ACCEPTED]))
        reservations.append((start, end, percent, status))
    return windows, reservations, draw(percents)


def brute_force_fits(plan, first: int, last: int, asked: int) -> bool:
    windows, reservations, max_share = plan
    for d in range(first, last + 1):
        available = sum(p for a, b, p in windows if a <= d <= b)
        reserved = sum(p for a, b, p, _s in reservations if a <= d <= b)
        if min(available, max_share) - reserved < asked:
            return False
    return True


@pytest.fixture
def people(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    borrowing, lending = factories.AgencyFactory(), factories.AgencyFactory()
    return {
        "borrowing": borrowing,
        "lending": lending,
        "coordinator": factories.CoordinatorFactory(),
    }


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    weekday=st.integers(0, 6),
    weeks=st.integers(0, 6),
    length=st.integers(0, 30),
    asked=st.integers(1, 60),
    data=st.data(),
)
def test_shortlist_explain_and_approval_agree_with_a_day_by_day_count(
    people, weekday, weeks, length, asked, data
):
    base = timezone.localdate() + dt.timedelta(days=1)

    def day(offset: int) -> dt.date:
        return base + dt.timedelta(days=offset)

    start_offset = (weekday - base.weekday()) % 7 + 7 * weeks
    plans = data.draw(
        st.lists(
            specialist_plans(start_offset, start_offset + length, asked), min_size=1, max_size=3
        )
    )
    start, end = day(start_offset), day(start_offset + length)
    assert start.weekday() == weekday
    try:
        with transaction.atomic():
            need = factories.NeedFactory(
                agency=people["borrowing"], start=start, end=end, capacity_percent=asked
            )
            specialists = []
            for windows, reservations, max_share in plans:
                specialist = factories.SpecialistFactory(
                    agency=people["lending"], shareable=True, max_share_percent=max_share
                )
                for first, last, percent in windows:
                    factories.AvailabilityFactory(
                        specialist=specialist,
                        start=day(first),
                        end=day(last),
                        capacity_percent=percent,
                    )
                for first, last, percent, status in reservations:
                    factories.MatchFactory(
                        need=factories.NeedFactory(agency=people["borrowing"]),
                        specialist=specialist,
                        status=status,
                        start=day(first),
                        end=day(last),
                        capacity_percent=percent,
                    )
                specialists.append(specialist)

            coordinator = people["coordinator"]
            shown = {
                row.specialist.id
                for row in candidate_list(user=coordinator, need_id=need.pk, limit=200)
            }
            for plan, specialist in zip(plans, specialists, strict=True):
                expected = brute_force_fits(plan, start_offset, start_offset + length, asked)
                event(f"fits: {expected}")
                check = candidate_exclusion(
                    user=coordinator, need_id=need.pk, specialist_id=specialist.pk
                )
                proposal = factories.MatchFactory(
                    need=need,
                    specialist=specialist,
                    status=MatchStatus.PROPOSED,
                    start=start,
                    end=end,
                    capacity_percent=asked,
                )
                try:
                    with transaction.atomic():
                        match_approve(actor=coordinator, match=proposal)
                        raise Rollback
                except Rollback:
                    approved = True
                except Conflict:
                    approved = False
                verdicts = {
                    "shortlist": specialist.pk in shown,
                    "explain": not check.reasons,
                    "approval": approved,
                }
                assert verdicts == dict.fromkeys(verdicts, expected), (plan, verdicts)
                if not expected:
                    assert [r.constraint for r in check.reasons if r.constraint != "max_share"] == [
                        "capacity"
                    ]
            raise Rollback
    except Rollback:
        pass
