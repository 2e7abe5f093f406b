"""The availability table shows what approved matches hold and what stays free, by the
one capacity rule: free = min(availability, max share) − reserved, day by day."""

import datetime as dt

import pytest

from marketplace.models import MatchStatus
from marketplace.selectors.dashboards import availability_with_commitments
from tests import factories

pytestmark = pytest.mark.django_db


def test_windows_show_committed_and_free_capped_by_max_share(web_client_for):
    specialist = factories.SpecialistFactory(max_share_percent=40)
    start = factories.future(10)
    factories.AvailabilityFactory(
        specialist=specialist, start=start, end=start + dt.timedelta(days=20), capacity_percent=60
    )
    factories.MatchFactory(
        specialist=specialist,
        status=MatchStatus.APPROVED,
        start=start + dt.timedelta(days=5),
        end=start + dt.timedelta(days=9),
        capacity_percent=30,
    )

    (window,) = availability_with_commitments(user=specialist.user, specialist_id=specialist.pk)

    assert [(s.start, s.end, s.committed_percent, s.free_percent) for s in window.segments] == [
        (start, start + dt.timedelta(days=4), 0, 40),
        (start + dt.timedelta(days=5), start + dt.timedelta(days=9), 30, 10),
        (start + dt.timedelta(days=10), start + dt.timedelta(days=20), 0, 40),
    ]
    page = web_client_for(specialist.user).get(f"/specialists/{specialist.pk}/").content.decode()
    assert "Ledigt att låna ut" in page
    busy = (
        f"{start + dt.timedelta(days=5):%Y-%m-%d} – {start + dt.timedelta(days=9):%Y-%m-%d}: 10 %"
    )
    assert busy in page
