import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_me_returns_the_callers_user_role_and_agency(client_for, agency):
    user = factories.ManagerFactory(agency=agency, email="chef@myndighet.se", name="Eva Chef")

    response = client_for(user).get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "email": "chef@myndighet.se",
        "name": "Eva Chef",
        "role": "manager",
        "agency": agency.pk,
        "language": "",  # not chosen yet: the first login saves the browser's
        "is_active": True,
    }


def test_me_for_a_coordinator_has_no_agency(client_for):
    response = client_for(factories.CoordinatorFactory()).get("/api/v1/me/")

    assert response.json()["agency"] is None


def test_me_without_credentials_is_401(api_client):
    assert api_client.get("/api/v1/me/").status_code == 401
