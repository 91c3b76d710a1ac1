"""The audit trail and the practice's models left this app: model state only.

Their tables stay where they are (audit 0001, practice 0001 name them). The content types
are renamed rather than created anew, so the permissions the roles hold (view_patient,
view_auditevent...) and the admin's history keep pointing at the same rows.
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED = {"auditevent": "audit", "patient": "practice", "practice": "practice"}


def _move(apps, schema_editor, model, old, new):
    # Where the new one exists already (a database migrated back and forth), the old one
    # is left for remove_stale_contenttypes.
    types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    if not types.filter(app_label=new, model=model).exists():
        types.filter(app_label=old, model=model).update(app_label=new)


def rename_content_types(apps, schema_editor):
    for model, app_label in MOVED.items():
        _move(apps, schema_editor, model, "checklists", app_label)


def restore_content_types(apps, schema_editor):
    for model, app_label in MOVED.items():
        _move(apps, schema_editor, model, app_label, "checklists")


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0011_i14_coding_overrides"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("audit", "0001_initial"),
        ("practice", "0001_initial"),
        # Coverage's link to the patient moves first, or the state would hold a link to a
        # model no longer there.
        ("rules", "0002_i17_patient_in_practice"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="note",
                    name="patient",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="notes",
                        to="practice.patient",
                    ),
                ),
                migrations.DeleteModel(name="AuditEvent"),
                migrations.DeleteModel(name="Patient"),
                migrations.DeleteModel(name="Practice"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_types, restore_content_types),
    ]
