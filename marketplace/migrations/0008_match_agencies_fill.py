from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor) -> None:
    Match = apps.get_model("marketplace", "Match")
    Need = apps.get_model("marketplace", "Need")
    Specialist = apps.get_model("marketplace", "Specialist")
    Match.objects.update(
        need_agency_id=Subquery(Need.objects.filter(pk=OuterRef("need_id")).values("agency_id")),
        specialist_agency_id=Subquery(
            Specialist.objects.filter(pk=OuterRef("specialist_id")).values("agency_id")
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0007_match_agencies")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
