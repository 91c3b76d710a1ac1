"""One stored copy of each catalog snapshot, shared by the notes filled against it.

Every note carried its own copy of the catalog definitions (about 24 kB), identical for
every note of the same codes and catalog version: at 100,000 notes, 2.4 GB of a 3 GB SQLite
file. Snapshots move to `CatalogSnapshot`, found by the SHA-256 of their canonical JSON;
a note points to its snapshot. What a note asks, and its signature hash, do not change:
the definitions are the same values, only stored once.
"""

import hashlib

import django.db.models.deletion
import orjson
from django.db import migrations, models
from django.db.models import TextField
from django.db.models.functions import Cast

CHUNK = 500


def _digest(definitions: dict) -> str:
    # The same digest as CatalogSnapshot.digest (kept here: a migration's code is frozen).
    return hashlib.sha256(orjson.dumps(definitions, option=orjson.OPT_SORT_KEYS)).hexdigest()


def share_snapshots(apps, schema_editor):
    Note = apps.get_model("checklists", "Note")
    Snapshot = apps.get_model("checklists", "CatalogSnapshot")
    alias = schema_editor.connection.alias
    notes = (
        Note.objects.using(alias)
        .order_by("pk")
        .annotate(text=Cast("definitions", TextField()))
        .values_list("pk", "text")
    )
    snapshot_of: dict[str, int] = {}  # stored text -> snapshot id (equal texts, one decode)
    last = 0
    with schema_editor.connection.cursor() as cursor:
        while True:
            page = list(notes.filter(pk__gt=last)[:CHUNK])
            if not page:
                return
            updates = []
            for pk, text in page:
                snapshot_id = snapshot_of.get(text)
                if snapshot_id is None:
                    definitions = orjson.loads(text) if text else {}
                    snapshot_id = (
                        Snapshot.objects.using(alias)
                        .get_or_create(
                            sha256=_digest(definitions), defaults={"definitions": definitions}
                        )[0]
                        .pk
                    )
                    snapshot_of[text] = snapshot_id
                updates.append((snapshot_id, pk))
            cursor.executemany("UPDATE checklists_note SET snapshot_id = %s WHERE id = %s", updates)
            last = page[-1][0]


def copy_snapshots_back(apps, schema_editor):
    schema_editor.execute(
        "UPDATE checklists_note SET definitions = (SELECT s.definitions FROM"
        " checklists_catalogsnapshot s WHERE s.id = checklists_note.snapshot_id)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0008_review_indexes_on_the_models"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogSnapshot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "sha256",
                    models.CharField(
                        max_length=64, unique=True, verbose_name="SHA-256 of the canonical JSON"
                    ),
                ),
                ("definitions", models.JSONField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.AddField(
            model_name="note",
            name="snapshot",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="checklists.catalogsnapshot",
            ),
        ),
        migrations.RunPython(share_snapshots, copy_snapshots_back),
        migrations.RemoveField(model_name="note", name="definitions"),
        migrations.AlterField(
            model_name="note",
            name="snapshot",
            field=models.ForeignKey(
                help_text="The catalog definitions the note was filled against",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="checklists.catalogsnapshot",
            ),
        ),
    ]
