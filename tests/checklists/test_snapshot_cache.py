"""A note page takes its snapshot's definitions from the process's copy, never a shared one."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from checklists import snapshot_cache
from checklists.models import CatalogSnapshot, Note
from practice.models import Patient
from tests.notes import make_note


def test_a_note_page_reads_the_snapshot_row_without_its_definitions(
    clinician_client, clinician, patient
):
    note = make_note(clinician, patient, "64681")
    clinician_client.get(f"/notes/{note.pk}/edit/")  # this process keeps the definitions
    with CaptureQueriesContext(connection) as captured:
        response = clinician_client.get(f"/notes/{note.pk}/edit/")
    assert response.status_code == 200
    snapshot_reads = [q["sql"] for q in captured if "checklists_catalogsnapshot" in q["sql"]]
    assert snapshot_reads and all("definitions" not in sql for sql in snapshot_reads)
    # The page still asks the note's own elements.
    first_label = note.definitions["elements"][0]["label"]
    assert first_label in response.content.decode()


def test_notes_sharing_a_snapshot_get_their_own_copies(clinician, patient):
    other = Patient.objects.create(
        first_name="Yan", last_name="Testpatient", date_of_birth=datetime.date(1970, 1, 1)
    )
    one, two = make_note(clinician, patient, "64681"), make_note(clinician, other, "64681")
    assert one.snapshot_id == two.snapshot_id
    first = Note.objects.with_snapshot_kept().get(pk=one.pk)
    second = Note.objects.with_snapshot_kept().get(pk=two.pk)
    original_label = second.definitions["elements"][0]["label"]

    first.definitions["elements"][0]["label"] = "Changed by a careless caller"
    first.definitions["elements"].clear()
    first.definitions["codes"]["64681"] = "changed"

    assert second.definitions["elements"][0]["label"] == original_label
    again = Note.objects.with_snapshot_kept().get(pk=one.pk)
    assert again.definitions == CatalogSnapshot.objects.get(pk=one.snapshot_id).definitions
    assert again.definitions["elements"][0]["label"] == original_label


def test_one_note_object_reads_the_same_definitions_each_time(clinician, patient):
    note = Note.objects.with_snapshot_kept().get(pk=make_note(clinician, patient, "64681").pk)
    assert note.definitions is note.definitions


def test_a_snapshot_that_does_not_match_its_sha256_is_served_but_never_kept(db):
    altered = CatalogSnapshot.objects.create(sha256="0" * 64, definitions={"elements": []})
    row = CatalogSnapshot.objects.only("pk", "sha256").get(pk=altered.pk)
    assert snapshot_cache.definitions(row) == {"elements": []}
    assert "0" * 64 not in snapshot_cache._kept
