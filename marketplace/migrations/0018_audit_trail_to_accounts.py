"""The audit trail's model now belongs to `accounts` (its 0005); the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0017_saved_searches"),
        ("accounts", "0005_audit_trail_from_marketplace"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEvent")],
            database_operations=[],
        ),
    ]
