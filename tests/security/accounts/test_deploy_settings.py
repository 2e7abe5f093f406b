import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-that-is-long-enough-and-random-9f8e7d6c5b4a3",
    "ALLOWED_HOSTS": "delad-kompetens.example.se",
}
# Set by the test run itself (tests/web/conftest.py for Playwright), never in production.
LOCAL_ONLY = ("SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
PRINT = (
    "from django.conf import settings as s; import json; print(json.dumps({"
    "'session': s.SESSION_COOKIE_SECURE, 'csrf': s.CSRF_COOKIE_SECURE, "
    "'csrf_httponly': s.CSRF_COOKIE_HTTPONLY, 'session_httponly': s.SESSION_COOKIE_HTTPONLY, "
    "'hasher': s.PASSWORD_HASHERS[0], 'axes': s.AXES_ENABLED}))"
)


def test_production_settings_make_session_and_csrf_cookies_secure_and_http_only():
    env = {k: v for k, v in os.environ.items() if k not in LOCAL_ONLY}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PRINT],
        cwd=ROOT,
        env={**env, **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=120,
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])

    assert values == {
        "session": True,
        "csrf": True,
        "csrf_httponly": True,
        "session_httponly": True,
        "hasher": "accounts.hashers.Argon2idPasswordHasher",
        "axes": True,
    }


def test_deploy_check_is_clean_with_the_security_settings():
    env = {k: v for k, v in os.environ.items() if k not in LOCAL_ONLY}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**env, **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
