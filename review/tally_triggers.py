"""Database triggers that keep the dashboard's tallies (review.models.*Tally) exact.

Triggers rather than Python hooks, so that every write counts, whichever path it takes:
the note services, the demo generator's bulk_create, an `update()` in a shell or a test.
Each trigger adds or removes one note from the rows its key falls in:

- a note inserted, deleted, or moved to another key (date, clinician, place, status,
  complete or not, signing) moves its note row, and its code and gap rows with it;
- a code line counts once per note and code: it adds only when no other line of the note
  has the code, and removes only when it was the last one;
- a gap row adds or removes one note from its element's row.

The SQL is written once, as templates over a note reference (NEW, OLD or a joined note),
and rendered for SQLite (trigger bodies) and PostgreSQL (PL/pgSQL functions). On
PostgreSQL the code-line trigger runs BEFORE each row, because only BEFORE row triggers
see the rows an earlier part of the same multi-row statement wrote.

Every count goes to four rows: all time's (`months` ALL_TIME, `month` 1 January of the
year 1), its year's (`months` 12, `month` the 1st of January), its month's (`months` 1)
and its day's (`months` 0, `month` the date of service itself). The dashboard reads all
time from the all-time rows when no date bounds it, and otherwise whole years from the
year rows, the months around them from the month rows and the days of a month the range
cuts from the day rows (review.tallied): ten years of notes are one row per key, a range
of ten years ten rows per key instead of 120, and one that starts mid-month never counts
the notes themselves. The recount writes each grain's rows in period order, so the
rows of one month or day share the table's pages (reading them is then a few pages).

Days to signature use the practice's local calendar, like review.expressions.DaysToSign:
SQLite's 'localtime' follows the TZ Django sets; PostgreSQL is given settings.TIME_ZONE
when the triggers are installed (rebuild_tallies reinstalls them after a change).
"""

from django.conf import settings

NOTE_KEY = ("month", "months", "clinician_id", "place", "status", "complete")
KEYS = {
    "review_notetally": (*NOTE_KEY, "days_to_sign"),
    "review_codetally": (*NOTE_KEY, "code"),
    "review_gaptally": (*NOTE_KEY, "element_key", "requirement"),
    # The same, per billed code: the dashboard filtered by a code.
    "review_notecodetally": (*NOTE_KEY, "days_to_sign", "code"),
    "review_codepairtally": (*NOTE_KEY, "code", "other_code"),
    "review_gapcodetally": (*NOTE_KEY, "element_key", "requirement", "code"),
}
# Each count is written to its day's, month's, year's and all time's row: every statement
# joins this.
ALL_TIME = 9999  # `months` of the all-time rows
PERIODS = (
    f"(SELECT 0 AS months UNION ALL SELECT 1 UNION ALL SELECT 12 UNION ALL SELECT {ALL_TIME}) p"
)


def _period_start(vendor, day):
    """The first day of the row's period: the year's (p.months = 12), the month's (1), the
    day itself (0), or 1 January of the year 1 (ALL_TIME)."""
    if vendor == "sqlite":
        return (
            f"CASE p.months WHEN {ALL_TIME} THEN '0001-01-01'"
            f" WHEN 12 THEN strftime('%Y-01-01', {day})"
            f" WHEN 1 THEN strftime('%Y-%m-01', {day}) ELSE {day} END"
        )
    return (
        f"CASE p.months WHEN {ALL_TIME} THEN DATE '0001-01-01'"
        f" WHEN 12 THEN CAST(date_trunc('year', {day}) AS date)"
        f" WHEN 1 THEN CAST(date_trunc('month', {day}) AS date) ELSE {day} END"
    )


def days_to_sign(vendor, note):
    if vendor == "sqlite":
        days = (
            f"CAST(julianday(date({note}.signed_at, 'localtime'))"
            f" - julianday({note}.date_of_service) AS INTEGER)"
        )
    else:
        zone = settings.TIME_ZONE.replace("'", "''")
        days = f"(CAST({note}.signed_at AT TIME ZONE '{zone}' AS date) - {note}.date_of_service)"
    return f"CASE WHEN {note}.signed_at IS NULL THEN -1 ELSE {days} END"


def _note_columns(vendor, note):
    """Every tally's key columns of the note: month or year of service, which of the two,
    clinician, place, status, complete or not."""
    return [
        _period_start(vendor, f"{note}.date_of_service"),
        "p.months",
        f"{note}.clinician_id",
        f"{note}.place_of_service",
        f"{note}.status",
        f"({note}.required_missing = 0)",
    ]


def _upsert(table, values, source="", *, where="true", group="", count="{delta}"):
    """INSERT ... SELECT adding `count` to the row of each key (created at 0), for the
    day, the month, the year and all time (PERIODS is joined to `source`). A recount (`group`)
    inserts in period order, so that one period's rows sit together on disk.

    The WHERE is always written: SQLite needs it to parse INSERT ... SELECT ... ON CONFLICT.
    """
    keys = KEYS[table]
    source = f"{source} CROSS JOIN {PERIODS}" if source else f"FROM {PERIODS}"
    group_by = (
        f" GROUP BY {', '.join(str(i) for i in range(1, len(keys) + 1))} ORDER BY 2, 1"
        if group
        else ""
    )
    return (
        f"INSERT INTO {table} ({', '.join(keys)}, note_count) "
        f"SELECT {', '.join(values)}, {count} {source} WHERE {where}{group_by} "
        f"ON CONFLICT ({', '.join(keys)}) "
        f"DO UPDATE SET note_count = {table}.note_count + excluded.note_count"
    )


def note_row(vendor, note):
    """The note's own row (no FROM: the note is NEW or OLD)."""
    values = [*_note_columns(vendor, note), days_to_sign(vendor, note)]
    return _upsert("review_notetally", values)


def _codes_of(note_id):
    """The distinct codes of a note's lines, as a subquery."""
    return f"(SELECT DISTINCT code FROM checklists_codeline WHERE note_id = {note_id})"


# The distinct (note, code) pairs of every line, as a subquery (recounts).
NOTE_CODES = "(SELECT DISTINCT note_id, code FROM checklists_codeline)"


def note_codes(vendor, note):
    """One row per distinct code of the note's lines."""
    return _upsert(
        "review_codetally",
        [*_note_columns(vendor, note), "c.code"],
        f"FROM {_codes_of(f'{note}.id')} c",
    )


def note_code_rows(vendor, note):
    """The note's own row under each of its codes."""
    return _upsert(
        "review_notecodetally",
        [*_note_columns(vendor, note), days_to_sign(vendor, note), "c.code"],
        f"FROM {_codes_of(f'{note}.id')} c",
    )


def note_code_pairs(vendor, note):
    """Every ordered pair of the note's codes, each code with itself included."""
    return _upsert(
        "review_codepairtally",
        [*_note_columns(vendor, note), "a.code", "b.code"],
        f"FROM {_codes_of(f'{note}.id')} a, {_codes_of(f'{note}.id')} b",
    )


def note_code_gaps(vendor, note):
    return _upsert(
        "review_gapcodetally",
        [*_note_columns(vendor, note), "g.element_key", "g.requirement", "c.code"],
        f"FROM checklists_notegap g, {_codes_of(f'{note}.id')} c",
        where=f"g.note_id = {note}.id",
    )


def note_gaps(vendor, note):
    return _upsert(
        "review_gaptally",
        [*_note_columns(vendor, note), "g.element_key", "g.requirement"],
        "FROM checklists_notegap g",
        where=f"g.note_id = {note}.id",
    )


def _first_of_its_code(line, exclude_self):
    """No other line of the note has the line's code (it is the one that counts it)."""
    other = f" AND o.id <> {line}.id" if exclude_self else ""
    return (
        f"n.id = {line}.note_id AND NOT EXISTS ("
        f"SELECT 1 FROM checklists_codeline o WHERE o.note_id = {line}.note_id"
        f" AND o.code = {line}.code{other})"
    )


def line_code(vendor, line, *, exclude_self):
    """The line's code on its note, unless another line of the note already counts it:
    the code's month row, the note's row under the code, the code's pairs with the
    note's other codes, and the note's gaps under the code."""
    where = _first_of_its_code(line, exclude_self)
    month = _note_columns(vendor, "n")
    others = (
        f"(SELECT DISTINCT code FROM checklists_codeline o"
        f" WHERE o.note_id = {line}.note_id AND o.code <> {line}.code AND o.id <> {line}.id)"
    )
    return [
        _upsert(
            "review_codetally", [*month, f"{line}.code"], "FROM checklists_note n", where=where
        ),
        _upsert(
            "review_notecodetally",
            [*_note_columns(vendor, "n"), days_to_sign(vendor, "n"), f"{line}.code"],
            "FROM checklists_note n",
            where=where,
        ),
        _upsert(
            "review_codepairtally",
            [*month, f"{line}.code", "d.code"],
            f"FROM checklists_note n, (SELECT code FROM {others} x UNION SELECT {line}.code) d",
            where=where,
        ),
        _upsert(
            "review_codepairtally",
            [*month, "d.code", f"{line}.code"],
            f"FROM checklists_note n, {others} d",
            where=where,
        ),
        _upsert(
            "review_gapcodetally",
            [*month, "g.element_key", "g.requirement", f"{line}.code"],
            "FROM checklists_note n JOIN checklists_notegap g ON g.note_id = n.id",
            where=where,
        ),
    ]


def gap_element(vendor, gap):
    """The gap's element on its note's month row, and under each of the note's codes."""
    values = [*_note_columns(vendor, "n"), f"{gap}.element_key", f"{gap}.requirement"]
    return [
        _upsert(
            "review_gaptally", values, "FROM checklists_note n", where=f"n.id = {gap}.note_id"
        ),
        _upsert(
            "review_gapcodetally",
            [*values, "c.code"],
            f"FROM checklists_note n, {_codes_of(f'{gap}.note_id')} c",
            where=f"n.id = {gap}.note_id",
        ),
    ]


def note_all(vendor, note):
    """Everything a note counts in: its row, its codes and its gaps, per code too."""
    return [
        note_row(vendor, note),
        note_codes(vendor, note),
        note_gaps(vendor, note),
        note_code_rows(vendor, note),
        note_code_pairs(vendor, note),
        note_code_gaps(vendor, note),
    ]


NOTE_KEY_CHANGED = (
    " OR ".join(
        f"OLD.{column} IS DISTINCT FROM NEW.{column}"
        for column in (
            "date_of_service",
            "clinician_id",
            "place_of_service",
            "status",
            "signed_at",
        )
    )
    + " OR (OLD.required_missing = 0) IS DISTINCT FROM (NEW.required_missing = 0)"
)


def _statements(templates, *, delta):
    return "; ".join(template.replace("{delta}", delta) for template in templates) + ";"


def sqlite_install() -> list[str]:
    v = "sqlite"
    changed = NOTE_KEY_CHANGED.replace("IS DISTINCT FROM", "IS NOT")
    return [
        f"""CREATE TRIGGER IF NOT EXISTS tally_note_insert AFTER INSERT ON checklists_note
            BEGIN {_statements([note_row(v, "NEW")], delta="1")} END""",
        f"""CREATE TRIGGER IF NOT EXISTS tally_note_delete AFTER DELETE ON checklists_note
            BEGIN {_statements(note_all(v, "OLD"), delta="-1")} END""",
        f"""CREATE TRIGGER IF NOT EXISTS tally_note_update AFTER UPDATE ON checklists_note
            WHEN {changed}
            BEGIN
              {_statements(note_all(v, "OLD"), delta="-1")}
              {_statements(note_all(v, "NEW"), delta="1")}
            END""",
        # SQLite runs row triggers row by row: a line sees the lines inserted before it.
        f"""CREATE TRIGGER IF NOT EXISTS tally_line_insert AFTER INSERT ON checklists_codeline
            BEGIN {_statements(line_code(v, "NEW", exclude_self=True), delta="1")} END""",
        f"""CREATE TRIGGER IF NOT EXISTS tally_line_delete AFTER DELETE ON checklists_codeline
            BEGIN {_statements(line_code(v, "OLD", exclude_self=False), delta="-1")} END""",
        f"""CREATE TRIGGER IF NOT EXISTS tally_line_update AFTER UPDATE ON checklists_codeline
            WHEN OLD.note_id IS NOT NEW.note_id OR OLD.code IS NOT NEW.code
            BEGIN
              {_statements(line_code(v, "OLD", exclude_self=False), delta="-1")}
              {_statements(line_code(v, "NEW", exclude_self=True), delta="1")}
            END""",
        f"""CREATE TRIGGER IF NOT EXISTS tally_gap_insert AFTER INSERT ON checklists_notegap
            BEGIN {_statements(gap_element(v, "NEW"), delta="1")} END""",
        f"""CREATE TRIGGER IF NOT EXISTS tally_gap_delete AFTER DELETE ON checklists_notegap
            BEGIN {_statements(gap_element(v, "OLD"), delta="-1")} END""",
        f"""CREATE TRIGGER IF NOT EXISTS tally_gap_update AFTER UPDATE ON checklists_notegap
            BEGIN
              {_statements(gap_element(v, "OLD"), delta="-1")}
              {_statements(gap_element(v, "NEW"), delta="1")}
            END""",
    ]


SQLITE_TRIGGERS = [
    f"tally_{table}_{event}"
    for table in ("note", "line", "gap")
    for event in ("insert", "delete", "update")
]


def postgres_install() -> list[str]:
    v = "postgresql"
    return [
        f"""CREATE OR REPLACE FUNCTION review_tally_note(n checklists_note, delta integer)
            RETURNS void AS $$
            BEGIN {_statements(note_all(v, "n"), delta="delta")}
            END; $$ LANGUAGE plpgsql""",
        """CREATE OR REPLACE FUNCTION review_tally_note_trigger() RETURNS trigger AS $$
            BEGIN
              IF TG_OP IN ('DELETE', 'UPDATE') THEN PERFORM review_tally_note(OLD, -1); END IF;
              IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM review_tally_note(NEW, 1); END IF;
              RETURN NULL;
            END; $$ LANGUAGE plpgsql""",
        f"""CREATE OR REPLACE FUNCTION review_tally_line_trigger() RETURNS trigger AS $$
            BEGIN
              IF TG_OP IN ('DELETE', 'UPDATE') THEN
                {_statements(line_code(v, "OLD", exclude_self=True), delta="-1")}
              END IF;
              IF TG_OP IN ('INSERT', 'UPDATE') THEN
                {_statements(line_code(v, "NEW", exclude_self=True), delta="1")}
              END IF;
              IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
              RETURN NEW;
            END; $$ LANGUAGE plpgsql""",
        f"""CREATE OR REPLACE FUNCTION review_tally_gap_trigger() RETURNS trigger AS $$
            BEGIN
              IF TG_OP IN ('DELETE', 'UPDATE') THEN
                {_statements(gap_element(v, "OLD"), delta="-1")}
              END IF;
              IF TG_OP IN ('INSERT', 'UPDATE') THEN
                {_statements(gap_element(v, "NEW"), delta="1")}
              END IF;
              RETURN NULL;
            END; $$ LANGUAGE plpgsql""",
        *_postgres_uninstall(),
        """CREATE TRIGGER tally_note_insert_delete AFTER INSERT OR DELETE ON checklists_note
            FOR EACH ROW EXECUTE FUNCTION review_tally_note_trigger()""",
        f"""CREATE TRIGGER tally_note_update AFTER UPDATE ON checklists_note
            FOR EACH ROW WHEN ({NOTE_KEY_CHANGED})
            EXECUTE FUNCTION review_tally_note_trigger()""",
        # BEFORE: a line must see the lines of the same statement already written, and
        # (deleting) must not see the ones already removed.
        """CREATE TRIGGER tally_line_insert_delete BEFORE INSERT OR DELETE ON checklists_codeline
            FOR EACH ROW EXECUTE FUNCTION review_tally_line_trigger()""",
        """CREATE TRIGGER tally_line_update BEFORE UPDATE ON checklists_codeline
            FOR EACH ROW
            WHEN (OLD.note_id IS DISTINCT FROM NEW.note_id OR OLD.code IS DISTINCT FROM NEW.code)
            EXECUTE FUNCTION review_tally_line_trigger()""",
        """CREATE TRIGGER tally_gap_change AFTER INSERT OR DELETE OR UPDATE ON checklists_notegap
            FOR EACH ROW EXECUTE FUNCTION review_tally_gap_trigger()""",
    ]


POSTGRES_TRIGGERS = {
    "tally_note_insert_delete": "checklists_note",
    "tally_note_update": "checklists_note",
    "tally_line_insert_delete": "checklists_codeline",
    "tally_line_update": "checklists_codeline",
    "tally_gap_change": "checklists_notegap",
}


def _postgres_uninstall() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in POSTGRES_TRIGGERS.items()
    ]


def rebuild_statements(vendor) -> list[str]:
    """Recount every tally from the notes (after a restore by hand, or a zone change)."""
    return [
        *(f"DELETE FROM {table}" for table in KEYS),
        _upsert(
            "review_notetally",
            [*_note_columns(vendor, "n"), days_to_sign(vendor, "n")],
            "FROM checklists_note n",
            group=True,
            count="COUNT(*)",
        ),
        _upsert(
            "review_codetally",
            [*_note_columns(vendor, "n"), "c.code"],
            "FROM checklists_codeline c JOIN checklists_note n ON n.id = c.note_id",
            group=True,
            count="COUNT(DISTINCT n.id)",
        ),
        _upsert(
            "review_gaptally",
            [*_note_columns(vendor, "n"), "g.element_key", "g.requirement"],
            "FROM checklists_notegap g JOIN checklists_note n ON n.id = g.note_id",
            group=True,
            count="COUNT(*)",
        ),
        _upsert(
            "review_notecodetally",
            [*_note_columns(vendor, "n"), days_to_sign(vendor, "n"), "c.code"],
            f"FROM {NOTE_CODES} c JOIN checklists_note n ON n.id = c.note_id",
            group=True,
            count="COUNT(*)",
        ),
        _upsert(
            "review_codepairtally",
            [*_note_columns(vendor, "n"), "a.code", "b.code"],
            f"FROM {NOTE_CODES} a JOIN {NOTE_CODES} b ON b.note_id = a.note_id"
            " JOIN checklists_note n ON n.id = a.note_id",
            group=True,
            count="COUNT(*)",
        ),
        _upsert(
            "review_gapcodetally",
            [*_note_columns(vendor, "n"), "g.element_key", "g.requirement", "c.code"],
            f"FROM checklists_notegap g JOIN {NOTE_CODES} c ON c.note_id = g.note_id"
            " JOIN checklists_note n ON n.id = g.note_id",
            group=True,
            count="COUNT(*)",
        ),
    ]


def _run(connection, statements):
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection):
    if connection.vendor == "sqlite":
        _run(connection, sqlite_install())
    elif connection.vendor == "postgresql":
        _run(connection, postgres_install())


def uninstall(connection):
    if connection.vendor == "sqlite":
        _run(connection, [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS])
    elif connection.vendor == "postgresql":
        _run(connection, _postgres_uninstall())


def installed(connection) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            return set()
        return {name for (name,) in cursor.fetchall()}


def expected(connection) -> set[str]:
    if connection.vendor == "sqlite":
        return set(SQLITE_TRIGGERS)
    if connection.vendor == "postgresql":
        return set(POSTGRES_TRIGGERS)
    return set()


def ensure(connection) -> bool:
    """Reinstall and recount when a trigger is missing; True when that was needed.

    SQLite drops a table's triggers with the table, and Django rebuilds a SQLite table
    for many schema changes: after every migrate (review.apps), the triggers are checked.
    """
    if expected(connection) <= installed(connection):
        return False
    rebuild(connection)
    return True


def rebuild(connection):
    """Reinstall the triggers and recount, in one transaction."""
    from django.db import transaction

    with transaction.atomic(using=connection.alias):
        uninstall(connection)
        install(connection)
        _run(connection, rebuild_statements(connection.vendor))
