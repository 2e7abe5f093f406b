"""seed_demo is deterministic and idempotent: a second run leaves exactly the same rows."""

import datetime as dt

import pytest
from django.apps import apps

from accounts.models import User
from marketplace.management.commands.seed_demo import (
    ADMIN_EMAIL,
    anchor_day,
    build_plan,
)
from marketplace.models import (
    Need,
    NeedStatus,
    Specialist,
)

SEEDED_APPS = ("accounts", "marketplace", "notifications", "authtoken")
VOLATILE_FIELDS = {"updated_at"}


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every model of the seeded apps, all fields but the auto-updated ones."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label not in SEEDED_APPS:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in VOLATILE_FIELDS]
        rows[model._meta.label] = list(model.objects.order_by("pk").values_list(*fields))
    return rows


# Idempotency and determinism -----------------------------------------------------------


def test_seed_demo_twice_leaves_exactly_the_same_rows(seeded, run_seed):
    first = snapshot()

    run_seed()

    assert {label: len(rows) for label, rows in snapshot().items()} == {
        label: len(rows) for label, rows in first.items()
    }
    assert snapshot() == first


def test_seed_demo_restores_edited_and_deleted_demo_rows(seeded, run_seed):
    first = snapshot()
    Specialist.objects.filter(pk=Specialist.objects.first().pk).update(title="Ändrad")
    Need.objects.filter(status=NeedStatus.DRAFT).first().delete()
    User.objects.filter(email=ADMIN_EMAIL).update(name="Någon annan")

    run_seed()

    after = snapshot()
    assert {label: len(rows) for label, rows in after.items()} == {
        label: len(rows) for label, rows in first.items()
    }
    assert Specialist.objects.filter(title="Ändrad").count() == 0
    assert User.objects.get(email=ADMIN_EMAIL).name == "Alva Administratör"


def test_the_plan_is_the_same_every_time_for_the_same_anchor():
    anchor = dt.date(2027, 3, 1)

    assert build_plan(anchor) == build_plan(anchor)


@pytest.mark.parametrize(
    "today", [dt.date(2026, 11, 28), dt.date(2026, 12, 1), dt.date(2027, 1, 31)]
)
def test_demo_dates_count_from_the_day_it_is_seeded(today):
    plan = build_plan(anchor_day(today))

    assert anchor_day(today) == today
    later = dt.date(2027, 6, 5)
    shifted = build_plan(anchor_day(later))
    shift = later - today
    assert [n.start + shift for n in plan.needs] == [n.start for n in shifted.needs]
    assert [w.start + shift for s in plan.specialists for w in s.windows] == [
        w.start for s in shifted.specialists for w in s.windows
    ]
