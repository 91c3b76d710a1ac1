from django.db import migrations, models


def technique_from_answers(apps, schema_editor):
    """Draft lines take the technique the note answered once for all its lines."""
    Note = apps.get_model("checklists", "Note")
    CodeLine = apps.get_model("checklists", "CodeLine")
    for note_id, answers in Note.objects.filter(status="draft").values_list("pk", "answers"):
        technique = ((answers or {}).get("technique") or {}).get("value")
        if isinstance(technique, str) and technique:
            CodeLine.objects.filter(note_id=note_id).update(technique=technique[:20])


class Migration(migrations.Migration):
    dependencies = [("checklists", "0009_catalog_snapshots")]

    operations = [
        migrations.AddField(
            model_name="codeline",
            name="technique",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.RunPython(technique_from_answers, migrations.RunPython.noop),
    ]
