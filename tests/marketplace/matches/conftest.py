"""A small world for the match status machine: a need in one agency, a specialist in another.

Agency A borrows (its manager owns the need), agency B lends (its manager releases the
specialist), agency C is a bystander; there are two coordinators so tests can tell
"the approving coordinator" from "every coordinator".
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Agency, User
from marketplace.models import Match, MatchStatus, Need, Specialist
from tests import factories


@dataclass
class World:
    agency_a: Agency
    agency_b: Agency
    agency_c: Agency
    admin: User
    coordinator: User
    other_coordinator: User
    manager_a: User
    manager_b: User
    manager_c: User
    specialist: Specialist
    other_specialist: Specialist
    need: Need

    def match(self, status: str = MatchStatus.PROPOSED, **fields) -> Match:
        """A match of `need` and `specialist` in the given status, with its history filled in."""
        now = timezone.now()
        if status in (MatchStatus.APPROVED, MatchStatus.ACCEPTED, MatchStatus.COMPLETED):
            fields.setdefault("approved_at", now)
            fields.setdefault("approved_by", self.coordinator)
        if status in (MatchStatus.ACCEPTED, MatchStatus.COMPLETED):
            fields.setdefault("specialist_consent_at", now)
            fields.setdefault("specialist_consent_by", self.specialist.user)
            fields.setdefault("release_at", now)
            fields.setdefault("release_by", self.manager_b)
            fields.setdefault("accepted_at", now)
        fields.setdefault("need", self.need)
        fields.setdefault("specialist", self.specialist)
        return factories.MatchFactory(status=status, **fields)

    def running(self, status: str = MatchStatus.ACCEPTED, **fields) -> Match:
        """A match whose engagement began a fortnight ago (completion needs a started one)."""
        fields.setdefault("start", timezone.localdate() - timedelta(days=14))
        return self.match(status, **fields)

    def user(self, role_name: str) -> User:
        if role_name == "specialist":
            return self.specialist.user
        if role_name == "other_specialist":
            return self.other_specialist.user
        return getattr(self, role_name)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every factory user hashes a password; the production hasher is slow by design.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    agency_a, agency_b, agency_c = (factories.AgencyFactory() for _ in range(3))
    specialist = factories.SpecialistFactory(agency=agency_b)
    factories.AvailabilityFactory(
        specialist=specialist, start=factories.future(1), end=factories.future(365)
    )
    return World(
        agency_a=agency_a,
        agency_b=agency_b,
        agency_c=agency_c,
        admin=factories.AdminFactory(),
        coordinator=factories.CoordinatorFactory(),
        other_coordinator=factories.CoordinatorFactory(),
        manager_a=factories.ManagerFactory(agency=agency_a),
        manager_b=factories.ManagerFactory(agency=agency_b),
        manager_c=factories.ManagerFactory(agency=agency_c),
        specialist=specialist,
        other_specialist=factories.SpecialistFactory(agency=agency_b),
        need=factories.NeedFactory(agency=agency_a, capacity_percent=40),
    )
