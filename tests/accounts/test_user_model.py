import pytest
from django.db import IntegrityError

from accounts.models import Role, User
from tests import factories

pytestmark = pytest.mark.django_db


def test_create_user_lowercases_the_email(agency):
    user = User.objects.create_user(
        "Anna.Berg@Myndighet.SE", "pw-long-enough", name="Anna", agency=agency
    )

    assert user.email == "anna.berg@myndighet.se"


def test_create_user_without_email_is_refused():
    with pytest.raises(ValueError):
        User.objects.create_user("", "pw", name="Ingen")


def test_new_users_are_specialists_by_default(agency):
    user = User.objects.create_user("a@b.se", "pw-long-enough", name="A", agency=agency)

    assert user.role == Role.SPECIALIST
    assert user.is_specialist


def test_superuser_has_the_admin_role():
    user = User.objects.create_superuser("root@example.se", "pw-long-enough", name="Root")

    assert user.role == Role.ADMIN
    assert user.is_admin
    assert user.is_staff


@pytest.mark.parametrize("role", [Role.SPECIALIST, Role.MANAGER])
def test_database_refuses_specialist_or_manager_without_agency(role):
    with pytest.raises(IntegrityError):
        User.objects.create_user("x@example.se", "pw-long-enough", name="X", role=role)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinator_and_admin_need_no_agency(role):
    user = User.objects.create_user("x@example.se", "pw-long-enough", name="X", role=role)

    assert user.agency is None


@pytest.mark.parametrize(
    ("factory", "flag"),
    [
        (factories.UserFactory, "is_specialist"),
        (factories.ManagerFactory, "is_manager"),
        (factories.CoordinatorFactory, "is_coordinator"),
        (factories.AdminFactory, "is_admin"),
    ],
)
def test_each_role_has_exactly_its_own_flag(factory, flag):
    user = factory()
    flags = ["is_specialist", "is_manager", "is_coordinator", "is_admin"]

    assert [getattr(user, name) for name in flags] == [name == flag for name in flags]
