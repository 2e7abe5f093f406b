import pytest
from django.contrib.auth.hashers import identify_hasher, make_password

from accounts.models import User
from tests import factories
from tests.security.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_new_passwords_are_hashed_with_argon2id():
    user = factories.UserFactory()

    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.password.startswith("argon2$argon2id$")


def test_an_older_pbkdf2_hash_is_upgraded_to_argon2_at_login(client):
    user = factories.UserFactory(email="gammal@myndighet.se")
    User.objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))

    client.post("/login/", {"username": "gammal@myndighet.se", "password": PASSWORD})

    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")


def test_admin_setting_a_weak_password_on_an_invitation_is_400_naming_password(client_for):
    admin = factories.AdminFactory()
    agency = factories.AgencyFactory()

    response = client_for(admin).post(
        "/api/v1/users/",
        {
            "email": "ny@myndighet.se",
            "name": "Ny",
            "role": "specialist",
            "agency": agency.pk,
            "password": "12345678",
        },
    )

    assert response.status_code == 400
    assert "password" in response.json()


def test_a_weak_password_is_refused_when_accepting_an_invitation(client):
    from accounts.services import invitation_link

    user = factories.UserFactory(email="inbjuden@myndighet.se")
    user.set_unusable_password()
    user.save()
    path = invitation_link(user).split("://", 1)[1].split("/", 1)[1]

    response = client.post(f"/{path}", {"new_password1": "password", "new_password2": "password"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.has_usable_password()
