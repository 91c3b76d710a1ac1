"""The audit trail: every event recorded, nothing changeable, tampering detected."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit import triggers as audit_triggers
from audit.models import AuditEvent, AuditLogIsAppendOnly
from checklists.models import Note
from tests.conftest import PASSWORD
from tests.notes import make_note, sign

BASELINE = 0


@pytest.fixture(autouse=True)
def _baseline(db):
    """Events recorded before the test (the test database's catalog load) are not ours."""
    global BASELINE
    BASELINE = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def actions(**filters):
    events = AuditEvent.objects.filter(pk__gt=BASELINE, **filters).order_by("pk")
    return list(events.values_list("action", flat=True))


def test_sign_in_sign_out_and_failed_sign_in_are_audited(client, clinician):
    client.post("/login/", {"username": "alice", "password": "wrong-password"})
    client.post("/login/", {"username": "alice", "password": PASSWORD})
    client.post("/logout/")
    assert actions() == ["auth.login_failed", "auth.login", "auth.logout"]
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.username == "alice" and failed.actor is None
    assert failed.ip_address == "127.0.0.1"
    assert "wrong-password" not in str(failed.detail)


def test_the_life_of_a_note_is_audited(clinician_client, clinician, patient):
    note = make_note(clinician, patient, "64681", complete=True)
    clinician_client.get(f"/notes/{note.pk}/")
    note = sign(note, clinician)
    clinician_client.post(
        f"/notes/{note.pk}/addenda/new/", {"reason": "Late entry", "text": "Synthetic late entry."}
    )
    assert actions(note=note) == [
        "note.create",
        "note.update",
        "note.view",
        "note.sign",
        "note.addendum",  # its status change to amended is its own, not a bulk update
    ]
    update = AuditEvent.objects.get(note=note, action="note.update")
    assert update.detail["answers"]["informed_consent"] == [None, {"value": "yes"}]


def test_writes_that_bypass_save_are_still_audited(clinician, patient):
    note = make_note(clinician, patient, "64681")
    Note.objects.filter(pk=note.pk).update(place_of_service="11")
    event = AuditEvent.objects.filter(action="note.bulk_update").latest("pk")
    assert event.detail["values"] == {"place_of_service": "11"}
    assert str(note.pk) in event.object_id


def test_catalog_loads_are_audited(catalog, tmp_path):
    from tests.procedures.test_load_catalog import MINI

    call_command("load_catalog", str(MINI), stdout=StringIO())
    event = AuditEvent.objects.filter(action="catalog.load").latest("pk")
    assert event.object_id == "test-1" and event.detail["deactivated"] > 0


def test_audit_events_cannot_be_changed_through_the_app(clinician):
    event = AuditEvent.objects.record("test.event", actor=clinician)
    event.action = "changed"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE checklists_auditevent SET action = 'changed'",
        "DELETE FROM checklists_auditevent",
    ],
)
def test_the_database_itself_refuses_to_change_audit_events(clinician, sql):
    AuditEvent.objects.record("test.event", actor=clinician)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.filter(action="test.event").exists()


def test_the_admin_offers_no_change_or_delete(admin_client, clinician):
    event = AuditEvent.objects.record("test.event", actor=clinician)
    assert (
        admin_client.post(
            f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        admin_client.post(
            f"/admin/audit/auditevent/{event.pk}/change/", {"action": "x"}
        ).status_code
        == 403
    )
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def test_verify_audit_passes_on_an_intact_chain(clinician):
    before = AuditEvent.objects.count()
    for n in range(5):
        AuditEvent.objects.record("test.event", actor=clinician, n=n)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue() == (
        f"Audit chain intact: {before + 5} events verified; "
        "the signed record matches its hashes and events.\n"
    )


@pytest.mark.parametrize(
    ("tamper", "why"),
    [
        ("UPDATE checklists_auditevent SET action = 'note.view' WHERE id = {id}", "altered"),
        ("DELETE FROM checklists_auditevent WHERE id = {id}", "removed or reordered"),
    ],
)
def test_verify_audit_reports_the_first_broken_link(clinician, tamper, why):
    events = [AuditEvent.objects.record("test.event", actor=clinician, n=n) for n in range(5)]
    audit_triggers.uninstall(connection)  # a console user with DDL rights, say
    try:
        with connection.cursor() as cursor:
            cursor.execute(tamper.format(id=events[2].pk))
    finally:
        audit_triggers.install(connection)
    broken_at = events[2] if "UPDATE" in tamper else events[3]
    with pytest.raises(CommandError, match=f"broken at event {broken_at.pk} .*{why}"):
        call_command("verify_audit", stdout=StringIO())


def test_each_note_page_shows_its_own_history(clinician_client, clinician, patient):
    note = make_note(clinician, patient, "64681", complete=True)
    page = clinician_client.get(f"/notes/{note.pk}/").text
    assert "History" in page and "note.create" in page and "note.update" in page


def test_managers_filter_the_audit_trail_by_note_and_user(manager_client, clinician, patient):
    first = make_note(clinician, patient, "64681")
    second = make_note(clinician, patient, "64640")
    page = manager_client.get("/audit/", {"note": first.pk}).text
    assert f'href="/notes/{first.pk}/"' in page and f'href="/notes/{second.pk}/"' not in page
    page = manager_client.get("/audit/", {"user": "alice", "action": "note.create"}).text
    assert page.count("<code>note.create</code>") == 2
    page = manager_client.get("/audit/", {"note": "abc"}).text
    assert "A note number is digits only." in page


def test_clinicians_do_not_read_the_audit_trail(clinician_client):
    assert clinician_client.get("/audit/").status_code == 403
