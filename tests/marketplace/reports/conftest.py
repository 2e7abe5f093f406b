"""Hand-built data for the reports: three agencies, engagements whose figures are known.

`completed(...)` writes a completed match and its engagement directly (the reports read
history, they do not drive the status machine), with every moment given explicitly so a
test can compute each figure by hand. Like every writer outside the services, each helper
then brings the report facts of the need up to date (`report_facts_refresh`).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Agency
from marketplace.models import Engagement, MatchStatus, Need, NeedStatus, Specialist
from marketplace.reports.facts import report_facts_refresh
from tests import factories


def at(day: str, hour: int = 12) -> dt.datetime:
    """An aware moment on a date (YYYY-MM-DD) in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour)))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _known_rates(settings):
    settings.REPORTS_ANNUAL_HOURS = 1600
    settings.REPORTS_CONSULTANT_HOURLY_RATES = {"cloud": 1450, "security": 1500}
    settings.REPORTS_DEFAULT_CONSULTANT_HOURLY_RATE = 1300
    settings.REPORTS_INTERNAL_HOURLY_RATE = 850


def make_need(
    agency: Agency,
    *,
    published: str = "2027-02-01",
    start: str = "2027-03-01",
    end: str = "2027-06-30",
    status: str = NeedStatus.FILLED,
    skills: tuple = (),
) -> Need:
    """A need with its skills given as (skill, min_level, required) in entry order."""
    need = factories.NeedFactory(
        agency=agency,
        published_at=at(published, 9),
        start=dt.date.fromisoformat(start),
        end=dt.date.fromisoformat(end),
        status=status,
    )
    for skill, min_level, required in skills:
        factories.NeedSkillFactory(need=need, skill=skill, min_level=min_level, required=required)
    report_facts_refresh(need_ids=[need.pk])
    return need


def completed(
    need: Need,
    specialist: Specialist,
    *,
    hours: str,
    completed: str = "2027-06-30",
    approved: str | None = None,
    accepted: str | None = None,
    need_rating: int | None = None,
    specialist_rating: int | None = None,
) -> Engagement:
    match = factories.MatchFactory(
        need=need,
        specialist=specialist,
        status=MatchStatus.COMPLETED,
        approved_at=at(approved, 9) if approved else need.published_at,
        accepted_at=at(accepted, 9) if accepted else need.published_at,
    )
    engagement = Engagement.objects.create(
        match=match,
        hours=Decimal(hours),
        completed_at=at(completed),
        need_rating=need_rating,
        specialist_rating=specialist_rating,
    )
    report_facts_refresh(need_ids=[need.pk])
    return engagement


def save(obj) -> None:
    """Save a row changed by hand, and bring its need's report facts up to date."""
    obj.save()
    need_id = obj.pk if isinstance(obj, Need) else getattr(obj, "need_id", None)
    if need_id is None:
        need_id = obj.match.need_id
    report_facts_refresh(need_ids=[need_id])


@pytest.fixture
def cloud(db):
    return factories.SkillFactory(name="Reports cloud", category="cloud")


@pytest.fixture
def security(db):
    return factories.SkillFactory(name="Reports security", category="security")


@pytest.fixture
def agencies(db):
    """Lender (only lends), borrower (only borrows) and bystander (does nothing)."""
    return (
        factories.AgencyFactory(name="A Lender", slug="lender"),
        factories.AgencyFactory(name="B Borrower", slug="borrower"),
        factories.AgencyFactory(name="C Bystander", slug="bystander"),
    )


@pytest.fixture
def coordinator(db):
    return factories.CoordinatorFactory()
