"""Backups are consistent copies that restore to the state they were taken in."""

import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from checklists.models import Note
from tests.notes import make_note


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_to_the_state_it_was_taken_in(catalog, clinician, patient, tmp_path):
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    kept = make_note(clinician, patient, "64681", complete=True)
    path = tmp_path / "backup.db"
    out = StringIO()
    call_command("backup_db", str(path), stdout=out)
    assert "Backup written to" in out.getvalue() and path.stat().st_size > 0

    make_note(clinician, patient, "64640")
    assert Note.objects.count() == 2

    call_command("restore_db", str(path), "--yes", stdout=StringIO())
    connection.close()
    assert list(Note.objects.values_list("pk", flat=True)) == [kept.pk]
    assert Note.objects.get().answers == kept.answers
