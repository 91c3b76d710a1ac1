"""Database triggers that refuse changes to the signed record, on SQLite and PostgreSQL.

The app already refuses (Note.save, the admin); these make the database refuse a script
or a console that bypasses the app. What they guard:

- a signed note: every column its signature covers (patient, clinician, date and place of
  service, catalog version, answers, snapshot, signer, time, attestation, hash, the coding
  warnings signed with their reasons) and its
  status, which may move only from "signed" to "amended" (what an addendum does); a signed
  note is never deleted;
- the code lines of a signed note: none added, changed or removed;
- addenda: added to signed notes only, never changed or deleted;
- catalog snapshots: never changed; never deleted while a note uses one.

Bookkeeping columns (completeness figures, element status, version) stay writable, so a
later migration can still fill a new column on old notes. SQLite drops a table's triggers
when Django rebuilds the table, so they are lifted before and checked after every migrate
(checklists.apps), like the review's tallies.
"""

NOTE = "checklists_note"
SIGNED_COLUMNS = (
    "patient_id",
    "clinician_id",
    "date_of_service",
    "place_of_service",
    "catalog_version",
    "answers",
    "snapshot_id",
    "signed_at",
    "signed_by_id",
    "attestation",
    "content_hash",
    "signature_format",
    "coding_overrides",
)
# OLD is a signed note (not a draft), and NEW changes what its signature covers.
_CHANGED = " OR ".join(f"NEW.{column} IS DISTINCT FROM OLD.{column}" for column in SIGNED_COLUMNS)
_STATUS_REFUSED = (
    "NEW.status IS DISTINCT FROM OLD.status"
    " AND NOT (OLD.status = 'signed' AND NEW.status = 'amended')"
)
_SIGNED_NOTE_CHANGE = f"OLD.status <> 'draft' AND (({_STATUS_REFUSED}) OR {_CHANGED})"


def _signed(note_id: str) -> str:
    return f"EXISTS (SELECT 1 FROM {NOTE} WHERE id = {note_id} AND status <> 'draft')"


def _sqlite(name, when, table, condition, message):
    return (
        f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {when} ON {table}"
        + (f" WHEN {condition}" if condition else "")
        + f" BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )


SQLITE = {
    "signed_note_no_update": _sqlite(
        "signed_note_no_update",
        "UPDATE",
        NOTE,
        _SIGNED_NOTE_CHANGE.replace("IS DISTINCT FROM", "IS NOT"),
        "a signed note is read-only",
    ),
    "signed_note_no_delete": _sqlite(
        "signed_note_no_delete",
        "DELETE",
        NOTE,
        "OLD.status <> 'draft'",
        "a signed note is read-only",
    ),
    "signed_line_no_insert": _sqlite(
        "signed_line_no_insert",
        "INSERT",
        "checklists_codeline",
        _signed("NEW.note_id"),
        "the code lines of a signed note are read-only",
    ),
    "signed_line_no_update": _sqlite(
        "signed_line_no_update",
        "UPDATE",
        "checklists_codeline",
        f"{_signed('OLD.note_id')} OR {_signed('NEW.note_id')}",
        "the code lines of a signed note are read-only",
    ),
    "signed_line_no_delete": _sqlite(
        "signed_line_no_delete",
        "DELETE",
        "checklists_codeline",
        _signed("OLD.note_id"),
        "the code lines of a signed note are read-only",
    ),
    "addendum_only_to_signed": _sqlite(
        "addendum_only_to_signed",
        "INSERT",
        "checklists_addendum",
        f"NOT {_signed('NEW.note_id')}",
        "addenda are for signed notes",
    ),
    "addendum_no_update": _sqlite(
        "addendum_no_update", "UPDATE", "checklists_addendum", "", "an addendum is read-only"
    ),
    "addendum_no_delete": _sqlite(
        "addendum_no_delete", "DELETE", "checklists_addendum", "", "an addendum is read-only"
    ),
    "snapshot_no_update": _sqlite(
        "snapshot_no_update",
        "UPDATE",
        "checklists_catalogsnapshot",
        "",
        "a catalog snapshot is read-only",
    ),
    "snapshot_no_delete": _sqlite(
        "snapshot_no_delete",
        "DELETE",
        "checklists_catalogsnapshot",
        f"EXISTS (SELECT 1 FROM {NOTE} WHERE snapshot_id = OLD.id)",
        "a catalog snapshot in use is read-only",
    ),
}

_POSTGRES_FUNCTIONS = [
    f"""CREATE OR REPLACE FUNCTION signed_note_guard() RETURNS trigger AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN
            IF OLD.status <> 'draft' THEN
              RAISE EXCEPTION 'a signed note is read-only (note %)', OLD.id;
            END IF;
            RETURN OLD;
          END IF;
          IF {_SIGNED_NOTE_CHANGE} THEN
            RAISE EXCEPTION 'a signed note is read-only (note %)', OLD.id;
          END IF;
          RETURN NEW;
        END; $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION signed_line_guard() RETURNS trigger AS $$
        BEGIN
          IF (TG_OP IN ('UPDATE', 'DELETE') AND {_signed("OLD.note_id")})
             OR (TG_OP IN ('INSERT', 'UPDATE') AND {_signed("NEW.note_id")}) THEN
            RAISE EXCEPTION 'the code lines of a signed note are read-only';
          END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END; $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION addendum_guard() RETURNS trigger AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            IF NOT {_signed("NEW.note_id")} THEN
              RAISE EXCEPTION 'addenda are for signed notes';
            END IF;
            RETURN NEW;
          END IF;
          RAISE EXCEPTION 'an addendum is read-only';
        END; $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION snapshot_guard() RETURNS trigger AS $$
        BEGIN
          IF TG_OP = 'UPDATE' THEN
            RAISE EXCEPTION 'a catalog snapshot is read-only';
          END IF;
          IF EXISTS (SELECT 1 FROM {NOTE} WHERE snapshot_id = OLD.id) THEN
            RAISE EXCEPTION 'a catalog snapshot in use is read-only';
          END IF;
          RETURN OLD;
        END; $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION signed_record_no_truncate() RETURNS trigger AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM {NOTE} WHERE status <> 'draft') THEN
            RAISE EXCEPTION 'the signed record is read-only (% cannot be emptied)',
              TG_TABLE_NAME;
          END IF;
          RETURN NULL;
        END; $$ LANGUAGE plpgsql""",
]
POSTGRES = {
    "signed_note_guard": (NOTE, "BEFORE UPDATE OR DELETE", "ROW", "signed_note_guard"),
    "signed_line_guard": (
        "checklists_codeline",
        "BEFORE INSERT OR UPDATE OR DELETE",
        "ROW",
        "signed_line_guard",
    ),
    "addendum_guard": (
        "checklists_addendum",
        "BEFORE INSERT OR UPDATE OR DELETE",
        "ROW",
        "addendum_guard",
    ),
    "snapshot_guard": (
        "checklists_catalogsnapshot",
        "BEFORE UPDATE OR DELETE",
        "ROW",
        "snapshot_guard",
    ),
    **{
        f"{short}_no_truncate": (
            table,
            "BEFORE TRUNCATE",
            "STATEMENT",
            "signed_record_no_truncate",
        )
        for short, table in (
            ("signed_note", NOTE),
            ("signed_line", "checklists_codeline"),
            ("addendum", "checklists_addendum"),
            ("snapshot", "checklists_catalogsnapshot"),
        )
    },
}


def _run(connection, statements):
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _postgres_drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, (table, *_) in POSTGRES.items()]


def install(connection):
    if connection.vendor == "sqlite":
        _run(connection, list(SQLITE.values()))
    elif connection.vendor == "postgresql":
        _run(
            connection,
            _POSTGRES_FUNCTIONS
            + _postgres_drop()
            + [
                f"CREATE TRIGGER {name} {when} ON {table} FOR EACH {level} "
                f"EXECUTE FUNCTION {function}()"
                for name, (table, when, level, function) in POSTGRES.items()
            ],
        )


def uninstall(connection):
    """For migrations on SQLite (see the module's doc) and the test harness's flush."""
    if connection.vendor == "sqlite":
        _run(connection, [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE])
    elif connection.vendor == "postgresql":
        _run(connection, _postgres_drop())


def expected(connection) -> set[str]:
    return set(
        SQLITE
        if connection.vendor == "sqlite"
        else POSTGRES
        if connection.vendor == "postgresql"
        else ()
    )


def installed(connection) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            return set()
        return {name for (name,) in cursor.fetchall()}


def ensure(connection) -> bool:
    """Install what is missing; True when something was."""
    if expected(connection) <= installed(connection):
        return False
    install(connection)
    return True
