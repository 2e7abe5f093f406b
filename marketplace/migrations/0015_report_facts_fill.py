from django.db import migrations


def fill(apps, schema_editor):
    # The facts of the data already there. A fresh database has none, and skips this, so
    # later model changes never meet this step with tables it does not know.
    Need = apps.get_model("marketplace", "Need")
    if not Need.objects.exists():
        return
    from marketplace.reports.facts import report_facts_rebuild

    report_facts_rebuild()


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0014_report_facts")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
