import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_without_warnings_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DEBUG": "false",
            "SECRET_KEY": "a-production-secret-that-is-long-enough-and-random-9f8e7d6c5b4a3",
            "ALLOWED_HOSTS": "delad-kompetens.example.se",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_flags_the_development_secret_key():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={"DEBUG": "false", "ALLOWED_HOSTS": "delad-kompetens.example.se"},
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout
