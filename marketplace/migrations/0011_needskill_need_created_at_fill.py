from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor) -> None:
    Need = apps.get_model("marketplace", "Need")
    NeedSkill = apps.get_model("marketplace", "NeedSkill")
    NeedSkill.objects.update(
        need_created_at=Subquery(Need.objects.filter(pk=OuterRef("need_id")).values("created_at"))
    )


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0010_needskill_need_created_at")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
