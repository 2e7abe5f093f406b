"""The user a session names is loaded with their agency, exactly as the ORM would."""

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from accounts.backends import PasswordBackend
from accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_session_user_is_the_orms_user_with_the_agency_loaded():
    manager = factories.ManagerFactory(agency__consultant_rate_overrides={"cloud": 1500})
    backend = PasswordBackend()

    with CaptureQueriesContext(connection) as queries:
        loaded = backend.get_user(str(manager.pk))  # sessions keep the id as text
        assert loaded.agency.consultant_rate_overrides == {"cloud": 1500}
    assert len(queries.captured_queries) == 1

    expected = User.objects.select_related("agency").get(pk=manager.pk)
    assert model_to_dict(loaded) == model_to_dict(expected)
    assert model_to_dict(loaded.agency) == model_to_dict(expected.agency)
    assert loaded.date_joined == expected.date_joined and not loaded._state.adding
    assert loaded.check_password("correct-horse-battery")


def test_users_without_agency_missing_and_inactive_ones():
    admin = factories.AdminFactory(agency=None)
    inactive = factories.UserFactory(is_active=False)
    backend = PasswordBackend()

    assert backend.get_user(admin.pk).agency is None
    assert backend.get_user(inactive.pk) is None
    assert backend.get_user(admin.pk + 1000) is None
    assert backend.get_user("not a number") is None
