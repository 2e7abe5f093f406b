"""Issue 24, finding 8: the token-login throttle is no weapon against the account's owner.

It was keyed on the email alone, so anyone anywhere could keep a victim's API login at 429.
Now it counts per email and address; many addresses guessing one account slow every
address down for that account (the owner too) but lock nobody out.
"""

import pytest
from rest_framework.test import APIClient

from tests import factories
from tests.security.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"
VICTIM = "anna.andersson@myndighet.se"


@pytest.fixture
def victim(settings):
    settings.LOGIN_THROTTLE_RATE = "3/minute"
    settings.LOGIN_THROTTLE_ACCOUNT_RATE = "8/minute"
    settings.LOGIN_THROTTLE_SLOWED_RATE = "1/minute"
    settings.AXES_FAILURE_LIMIT = 1000  # the throttle under test, not the lockout
    return factories.ManagerFactory(email=VICTIM)


def _login(address: str, password: str = "fel-lösenord"):
    return APIClient(REMOTE_ADDR=address).post(URL, {"email": VICTIM, "password": password})


def test_guessing_from_one_address_is_throttled_there(victim):
    statuses = [_login("203.0.113.9").status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]


def test_the_owner_logs_in_from_their_address_while_a_stranger_is_throttled(victim):
    for _ in range(5):
        _login("203.0.113.9")
    assert _login("203.0.113.9").status_code == 429

    response = _login("198.51.100.20", password=PASSWORD)

    assert response.status_code == 200
    assert response.json()["token"]


def test_many_addresses_slow_the_account_down_without_locking_the_owner_out(victim):
    for index in range(8):
        assert _login(f"203.0.113.{index}").status_code == 400

    attacker = [_login("203.0.113.100").status_code for _ in range(2)]
    owner = _login("198.51.100.20", password=PASSWORD)

    assert attacker == [400, 429]  # slowed to one attempt a minute per address
    assert owner.status_code == 200
    assert _login("198.51.100.20", password=PASSWORD).status_code == 429  # and slowed too
