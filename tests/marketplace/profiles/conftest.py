from types import SimpleNamespace

import pytest

from tests import factories

ROLES = [
    "admin",
    "coordinator",
    "manager_own",
    "manager_other",
    "specialist_self",
    "specialist_same",
    "specialist_other",
]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # Factories hash a password per user; the production hasher makes a 7-user world slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    """Two agencies and one user per role, seen from the specialist `self` of agency `own`."""
    own = factories.AgencyFactory()
    other = factories.AgencyFactory()
    users = {
        "admin": factories.AdminFactory(),
        "coordinator": factories.CoordinatorFactory(),
        "manager_own": factories.ManagerFactory(agency=own),
        "manager_other": factories.ManagerFactory(agency=other),
        "specialist_self": factories.UserFactory(agency=own),
        "specialist_same": factories.UserFactory(agency=own),
        "specialist_other": factories.UserFactory(agency=other),
    }
    return SimpleNamespace(own=own, other=other, users=users)


@pytest.fixture
def as_role(world, client_for):
    def make(role: str):
        return client_for(world.users[role])

    return make
