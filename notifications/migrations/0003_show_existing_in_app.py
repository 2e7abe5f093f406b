from django.db import migrations
from django.db.models import F


def show_existing_in_app(apps, schema_editor):
    # Rows written before the outbox existed were shown in the app at once.
    Notification = apps.get_model("notifications", "Notification")
    Notification.objects.filter(in_app_at__isnull=True).update(in_app_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_outbox_preferences_suppression"),
    ]

    operations = [
        migrations.RunPython(show_existing_in_app, migrations.RunPython.noop),
    ]
