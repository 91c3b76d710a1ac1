"""Covering indexes for the review dashboard's aggregations over other apps' tables.

The notes table carries each note's catalog snapshot and answers (tens of kB a row), so an
aggregate that reads the table itself reads all of that. These indexes hold just what the
dashboard groups and filters on, so SQLite and PostgreSQL answer from the index alone
(index-only scans). Plain CREATE INDEX, the same on both databases.
"""

from django.db import migrations

INDEXES = {
    # Per-clinician summary and filters; clinician first so the GROUP BY streams.
    "review_note_by_clinician": (
        "checklists_note",
        "clinician_id, date_of_service, status, required_missing, completeness, "
        "place_of_service, signed_at, id",
    ),
    # Date-range filters and the default sort of the notes table (newest first).
    "review_note_by_date": (
        "checklists_note",
        "date_of_service, id, clinician_id, status, required_missing, completeness, "
        "place_of_service, signed_at",
    ),
    # Codes of the filtered notes (per-code table, missing elements per code).
    "review_codeline_note_code": ("checklists_codeline", "note_id, code"),
    # The code filter: the notes carrying a code.
    "review_codeline_code_note": ("checklists_codeline", "code, note_id"),
    # Missing elements of the filtered notes.
    "review_notegap_note_element": ("checklists_notegap", "note_id, element_key, requirement"),
}


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_documentation_queries_export_jobs"),
        ("checklists", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX {name} ON {table} ({columns})",
            # IF EXISTS: later migrations replaced them with indexes declared on the models.
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, (table, columns) in INDEXES.items()
    ]
