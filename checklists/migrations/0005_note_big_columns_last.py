"""Move the note's answers and catalog snapshot to the end of its row.

SQLite keeps a row's columns in declaration order, and the snapshot is tens of kB: every
column after it (completeness, signing time, clinician, patient) was reached by reading
the snapshot's overflow pages first, three times the cost of the dashboard's and the
CSV's reads. New columns go at the end: copy, drop the old ones, take their names.
PostgreSQL keeps large values out of line anyway; there it only rewrites the table.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0004_note_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="note",
            name="answers_moved",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="note",
            name="definitions_moved",
            field=models.JSONField(default=dict, help_text="Snapshot of the catalog used"),
        ),
        migrations.RunSQL(
            "UPDATE checklists_note SET answers_moved = answers, definitions_moved = definitions",
            # Going back, the old columns are added again empty: copy the data back.
            reverse_sql="UPDATE checklists_note "
            "SET answers = answers_moved, definitions = definitions_moved",
        ),
        migrations.RemoveField(model_name="note", name="answers"),
        migrations.RemoveField(model_name="note", name="definitions"),
        migrations.RenameField(model_name="note", old_name="answers_moved", new_name="answers"),
        migrations.RenameField(
            model_name="note", old_name="definitions_moved", new_name="definitions"
        ),
    ]
