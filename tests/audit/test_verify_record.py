"""verify_audit checks the record, not only the chain: each tampering named (the attacker
having dropped the triggers first)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.models import AuditEvent
from audit.verification import verify
from checklists import services
from checklists.canonical import content_hash
from checklists.models import Addendum, Note
from tests.notes import make_note, sign
from tests.tampering import guards_dropped


@pytest.fixture
def signed(clinician, patient):
    return sign(make_note(clinician, patient, "64681", complete=True), clinician)


@pytest.fixture
def amended(clinician, patient):
    note = sign(make_note(clinician, patient, "64640", complete=True), clinician)
    addendum = services.add_addendum(note, author=clinician, reason="Late entry", text="Late.")
    return Note.objects.get(pk=note.pk), addendum


def _sql(statement, *params):
    with guards_dropped(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_untouched_record_verifies(signed, amended):
    out = StringIO()
    call_command("verify_audit", stdout=out)
    events = AuditEvent.objects.count()
    assert out.getvalue() == (
        f"Audit chain intact: {events} events verified; "
        "the signed record matches its hashes and events.\n"
    )


def test_changed_answers_are_named(signed):
    _sql(
        "UPDATE checklists_note SET answers = %s WHERE id = %s",
        '{"informed_consent": {"value": "no"}}',
        signed.pk,
    )
    assert verify().problems == [
        f"Note {signed.pk}: its content does not match its signed hash (changed after signing)."
    ]


def test_a_signed_note_set_back_to_draft_is_named(signed):
    _sql("UPDATE checklists_note SET status = 'draft' WHERE id = %s", signed.pk)
    assert verify().problems == [
        f"Note {signed.pk}: its note.sign event records a signing, but it is a draft."
    ]


def test_a_hash_recomputed_over_changed_content_is_named(signed):
    _sql("UPDATE checklists_note SET place_of_service = '24' WHERE id = %s", signed.pk)
    forged = content_hash(Note.objects.get(pk=signed.pk))
    _sql("UPDATE checklists_note SET content_hash = %s WHERE id = %s", forged, signed.pk)
    assert verify().problems == [
        f"Note {signed.pk}: its hash is not the one its note.sign event recorded."
    ]


def test_a_note_signed_behind_the_apps_back_is_named(clinician, patient):
    draft = make_note(clinician, patient, "64681", complete=True)
    _sql(
        "UPDATE checklists_note SET status = 'signed', signature_format = 'neurolysis-note/2'"
        " WHERE id = %s",
        draft.pk,
    )
    forged = content_hash(Note.objects.get(pk=draft.pk))
    _sql("UPDATE checklists_note SET content_hash = %s WHERE id = %s", forged, draft.pk)
    assert verify().problems == [
        f"Note {draft.pk}: is signed, but no note.sign event records a signing."
    ]


def test_a_rewritten_addendum_is_named(amended):
    note, addendum = amended
    _sql("UPDATE checklists_addendum SET text = 'Rewritten.' WHERE id = %s", addendum.pk)
    assert verify().problems == [
        f"Addendum {addendum.pk} (note {note.pk}): its text is not the one its note.addendum "
        "event recorded."
    ]


def test_a_removed_addendum_is_named(amended):
    note, addendum = amended
    event = AuditEvent.objects.get(action="note.addendum", note=note)
    _sql("DELETE FROM checklists_addendum WHERE id = %s", addendum.pk)
    assert verify().problems == [
        f"Note {note.pk}: is amended, but has no addendum.",
        f"Addendum {addendum.pk} (note {note.pk}): recorded by event {event.pk}, but gone.",
    ]


def test_an_amended_note_set_back_to_signed_is_named(amended):
    note, _ = amended
    _sql("UPDATE checklists_note SET status = 'signed' WHERE id = %s", note.pk)
    assert verify().problems == [f"Note {note.pk}: has an addendum, but is not marked amended."]


def test_a_changed_catalog_snapshot_is_named(signed):
    definitions = dict(signed.definitions, catalog_version="forged")
    import json

    _sql(
        "UPDATE checklists_catalogsnapshot SET definitions = %s WHERE id = %s",
        json.dumps(definitions),
        signed.snapshot_id,
    )
    assert verify().problems == [
        f"Catalog snapshot {signed.snapshot_id}: its definitions do not match its SHA-256."
    ]


def test_the_command_lists_every_problem(signed, amended):
    note, addendum = amended
    _sql("UPDATE checklists_note SET status = 'draft' WHERE id = %s", signed.pk)
    _sql("UPDATE checklists_addendum SET reason = 'Correction' WHERE id = %s", addendum.pk)
    with pytest.raises(CommandError) as failed:
        call_command("verify_audit", stdout=StringIO())
    assert str(failed.value) == (
        "Audit verification failed (2 problems):\n"
        f"- Note {signed.pk}: its note.sign event records a signing, but it is a draft.\n"
        f"- Addendum {addendum.pk} (note {note.pk}): differs from its note.addendum event."
    )
    assert Addendum.objects.count() == 1
