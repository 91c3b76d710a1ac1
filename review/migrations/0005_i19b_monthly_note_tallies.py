# The note tallies per month instead of per day (issue 19: a dashboard flat to 1M notes).

from django.db import migrations, models


def uninstall(apps, schema_editor):
    """The triggers write the old columns: off while the tables change."""
    from review import tally_triggers

    tally_triggers.uninstall(schema_editor.connection)


def install_and_count(apps, schema_editor):
    """Nothing now: today's triggers write review/0006's columns, and 0006 installs them
    and recounts. (Run here, they fail on these tables: no `months` column yet.)"""


# Days are not months: the rows are recounted after the change, and days of one month
# would collide under the new keys meanwhile.
EMPTY = "DELETE FROM review_notetally; DELETE FROM review_notecodetally;"


class Migration(migrations.Migration):

    dependencies = [
        ("review", "0004_code_tallies"),
    ]

    operations = [
        migrations.RunPython(uninstall, migrations.RunPython.noop),
        migrations.RunSQL(EMPTY, EMPTY),
        migrations.RemoveConstraint(model_name="notetally", name="review_notetally_key"),
        migrations.RemoveConstraint(model_name="notecodetally", name="review_notecodetally_key"),
        migrations.RenameField(model_name="notetally", old_name="day", new_name="month"),
        migrations.RenameField(model_name="notecodetally", old_name="day", new_name="month"),
        migrations.AlterField(
            model_name="notetally",
            name="month",
            field=models.DateField(help_text="first day of the month"),
        ),
        migrations.AlterField(
            model_name="notecodetally",
            name="month",
            field=models.DateField(help_text="first day of the month"),
        ),
        migrations.AddConstraint(
            model_name="notetally",
            constraint=models.UniqueConstraint(
                fields=("month", "clinician_id", "place", "status", "complete", "days_to_sign"),
                name="review_notetally_month_key",
            ),
        ),
        migrations.AddConstraint(
            model_name="notecodetally",
            constraint=models.UniqueConstraint(
                fields=(
                    "code",
                    "month",
                    "clinician_id",
                    "place",
                    "status",
                    "complete",
                    "days_to_sign",
                ),
                name="review_notecodetally_month_key",
            ),
        ),
        migrations.RunPython(install_and_count, uninstall),
    ]
