"""The database itself refuses to change the signed record (checklists/record_guards.py)."""

import pytest
from django.db import DatabaseError, connection, transaction

from checklists import services
from checklists.canonical import content_hash
from checklists.models import Addendum, CatalogSnapshot, CodeLine, Note
from tests.notes import make_note, sign


@pytest.fixture
def record(catalog, clinician, patient):
    signed = sign(make_note(clinician, patient, "64681", complete=True), clinician)
    amended = sign(make_note(clinician, patient, "64640", complete=True), clinician)
    addendum = services.add_addendum(amended, author=clinician, reason="Late entry", text="x")
    draft = make_note(clinician, patient, "64640")
    return {
        "signed": signed.pk,
        "amended": amended.pk,
        "addendum": addendum.pk,
        "draft": draft.pk,
        "snapshot": signed.snapshot_id,
        "other_snapshot": draft.snapshot_id,
        "user": clinician.pk,
    }


def _state():
    return (
        list(Note.objects.order_by("pk").values_list("pk", "status", "answers", "content_hash")),
        list(CodeLine.objects.order_by("pk").values_list("pk", "note_id", "code", "units")),
        list(Addendum.objects.order_by("pk").values_list("pk", "note_id", "text")),
        list(CatalogSnapshot.objects.order_by("pk").values_list("pk", "sha256", "definitions")),
    )


REFUSED = [
    ("UPDATE checklists_note SET status = 'draft' WHERE id = {signed}", "signed note"),
    ("UPDATE checklists_note SET status = 'signed' WHERE id = {amended}", "signed note"),
    ("UPDATE checklists_note SET answers = '{{}}' WHERE id = {signed}", "signed note"),
    ("UPDATE checklists_note SET content_hash = '' WHERE id = {signed}", "signed note"),
    ("UPDATE checklists_note SET signed_by_id = NULL WHERE id = {signed}", "signed note"),
    ("UPDATE checklists_note SET attestation = 'x' WHERE id = {amended}", "signed note"),
    ("UPDATE checklists_note SET place_of_service = '24' WHERE id = {signed}", "signed note"),
    (
        "UPDATE checklists_note SET snapshot_id = {other_snapshot} WHERE id = {signed}",
        "signed note",
    ),
    ("DELETE FROM checklists_note WHERE id = {signed}", "signed note"),
    ("UPDATE checklists_codeline SET units = 2 WHERE note_id = {signed}", "code lines"),
    ("UPDATE checklists_codeline SET note_id = {signed} WHERE note_id = {draft}", "code lines"),
    ("DELETE FROM checklists_codeline WHERE note_id = {amended}", "code lines"),
    (
        "INSERT INTO checklists_codeline (note_id, position, code, units, modifiers, side, site,"
        " technique) VALUES ({signed}, 9, '64640', 1, '[]', '', '', '')",
        "code lines",
    ),
    ("UPDATE checklists_addendum SET text = 'rewritten' WHERE id = {addendum}", "addendum"),
    ("DELETE FROM checklists_addendum WHERE id = {addendum}", "addendum"),
    (
        "INSERT INTO checklists_addendum (note_id, author_id, created_at, reason, text)"
        " VALUES ({draft}, {user}, '2026-11-02 10:00:00+00:00', 'x', 'x')",
        "addenda are for signed notes",
    ),
    (
        "UPDATE checklists_catalogsnapshot SET definitions = '{{}}' WHERE id = {snapshot}",
        "snapshot",
    ),
    ("DELETE FROM checklists_catalogsnapshot WHERE id = {snapshot}", "snapshot"),
]


@pytest.mark.parametrize(("sql", "message"), REFUSED)
def test_the_database_refuses_to_change_the_signed_record(record, sql, message):
    before = _state()
    with (
        pytest.raises(DatabaseError, match=message),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql.format(**record))
    assert _state() == before


@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_to_empty_the_signed_record(record):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    from audit import triggers as audit_triggers

    # The audit table, emptied along by CASCADE, has its own trigger: lifted here so that
    # this one is what refuses.
    audit_triggers.uninstall(connection)
    try:
        for table in ("checklists_note", "checklists_addendum", "checklists_catalogsnapshot"):
            with (
                pytest.raises(DatabaseError, match="cannot be emptied"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(f"TRUNCATE {table} CASCADE")
    finally:
        audit_triggers.install(connection)
    assert Note.objects.count() == 3


def test_what_an_addendum_and_the_bookkeeping_need_is_allowed(record):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE checklists_note SET status = 'amended' WHERE id = %s", [record["signed"]]
        )
        cursor.execute(
            "UPDATE checklists_note SET completeness = 99, version = version + 1 WHERE id = %s",
            [record["amended"]],
        )
        cursor.execute(
            "UPDATE checklists_codeline SET units = 3 WHERE note_id = %s", [record["draft"]]
        )
    assert dict(Note.objects.values_list("pk", "status")) == {
        record["signed"]: "amended",
        record["amended"]: "amended",
        record["draft"]: "draft",
    }
    signed = Note.objects.get(pk=record["signed"])
    assert content_hash(signed) == signed.content_hash
    assert list(
        CodeLine.objects.filter(note_id=record["draft"]).values_list("units", flat=True)
    ) == [3]
