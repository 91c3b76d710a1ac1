# PostgreSQL: no parallel workers for scans of the tally tables (issue 19). The dashboard
# sums a few thousand of their rows in 1-5 ms; for the larger sums the planner chose a
# parallel plan, and starting two workers, which then wait for a core on a busy server,
# cost more than the scan (at 1,000,000 notes under load: the missing-elements sum 4.7 ms
# serial, 8.6 ms median in parallel). Nothing else reads these tables.

from django.db import migrations

TABLES = [
    f"review_{name}tally" for name in ("note", "code", "gap", "notecode", "codepair", "gapcode")
]


def serial(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} SET (parallel_workers = 0)")


def default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} RESET (parallel_workers)")


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0007_i19h_day_tallies"),
    ]

    operations = [
        migrations.RunPython(serial, default),
    ]
