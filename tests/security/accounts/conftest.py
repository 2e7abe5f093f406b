import pytest
from django.core.cache import cache
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from marketplace import settings as project_settings

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _project_security_settings(settings):
    # tests/security/conftest.py swaps in MD5 and lifts the rate limits for its fuzzing;
    # these tests are about exactly those settings, so they run with the project's own.
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    settings.API_THROTTLE_RATE_ANON = project_settings.API_THROTTLE_RATE_ANON
    settings.API_THROTTLE_RATE_USER = project_settings.API_THROTTLE_RATE_USER


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    # DRF throttles count in the cache, which outlives a test's database rollback.
    cache.clear()
    yield
    cache.clear()


def code_for(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    """The code an authenticator app would show for `device` now (or steps away)."""
    return f"{totp(device.bin_key, step=device.step, drift=offset_steps):06d}"


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)


def web_login(client: Client, email: str, password: str = PASSWORD):
    return client.post("/login/", {"username": email, "password": password})
