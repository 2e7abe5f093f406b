"""A fixed world of two agencies (plus a third that borrows), built once per test module.

Each test runs inside a savepoint that is rolled back, so a write in one test (publish,
delete, approve) never leaks into the next, and the world is not rebuilt per test.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Agency, User
from marketplace import models as m
from marketplace.services.needs import NeedSkillSpec, need_create
from notifications.models import Notification
from tests import factories

# Strings that may only reach the people PRODUCT.md allows; the tests search every body.
SECRET_DRAFT = "HEMLIGT-UTKAST-{}"
SECRET_UNSHARED = "HEMLIG-SPECIALIST-{}"
SECRET_PHONE = "070-555-HEMLIG-{}"
SECRET_EMAIL = "kontakt-hemlig-{}@myndighet.se"

ROLES = ("anonymous", "specialist", "manager", "coordinator", "admin")


@dataclass
class Side:
    """One agency's objects: A is the caller's own agency, B another one."""

    agency: Agency
    specialist_user: User
    manager: User
    specialist: m.Specialist  # shareable, the specialist_user's profile
    unshared: m.Specialist
    availability: m.Availability  # of `specialist`
    unshared_availability: m.Availability
    draft: m.Need
    published: m.Need
    match: m.Match  # the agency's specialist, proposed for the borrower's need
    notification: Notification  # addressed to specialist_user
    saved_search: m.SavedSearch  # specialist_user's own


@dataclass
class World:
    own: Side
    other: Side
    borrower: Agency
    borrower_need: m.Need
    coordinator: User
    admin: User
    skill: m.Skill
    matching_run: m.MatchingRun
    tokens: dict[str, str] = field(default_factory=dict)

    def user(self, role: str) -> User | None:
        return {
            "anonymous": None,
            "specialist": self.own.specialist_user,
            "manager": self.own.manager,
            "coordinator": self.coordinator,
            "admin": self.admin,
        }[role]


def _side(letter: str, borrower_need: m.Need, skill: m.Skill) -> Side:
    agency = factories.AgencyFactory(name=f"Myndighet {letter}")
    manager = factories.ManagerFactory(agency=agency, name=f"Chef {letter}")
    specialist = factories.SpecialistFactory(
        agency=agency,
        user__name=f"Delad specialist {letter}",
        user__email=SECRET_EMAIL.format(letter).lower(),
        phone=SECRET_PHONE.format(letter),
    )
    factories.SpecialistSkillFactory(specialist=specialist, skill=skill, level=4)
    unshared = factories.SpecialistFactory(
        agency=agency,
        shareable=False,
        user__name=SECRET_UNSHARED.format(letter),
        title=SECRET_UNSHARED.format(letter),
        phone=SECRET_PHONE.format(f"U{letter}"),
    )
    availability = factories.AvailabilityFactory(specialist=specialist, capacity_percent=80)
    unshared_availability = factories.AvailabilityFactory(specialist=unshared)
    # Created through the service so the audit trail holds the draft as well.
    draft = need_create(
        actor=manager,
        agency=agency,
        fields={
            "title": SECRET_DRAFT.format(letter),
            "description": SECRET_DRAFT.format(letter),
            "start": factories.future(30),
            "end": factories.future(90),
            "capacity_percent": 20,
        },
        skills=[NeedSkillSpec(skill_id=skill.pk, min_level=2)],
    )
    published = factories.NeedFactory(agency=agency, title=f"Publicerat behov {letter}")
    factories.NeedSkillFactory(need=published, skill=skill, min_level=2)
    match = factories.MatchFactory(need=borrower_need, specialist=specialist)
    notification = Notification.objects.create(
        recipient=specialist.user,
        kind="match_proposed",
        title=f"Notis {letter}",
        in_app_at=timezone.now(),
    )
    saved_search = m.SavedSearch.objects.create(
        owner=specialist.user, kind="needs_board", name=f"Sökning {letter}", criteria={}
    )
    return Side(
        agency=agency,
        specialist_user=specialist.user,
        manager=manager,
        specialist=specialist,
        unshared=unshared,
        availability=availability,
        unshared_availability=unshared_availability,
        draft=draft,
        published=published,
        match=match,
        notification=notification,
        saved_search=saved_search,
    )


def build_world() -> World:
    skill = factories.SkillFactory(name="Säkerhetsarkitektur (test)")
    borrower = factories.AgencyFactory(name="Lånande myndighet")
    borrower_need = factories.NeedFactory(agency=borrower, title="Lånebehov", capacity_percent=20)
    factories.NeedSkillFactory(need=borrower_need, skill=skill, min_level=2)
    world = World(
        own=_side("A", borrower_need, skill),
        other=_side("B", borrower_need, skill),
        borrower=borrower,
        borrower_need=borrower_need,
        coordinator=factories.CoordinatorFactory(name="Samordnare"),
        admin=factories.AdminFactory(name="Administratör"),
        skill=skill,
        matching_run=None,  # type: ignore[arg-type]
    )
    world.matching_run = m.MatchingRun.objects.create(requested_by=world.coordinator, status="done")
    for role in ROLES[1:]:
        world.tokens[role] = Token.objects.create(user=world.user(role)).key
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The world, created once per module in a transaction rolled back at its end.

    Test modules using it carry `pytestmark = pytest.mark.django_db`, which is also what
    makes pytest-django create the test database before this runs.
    """
    # MD5 for speed; rate limits out of the way of thousands of requests by one token.
    # Module-scoped, not autouse: other folders under tests/security test the limits.
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        API_THROTTLE_RATE_USER="1000000/minute",
        API_THROTTLE_RATE_ANON="1000000/minute",
    )
    with fast, django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def isolated(world: World, django_db_blocker) -> Iterator[World]:
    """The world for one test; whatever the test changes is rolled back afterwards."""
    with django_db_blocker.unblock():
        savepoint = transaction.savepoint()
        try:
            yield world
        finally:
            transaction.savepoint_rollback(savepoint)
