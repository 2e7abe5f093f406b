"""The audit trail becomes append-only in the database too.

On PostgreSQL a row trigger refuses every UPDATE and DELETE of `marketplace_auditevent`,
whatever issues it (ORM, raw SQL, a psql session as the application's role). TRUNCATE is
left to the table owner (test database flushes use it). SQLite, the embedded mode, relies
on the model's refusals alone.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CREATE_TRIGGER = """
CREATE OR REPLACE FUNCTION marketplace_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % of an audit event refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS marketplace_auditevent_append_only ON marketplace_auditevent;
CREATE TRIGGER marketplace_auditevent_append_only
    BEFORE UPDATE OR DELETE ON marketplace_auditevent
    FOR EACH ROW EXECUTE FUNCTION marketplace_auditevent_refuse_change();
"""

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS marketplace_auditevent_append_only ON marketplace_auditevent;
DROP FUNCTION IF EXISTS marketplace_auditevent_refuse_change();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('marketplace', '0003_reports_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(_on_postgresql(CREATE_TRIGGER), _on_postgresql(DROP_TRIGGER)),
    ]
