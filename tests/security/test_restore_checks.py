"""restore_db checks a backup before it touches anything, and refuses each bad file with
one clear sentence; backups, anchors and the database are the service account's alone."""

import os
import shutil
import sqlite3
import stat
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from checklists.models import Note
from tests.notes import make_note

pytestmark = pytest.mark.skipif(
    connection.vendor == "postgresql" and not shutil.which("pg_dump"),
    reason="pg_dump is not installed",
)


def _backup(tmp_path, name="backup.db"):
    path = tmp_path / "backups" / name
    call_command(
        "backup_db", str(path), "--anchor", str(tmp_path / "anchors.jsonl"), stdout=StringIO()
    )
    return path


@pytest.fixture(scope="module")
def sound_backup(django_db_setup, django_db_blocker, tmp_path_factory):
    """A backup of the test database (its catalog and audit events), taken outside any
    test's transaction; each test changes a copy of it."""
    with django_db_blocker.unblock():
        return _backup(tmp_path_factory.mktemp("sound"))


@pytest.fixture
def backup_copy(sound_backup, tmp_path):
    path = tmp_path / "backup.db"
    shutil.copyfile(sound_backup, path)
    return path


def _refused(path, *args):
    notes = list(Note.objects.values_list("pk", "status"))
    with pytest.raises(CommandError) as refused:
        call_command("restore_db", str(path), *args, stdout=StringIO())
    assert list(Note.objects.values_list("pk", "status")) == notes
    return str(refused.value)


@pytest.mark.django_db(transaction=True)
def test_a_backup_and_its_anchor_are_private(catalog, clinician, patient, tmp_path):
    make_note(clinician, patient, "64681")
    path = _backup(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "anchors.jsonl").stat().st_mode) == 0o600


def test_an_empty_file_is_refused(db, tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    assert _refused(path, "--yes") == f"Nothing restored. {path} is empty, so not a backup."


def test_a_missing_file_is_refused(db, tmp_path):
    assert _refused(tmp_path / "nowhere.db", "--yes") == (
        f"Nothing restored. No backup at {tmp_path / 'nowhere.db'}."
    )


def test_a_foreign_file_is_refused(db, tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(4096))
    kind = "a SQLite database" if connection.vendor == "sqlite" else "a pg_dump custom-format file"
    assert _refused(path, "--yes") == (
        f"Nothing restored. {path} is not {kind}, so not a backup_db backup."
    )


sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite backup files")


@sqlite_only
def test_another_apps_database_is_refused(db, tmp_path):
    path = tmp_path / "other.sqlite3"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE django_migrations (app TEXT, name TEXT)")
    other.execute("INSERT INTO django_migrations VALUES ('shop', '0001_initial')")
    other.commit()
    other.close()
    assert _refused(path, "--yes") == (
        f"Nothing restored. {path} is not a backup of this app (none of its migrations)."
    )


@sqlite_only
def test_a_backup_of_an_older_release_is_refused(db, backup_copy):
    path = backup_copy
    copy = sqlite3.connect(path)
    copy.execute("DELETE FROM django_migrations WHERE app = 'checklists' AND name LIKE '0012_%'")
    copy.commit()
    copy.close()
    assert _refused(path, "--yes") == (
        f"Nothing restored. {path} comes from an older release (migrations it lacks: "
        "checklists.0012_i17_signed_record_guards): restore it with that release, then upgrade."
    )


@sqlite_only
def test_a_damaged_backup_is_refused(db, backup_copy):
    path = backup_copy
    data = bytearray(path.read_bytes())
    for offset in range(4096, len(data), 4096):
        data[offset + 8 : offset + 64] = os.urandom(56)  # every page's header and cells
    path.write_bytes(bytes(data))
    message = _refused(path, "--yes")
    assert message.startswith(f"Nothing restored. {path} ")
    assert "integrity check" in message or "cannot be read as a database" in message


@sqlite_only
def test_a_backup_whose_trail_was_tampered_with_is_refused(db, backup_copy):
    path = backup_copy
    copy = sqlite3.connect(path)
    copy.execute("DROP TRIGGER audit_no_update")
    (first,) = copy.execute("SELECT min(id) FROM checklists_auditevent").fetchone()
    copy.execute("UPDATE checklists_auditevent SET action = 'forged' WHERE id = ?", [first])
    copy.commit()
    copy.close()
    assert _refused(path, "--yes") == (
        f"Nothing restored. {path} fails verify_audit: Audit chain broken at event {first} "
        f"({_event_time(first)}, forged): its content does not match its HMAC (the row was "
        "altered)."
    )


def _event_time(pk):
    from audit.models import AuditEvent

    return f"{AuditEvent.objects.get(pk=pk).at:%Y-%m-%d %H:%M:%S}"


def test_without_a_terminal_it_needs_yes(db, backup_copy, monkeypatch):
    path = backup_copy
    monkeypatch.setattr(sys, "stdin", StringIO(""))
    assert _refused(path) == (
        "Nothing restored: not on a terminal, so nobody can confirm. "
        "Pass --yes to restore without a question."
    )


def test_on_a_terminal_it_restores_only_when_told_to(db, backup_copy, monkeypatch):
    path = backup_copy
    terminal = StringIO("no\n")
    terminal.isatty = lambda: True
    monkeypatch.setattr(sys, "stdin", terminal)
    assert _refused(path) == "Nothing restored."
