from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0009_match_agencies_required")]

    operations = [
        migrations.AddField(
            model_name="needskill",
            name="need_created_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
    ]
