"""The audit trail's model moves from `marketplace` to `accounts`, its table stays.

Only Django's record of which app owns the model changes (no SQL): the table
`marketplace_auditevent`, its indexes and its append-only trigger (marketplace 0004) stay
as they are. Every app writes the trail, and `accounts` is the app every other may import.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_identity_providers"),
        # The table and its indexes exist from here on.
        ("marketplace", "0017_saved_searches"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("action", models.CharField(max_length=60)),
                        ("object_type", models.CharField(max_length=60)),
                        ("object_id", models.CharField(max_length=40)),
                        ("before", models.JSONField(blank=True, null=True)),
                        ("after", models.JSONField(blank=True, null=True)),
                        ("request_id", models.CharField(blank=True, max_length=64)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "marketplace_auditevent",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["object_type", "object_id"], name="audit_object_idx"
                            ),
                            models.Index(fields=["-created_at", "-id"], name="audit_created_idx"),
                            models.Index(
                                fields=["actor", "-created_at"], name="audit_actor_created_idx"
                            ),
                            models.Index(
                                fields=["action", "-created_at"], name="audit_action_created_idx"
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
