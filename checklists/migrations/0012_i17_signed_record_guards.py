"""Notes record the canonical format they were signed in; the database guards the signed
record (checklists/record_guards.py).

Every note signed so far was hashed in format 1 ("neurolysis-note/1"): marked so before the
guards go in, since afterwards nothing may change a signed note's signature columns.
"""

from django.db import migrations, models


def mark_format_1(apps, schema_editor):
    Note = apps.get_model("checklists", "Note")
    Note.objects.exclude(status="draft").update(signature_format="neurolysis-note/1")


def install(apps, schema_editor):
    from checklists import record_guards

    record_guards.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from checklists import record_guards

    record_guards.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("checklists", "0011_i17_audit_and_practice_apps")]

    operations = [
        migrations.AddField(
            model_name="note",
            name="signature_format",
            field=models.CharField(blank=True, editable=False, max_length=20),
        ),
        migrations.RunPython(mark_format_1, migrations.RunPython.noop),
        migrations.RunPython(install, uninstall),
    ]
