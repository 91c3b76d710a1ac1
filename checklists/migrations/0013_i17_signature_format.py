"""Notes record the canonical format they were signed in (checklists.canonical).

Every note signed so far was hashed in format 1 ("neurolysis-note/1") and is marked so.
The signed record's guards are lifted for that one write and put back (on SQLite they are
lifted for every migrate anyway: checklists.apps). Also joins the two branches of 0011.
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
    dependencies = [
        ("checklists", "0011_i14_coding_overrides"),
        ("checklists", "0012_i17_signed_record_guards"),
    ]

    operations = [
        migrations.RunPython(uninstall, install),
        migrations.AddField(
            model_name="note",
            name="signature_format",
            field=models.CharField(blank=True, editable=False, max_length=20),
        ),
        migrations.RunPython(mark_format_1, migrations.RunPython.noop),
        migrations.RunPython(install, uninstall),
    ]
