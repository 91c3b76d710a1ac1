# Every tally per year, month and week of the month (issue 19: the dashboard reads whole
# years from the year rows, so ten years of notes are ten rows per key rather than 120, and
# the weeks of a month a range cuts from the week rows). The new column is `months`: 12,
# 1 or 0 (a week); the triggers and the recount are review/tally_triggers.py's.

from django.db import migrations, models


def uninstall(apps, schema_editor):
    """The triggers write the old keys: off while the tables change."""
    from review import tally_triggers

    tally_triggers.uninstall(schema_editor.connection)


def install_and_count(apps, schema_editor):
    """Reinstall the triggers (now writing month and year rows) and recount every tally."""
    from review import tally_triggers

    tally_triggers.rebuild(schema_editor.connection)


# Recounted at the end: emptied first, so the new unique indexes are built on empty tables.
EMPTY = "; ".join(
    f"DELETE FROM review_{name}tally"
    for name in ("note", "code", "gap", "notecode", "codepair", "gapcode")
)


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0005_i19b_monthly_note_tallies"),
    ]

    operations = [
        migrations.RunPython(uninstall, migrations.RunPython.noop),
        migrations.RunSQL(EMPTY, EMPTY),
        migrations.RemoveConstraint(
            model_name="codepairtally",
            name="review_codepairtally_key",
        ),
        migrations.RemoveConstraint(
            model_name="codetally",
            name="review_codetally_key",
        ),
        migrations.RemoveConstraint(
            model_name="gapcodetally",
            name="review_gapcodetally_key",
        ),
        migrations.RemoveConstraint(
            model_name="gaptally",
            name="review_gaptally_key",
        ),
        migrations.RemoveConstraint(
            model_name="notecodetally",
            name="review_notecodetally_month_key",
        ),
        migrations.RemoveConstraint(
            model_name="notetally",
            name="review_notetally_month_key",
        ),
        migrations.AddField(
            model_name="codepairtally",
            name="months",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="codetally",
            name="months",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="gapcodetally",
            name="months",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="gaptally",
            name="months",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="notecodetally",
            name="months",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="notetally",
            name="months",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddConstraint(
            model_name="codepairtally",
            constraint=models.UniqueConstraint(
                fields=(
                    "code",
                    "months",
                    "month",
                    "clinician_id",
                    "place",
                    "status",
                    "complete",
                    "other_code",
                ),
                name="review_codepairtally_period_key",
            ),
        ),
        migrations.AddConstraint(
            model_name="codetally",
            constraint=models.UniqueConstraint(
                fields=("months", "month", "clinician_id", "place", "status", "complete", "code"),
                name="review_codetally_period_key",
            ),
        ),
        migrations.AddConstraint(
            model_name="gapcodetally",
            constraint=models.UniqueConstraint(
                fields=(
                    "code",
                    "months",
                    "month",
                    "clinician_id",
                    "place",
                    "status",
                    "complete",
                    "element_key",
                    "requirement",
                ),
                name="review_gapcodetally_period_key",
            ),
        ),
        migrations.AddConstraint(
            model_name="gaptally",
            constraint=models.UniqueConstraint(
                fields=(
                    "months",
                    "month",
                    "clinician_id",
                    "place",
                    "status",
                    "complete",
                    "element_key",
                    "requirement",
                ),
                name="review_gaptally_period_key",
            ),
        ),
        migrations.AddConstraint(
            model_name="notecodetally",
            constraint=models.UniqueConstraint(
                fields=(
                    "code",
                    "months",
                    "month",
                    "clinician_id",
                    "place",
                    "status",
                    "complete",
                    "days_to_sign",
                ),
                name="review_notecodetally_period_key",
            ),
        ),
        migrations.AddConstraint(
            model_name="notetally",
            constraint=models.UniqueConstraint(
                fields=(
                    "months",
                    "month",
                    "clinician_id",
                    "place",
                    "status",
                    "complete",
                    "days_to_sign",
                ),
                name="review_notetally_period_key",
            ),
        ),
        migrations.RunPython(install_and_count, uninstall),
        # Backwards, first: the year and week rows would collide under the old keys.
        migrations.RunSQL(migrations.RunSQL.noop, EMPTY),
    ]
