"""Upgrading a database of an earlier release (checklists 0006, review 0003) with notes."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from checklists.canonical import content_hash
from checklists.models import Note
from review import tally_triggers
from review.models import NoteCodeTally
from tests.notes import make_note, sign

from .helpers import make_note_missing, required_keys
from .test_tallies import assert_tallies_match_a_recount


def _migrate(*args):
    call_command("migrate", *args, verbosity=0, stdout=StringIO())


@pytest.fixture
def earlier_release(monkeypatch):
    """Notes signed as the releases before format 2 signed them."""
    from checklists import canonical

    monkeypatch.setattr(canonical, "FORMAT", canonical.FORMAT_1)


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_keeps_every_note_and_counts_the_new_tallies(
    clinician, patient, catalog, earlier_release
):
    probe = sign(make_note(clinician, patient, "64643", complete=True), clinician)
    note = make_note_missing(clinician, patient, "64643", missing=required_keys(probe, 2))
    before = dict(Note.objects.values_list("pk", "answers"))
    statuses = dict(Note.objects.values_list("pk", "element_status"))

    _migrate("review", "0003_tallies")
    _migrate("checklists", "0006_note_covering_indexes")
    assert dict(Note.objects.values_list("pk", "answers")) == before
    # The previous release's triggers are in place (on SQLite, triggers on code lines and
    # gaps that name the notes table, which the upgrade rebuilds).
    tally_triggers.install(connection)

    _migrate()
    assert dict(Note.objects.values_list("pk", "answers")) == before
    assert dict(Note.objects.values_list("pk", "element_status")) == statuses
    assert tally_triggers.expected(connection) <= tally_triggers.installed(connection)
    assert (
        sum(
            NoteCodeTally.objects.filter(months=1)
            .filter(code="64643")
            .values_list("note_count", flat=True)
        )
        == 2
    )
    assert_tallies_match_a_recount()
    assert Note.objects.get(pk=note.pk).required_missing == 2
    # One stored snapshot for both notes; the signed note's hash still verifies.
    assert Note.objects.get(pk=probe.pk).snapshot_id == Note.objects.get(pk=note.pk).snapshot_id
    assert content_hash(Note.objects.get(pk=probe.pk)) == probe.content_hash
    assert Note.objects.get(pk=probe.pk).signature_format == "neurolysis-note/1"
    with connection.cursor() as cursor:
        indexes = {
            table: set(connection.introspection.get_constraints(cursor, table))
            for table in ("checklists_codeline", "checklists_notegap")
        }
    assert {"codeline_code_note", "codeline_note_code"} <= indexes["checklists_codeline"]
    assert "notegap_note_element" in indexes["checklists_notegap"]
    if connection.vendor == "sqlite":
        # The rebuilt notes table has statistics again for SQLite's planner.
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'checklists_note'")
            assert cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_the_audit_and_practice_apps_take_over_the_tables_and_permissions(
    practice, clinician, manager, patient, catalog, earlier_release
):
    """A database of the release before the split (checklists 0010) keeps its practice,
    patients and audit trail, and its roles keep their permission rows."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from audit.models import AuditEvent
    from practice.models import Patient, Practice

    note = sign(make_note(clinician, patient, "64681", complete=True), clinician)
    events = list(AuditEvent.objects.order_by("pk").values_list("pk", "action", "hmac"))

    _migrate("practice", "zero")
    _migrate("audit", "zero")
    # The release before the split had no content types for the new apps.
    ContentType.objects.filter(app_label__in=["audit", "practice"]).delete()
    old = {
        codename: Permission.objects.get(content_type__app_label="checklists", codename=codename)
        for codename in ("view_patient", "view_auditevent", "change_practice")
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM checklists_auditevent")
        assert cursor.fetchone()[0] == len(events)

    _migrate()
    assert list(AuditEvent.objects.order_by("pk").values_list("pk", "action", "hmac")) == events
    assert list(Practice.objects.values_list("name", flat=True)) == [practice.name]
    assert list(Patient.objects.values_list("mrn", flat=True)) == ["TEST-0001"]
    assert Note.objects.get(pk=note.pk).patient.mrn == "TEST-0001"
    moved = {
        codename: Permission.objects.get(content_type__app_label=app, codename=codename).pk
        for app, codename in (
            ("practice", "view_patient"),
            ("audit", "view_auditevent"),
            ("practice", "change_practice"),
        )
    }
    assert moved == {codename: permission.pk for codename, permission in old.items()}
    assert not ContentType.objects.filter(app_label="checklists", model="patient").exists()
    manager = type(manager).objects.get(pk=manager.pk)
    assert manager.has_perm("audit.view_auditevent") and manager.has_perm("practice.view_patient")
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert f"{len(events)} events verified" in out.getvalue()
