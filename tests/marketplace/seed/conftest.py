import io

import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The demo has seventy users; the production hasher is slow by design.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def run_seed():
    """Run `seed_demo` and return what it printed."""

    def run() -> str:
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        return out.getvalue()

    return run


@pytest.fixture
def seeded(db, run_seed) -> str:
    return run_seed()


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker) -> str:
    """The demo seeded once for a module of read-only tests, rolled back afterwards.

    Each test still runs in its own transaction (a savepoint inside this one), so a test
    that writes cannot leak into the next.
    """
    from django.conf import settings
    from django.db import transaction

    hashers = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
    settings.PASSWORD_HASHERS = hashers
