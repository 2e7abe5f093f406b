import importlib

import pytest
from django.apps import apps

from marketplace.models import Skill, SkillCategory
from marketplace.skill_taxonomy import SKILL_NAMES, SKILLS
from tests import factories

seed_migration = importlib.import_module("marketplace.migrations.0002_seed_skills")


def test_taxonomy_has_at_least_48_skills():
    assert len(SKILLS) >= 48


def test_taxonomy_covers_every_category():
    assert {spec.category for spec in SKILLS} == set(SkillCategory.values)


def test_taxonomy_names_are_unique_and_fit_the_column():
    assert len(SKILL_NAMES) == len(SKILLS)
    assert max(len(spec.name) for spec in SKILLS) <= Skill._meta.get_field("name").max_length


def test_every_skill_has_a_one_line_description():
    assert all(spec.description and "\n" not in spec.description for spec in SKILLS)


@pytest.mark.parametrize(
    "name",
    [
        "Molnarkitektur (AWS/Azure)",
        "IT-upphandling (LOU)",
        "IT-rätt och GDPR",
        "Tillgänglighet (WCAG)",
        "Dataengineering",
    ],
)
def test_taxonomy_holds_the_skills_agencies_ask_for(name):
    assert name in SKILL_NAMES


@pytest.mark.django_db
def test_migration_loaded_the_whole_taxonomy():
    stored = dict(Skill.objects.filter(name__in=SKILL_NAMES).values_list("name", "category"))

    assert stored == {spec.name: spec.category for spec in SKILLS}


@pytest.mark.django_db
def test_seeding_skills_again_changes_nothing():
    before = list(Skill.objects.order_by("pk").values_list("pk", "name", "category", "description"))

    seed_migration.seed_skills(apps, None)

    assert (
        list(Skill.objects.order_by("pk").values_list("pk", "name", "category", "description"))
        == before
    )


@pytest.mark.django_db
def test_seeding_skills_restores_an_edited_description():
    Skill.objects.filter(name="Python").update(description="ändrad")

    seed_migration.seed_skills(apps, None)

    assert Skill.objects.get(name="Python").description != "ändrad"


@pytest.mark.django_db
def test_unseeding_removes_unused_taxonomy_skills_and_keeps_used_and_custom_ones():
    used = Skill.objects.get(name="Kubernetes")
    factories.SpecialistSkillFactory(skill=used)
    custom = factories.SkillFactory(name="COBOL")

    seed_migration.unseed_skills(apps, None)

    assert set(Skill.objects.values_list("name", flat=True)) == {"Kubernetes", custom.name}
