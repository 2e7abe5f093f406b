import time

import pytest
from django.db import transaction

from marketplace.celery import app
from marketplace.models import Skill, SkillCategory

pytestmark = pytest.mark.redis


@app.task(name="tests.create_skill")
def create_skill(name: str) -> None:
    Skill.objects.create(name=name, category=SkillCategory.DATA)


def _wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_task_sent_after_commit_runs_in_real_worker(live_worker):
    with transaction.atomic():
        transaction.on_commit(lambda: create_skill.delay("Skickad efter commit"))

    assert _wait_for(lambda: Skill.objects.filter(name="Skickad efter commit").exists())


def test_task_sent_in_rolled_back_transaction_never_runs(live_worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        transaction.on_commit(lambda: create_skill.delay("Aldrig skickad"))
        raise RuntimeError("roll back")
    create_skill.delay("Markör")

    assert _wait_for(lambda: Skill.objects.filter(name="Markör").exists())
    assert not Skill.objects.filter(name="Aldrig skickad").exists()
