"""The audit trail's model now belongs to `accounts` (its 0005); the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0018_verbose_names_in_both_languages"),
        ("accounts", "0006_audit_trail_from_marketplace"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEvent")],
            database_operations=[],
        ),
    ]
