# The tallies' finest grain becomes the day (issue 19): the rows with `months` 0 counted a
# week of the month, now a day, so a date range that cuts a month is read from the day
# rows and the dashboard never counts the notes themselves; and every count gets an
# all-time row (`months` 9999), so the unfiltered figures read one row per key, not one
# per year. No column changes; the triggers are reinstalled and every tally recounted,
# each grain's rows written in period order (review/tally_triggers.py).

from django.db import migrations


def install_and_count(apps, schema_editor):
    from review import tally_triggers

    tally_triggers.rebuild(schema_editor.connection)


def uninstall_and_empty(apps, schema_editor):
    """Back to week rows and no all-time rows: their triggers are gone with this code, so the tallies are
    emptied and review's post-migrate check recounts them."""
    from review import tally_triggers

    tally_triggers.uninstall(schema_editor.connection)
    with schema_editor.connection.cursor() as cursor:
        for table in tally_triggers.KEYS:
            cursor.execute(f"DELETE FROM {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0006_i19d_yearly_tallies"),
    ]

    operations = [
        migrations.RunPython(install_and_count, uninstall_and_empty),
    ]
