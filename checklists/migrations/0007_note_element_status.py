"""Store each element's status on the note, ahead of the answers and the snapshot.

The review's CSV prints one column per element ("documented", "not applicable: <reason>",
"missing (required)"...). It worked that out from every note's answers, which made
decoding answers most of the export's time. Saving a note now stores the statuses its
completeness check found (checklists.completeness), and this migration fills them in for
existing notes.

The new column must sit before the answers and the snapshot in SQLite's row (see 0005), so
those two move to the end again. PostgreSQL keeps large values out of line and only
rewrites the table.
"""

import orjson
from django.db import migrations, models
from django.db.models import TextField
from django.db.models.functions import Cast

CHUNK = 500


def fill_statuses(apps, schema_editor):
    # A pure function of the snapshot and the answers, shared with the live code on
    # purpose: the stored statuses must be exactly what a save would store.
    from checklists.completeness import assess

    Note = apps.get_model("checklists", "Note")
    notes = (
        Note.objects.using(schema_editor.connection.alias)
        .order_by("pk")
        .annotate(definitions_text=Cast("definitions", TextField()))
        .values_list("pk", "definitions_text", "answers")
    )
    elements_of: dict[str, list] = {}  # notes filled against one snapshot share its text
    last = 0
    with schema_editor.connection.cursor() as cursor:
        while True:
            page = list(notes.filter(pk__gt=last)[:CHUNK])
            if not page:
                return
            updates = []
            for pk, snapshot, answers in page:
                elements = elements_of.get(snapshot)
                if elements is None:
                    elements = (orjson.loads(snapshot) if snapshot else {}).get("elements", [])
                    if len(elements_of) < 1000:
                        elements_of[snapshot] = elements
                status = assess(elements, answers or {}).element_status
                updates.append((orjson.dumps(status).decode(), pk))
            cursor.executemany(
                "UPDATE checklists_note SET element_status = %s WHERE id = %s", updates
            )
            last = page[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0006_note_covering_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="note",
            name="element_status",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
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
        migrations.RunPython(fill_statuses, migrations.RunPython.noop),
    ]
