"""The production shape as the README documents it (issue 24): every long-running service
in docker-compose.yml has a health check, and the image carries what its commands read."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
README = (ROOT / "README.md").read_text()
ONE_SHOT = {"migrate"}


def _copied_files() -> set[str]:
    copied: set[str] = set()
    for line in DOCKERFILE.splitlines():
        if line.startswith("COPY "):
            copied.update(line.split()[1:-1])
    return copied


def test_every_long_running_service_has_a_health_check():
    services = COMPOSE["services"]
    missing = [
        name for name in services if name not in ONE_SHOT and "healthcheck" not in services[name]
    ]
    assert missing == []


def test_the_one_shot_migration_is_the_only_service_that_does_not_restart():
    services = COMPOSE["services"]
    assert {name for name, s in services.items() if s.get("restart") == "no"} == ONE_SHOT


def test_the_readme_names_every_service_compose_runs():
    section = README.split("## Production shape", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`([a-z-]+)`", section))
    assert set(COMPOSE["services"]) <= named | {"postgres", "redis"}
    assert "each with a\nhealth check" in section or "each with a health check" in section


def test_the_image_carries_the_gunicorn_settings_its_command_reads():
    assert "gunicorn.conf.py" in _copied_files()
    assert (ROOT / "gunicorn.conf.py").exists()
    web = COMPOSE["services"]["web"]["command"]
    assert "gunicorn" in web and "--config" not in web  # reads ./gunicorn.conf.py from WORKDIR


def test_the_image_carries_every_app_and_catalogue_the_product_loads():
    assert {"accounts", "marketplace", "notifications", "locale", "manage.py"} <= _copied_files()
