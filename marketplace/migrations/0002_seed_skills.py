"""Load the skill taxonomy (marketplace.skill_taxonomy) into Skill, keyed by name."""

from django.db import migrations

from marketplace.skill_taxonomy import SKILLS


def seed_skills(apps, schema_editor) -> None:
    Skill = apps.get_model("marketplace", "Skill")
    for spec in SKILLS:
        Skill.objects.update_or_create(
            name=spec.name,
            defaults={"category": spec.category, "description": spec.description},
        )


def unseed_skills(apps, schema_editor) -> None:
    Skill = apps.get_model("marketplace", "Skill")
    # Skills already used by a specialist or a need stay: removing them would take
    # people's profiles and needs with them (and PROTECT refuses anyway).
    Skill.objects.filter(
        name__in=[spec.name for spec in SKILLS],
        specialist_levels__isnull=True,
        need_requirements__isnull=True,
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed_skills, unseed_skills),
    ]
