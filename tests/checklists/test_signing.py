"""Signing, the signed note's immutability, and addenda."""

import hashlib

import pytest

from audit.models import AuditEvent
from checklists.canonical import canonical_bytes
from checklists.models import Addendum, Note, SignedNoteError
from tests.checklists.golden_note import expected_bytes, make_golden_note
from tests.conftest import PASSWORD
from tests.notes import make_note, sign
from tests.tampering import guards_dropped


def test_signing_is_refused_while_required_elements_are_missing(
    clinician_client, clinician, patient
):
    note = make_note(clinician, patient, "64681", answers={"informed_consent": {"value": "yes"}})
    page = clinician_client.get(f"/notes/{note.pk}/sign/").text
    assert "This note cannot be signed yet" in page
    assert "Required elements missing:" in page and "Disposition" in page
    response = clinician_client.post(
        f"/notes/{note.pk}/sign/", {"password": PASSWORD, "version": note.version}
    )
    assert response.status_code == 422
    note.refresh_from_db()
    assert note.status == "draft" and not note.content_hash


def test_signing_is_refused_while_a_coding_check_fails(clinician_client, clinician, patient):
    lines = [
        {"code": "64640", "units": 2, "modifiers": ["LT"], "side": "left", "site": "one nerve"}
    ]
    note = make_note(clinician, patient, "64640", lines=lines, complete=True)
    assert note.required_missing == 0
    response = clinician_client.post(
        f"/notes/{note.pk}/sign/", {"password": PASSWORD, "version": note.version}
    )
    assert response.status_code == 422
    assert "64640 is billed per nerve: 2 units but 1 named (one nerve)." in response.text
    assert Note.objects.get(pk=note.pk).status == "draft"


def test_signing_is_refused_while_the_side_treated_is_not_the_side_billed(
    clinician_client, clinician, patient
):
    # 64640 billed on the left (LT), the body says the right side was treated.
    note = make_note(
        clinician, patient, "64640", complete=True, answers={"procedure_side": {"value": "right"}}
    )
    assert note.required_missing == 0
    expected = "Side treated says right, but the code lines say left."
    assert expected in clinician_client.get(f"/notes/{note.pk}/edit/").text
    response = clinician_client.post(
        f"/notes/{note.pk}/sign/", {"password": PASSWORD, "version": note.version}
    )
    assert response.status_code == 422
    assert expected in response.text
    assert Note.objects.get(pk=note.pk).status == "draft"


def test_a_complete_note_is_signed_with_the_password(
    clinician_client, clinician, patient, monkeypatch
):
    note = make_golden_note(clinician, patient, monkeypatch, sign=False)
    response = clinician_client.post(
        f"/notes/{note.pk}/sign/", {"password": "wrong-password", "version": note.version}
    )
    assert "That password is not right. The note is not signed." in response.text
    assert Note.objects.get(pk=note.pk).status == "draft"

    response = clinician_client.post(
        f"/notes/{note.pk}/sign/", {"password": PASSWORD, "version": note.version}
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.status == "signed"
    assert note.signed_by == clinician and note.signed_at is not None
    assert note.attestation.startswith("I personally performed")
    # What was signed is the golden note, byte for byte (tests/checklists/golden/).
    assert canonical_bytes(note) == expected_bytes(note.pk)
    assert note.content_hash == hashlib.sha256(expected_bytes(note.pk)).hexdigest()
    assert AuditEvent.objects.filter(action="note.sign", note=note).exists()

    page = clinician_client.get(f"/notes/{note.pk}/").text
    assert "Electronically signed by Alice Testdoc MD" in page
    assert note.content_hash in page and "verified" in page


def test_only_the_performing_clinician_signs(client, clinician, other_clinician, patient):
    note = make_note(clinician, patient, "64681", complete=True)
    client.force_login(other_clinician)
    response = client.post(
        f"/notes/{note.pk}/sign/", {"password": PASSWORD, "version": note.version}
    )
    assert response.status_code == 403
    assert Note.objects.get(pk=note.pk).status == "draft"


def test_a_signed_note_refuses_every_edit(clinician_client, clinician, patient):
    note = sign(make_note(clinician, patient, "64681", complete=True), clinician)
    before = (note.answers, note.version, note.content_hash)

    response = clinician_client.get(f"/notes/{note.pk}/edit/")
    assert response.status_code == 302 and response["Location"] == f"/notes/{note.pk}/"
    response = clinician_client.post(
        f"/notes/{note.pk}/edit/", {"version": note.version, "diagnosis": "changed"}, follow=True
    )
    assert "This note is signed and cannot change. Add an addendum instead." in response.text
    response = clinician_client.post(f"/notes/{note.pk}/autosave/", {"version": note.version})
    assert response.status_code == 403

    note.refresh_from_db()
    assert (note.answers, note.version, note.content_hash) == before
    note.answers = {}
    with pytest.raises(SignedNoteError):
        note.save()


def test_the_admin_cannot_change_a_signed_note(admin_client, clinician, patient):
    note = sign(make_note(clinician, patient, "64681", complete=True), clinician)
    response = admin_client.post(
        f"/admin/checklists/note/{note.pk}/change/", {"place_of_service": "11"}
    )
    assert response.status_code == 403
    assert Note.objects.get(pk=note.pk).place_of_service == "22"


def test_the_admin_offers_no_way_to_write_an_addendum(admin_client, clinician, patient):
    # An addendum goes through the note's page, which audits it and stores the next PDF.
    note = sign(make_note(clinician, patient, "64681", complete=True), clinician)
    assert admin_client.get("/admin/checklists/addendum/add/").status_code == 403
    response = admin_client.post(
        "/admin/checklists/addendum/add/",
        {"note": note.pk, "author": clinician.pk, "reason": "Correction", "text": "x"},
    )
    assert response.status_code == 403
    assert not Addendum.objects.filter(note=note).exists()
    assert "Add addendum" not in admin_client.get("/admin/checklists/addendum/").text


def test_an_addendum_is_appended_and_shown_with_the_note(
    clinician_client, clinician, patient, monkeypatch
):
    note = make_golden_note(clinician, patient, monkeypatch)
    signed_hash = note.content_hash
    response = clinician_client.post(
        f"/notes/{note.pk}/addenda/new/",
        {"reason": "Correction", "text": "Synthetic correction: volume was 7 mL per side."},
    )
    assert response.status_code == 302
    addendum = Addendum.objects.get(note=note)
    assert addendum.author == clinician and addendum.reason == "Correction"
    note.refresh_from_db()
    assert note.status == "amended"
    # The addendum is not part of the signed content: the bytes and the hash stay.
    assert note.content_hash == signed_hash
    assert canonical_bytes(note) == expected_bytes(note.pk)
    page = clinician_client.get(f"/notes/{note.pk}/").text
    assert "Synthetic correction: volume was 7 mL per side." in page
    assert "Addenda" in page


def test_an_addendum_needs_a_reason_and_text(clinician_client, clinician, patient):
    note = sign(make_note(clinician, patient, "64681", complete=True), clinician)
    response = clinician_client.post(
        f"/notes/{note.pk}/addenda/new/", {"reason": "", "text": "kept text"}
    )
    assert response.status_code == 200
    assert "This field is required." in response.text and "kept text" in response.text
    assert not Addendum.objects.exists()


def test_a_draft_gets_no_addendum(clinician_client, clinician, patient):
    note = make_note(clinician, patient, "64681")
    response = clinician_client.post(
        f"/notes/{note.pk}/addenda/new/", {"reason": "Correction", "text": "x"}
    )
    assert response.status_code == 302
    assert not Addendum.objects.exists()


def test_a_tampered_signed_note_is_shown_loudly(clinician_client, clinician, patient):
    note = sign(make_note(clinician, patient, "64681", complete=True), clinician)
    answers = dict(note.answers)
    answers["diagnosis"] = {"value": "tampered"}
    with guards_dropped():
        Note.objects.filter(pk=note.pk).update(answers=answers)
    page = clinician_client.get(f"/notes/{note.pk}/").text
    assert "Integrity check failed." in page


def test_the_hash_does_not_depend_on_the_time_zone_a_signing_time_was_written_in(
    clinician, patient, monkeypatch
):
    import datetime
    import zoneinfo

    note = make_golden_note(clinician, patient, monkeypatch)
    stored = Note.objects.get(pk=note.pk)
    stored.signed_at = stored.signed_at.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert stored.signed_at.tzinfo != datetime.UTC
    assert canonical_bytes(stored) == expected_bytes(note.pk)
    assert note.content_hash == hashlib.sha256(expected_bytes(note.pk)).hexdigest()


def test_a_password_with_spaces_at_its_ends_signs_as_typed(client, clinician, patient):
    from checklists.forms import SignForm

    clinician.set_password("  spaced passphrase  ")
    clinician.save()
    client.force_login(clinician)
    note = make_note(clinician, patient, "64681", complete=True)
    stripped = client.post(
        f"/notes/{note.pk}/sign/", {"password": "spaced passphrase", "version": note.version}
    )
    assert "That password is not right. The note is not signed." in stripped.text
    response = client.post(
        f"/notes/{note.pk}/sign/", {"password": "  spaced passphrase  ", "version": note.version}
    )
    assert response.status_code == 302
    assert Note.objects.get(pk=note.pk).status == "signed"
    # The value stays out of error reports.
    assert SignForm.clean_password.sensitive_variables == ("password",)


def test_a_malformed_autosave_body_gets_400_in_json(clinician_client, clinician, patient):
    note = make_note(clinician, patient, "64681")
    for body, content_type in (
        ('{"answers": ', "application/json"),
        ("version=abc", "application/x-www-form-urlencoded"),
    ):
        response = clinician_client.post(
            f"/notes/{note.pk}/autosave/", body, content_type=content_type
        )
        assert response.status_code == 400
        assert response.json() == {
            "error": "bad_request",
            "message": "The autosave did not carry the note's form; nothing was saved. "
            "Reload the page.",
        }
    assert Note.objects.get(pk=note.pk).version == note.version


def test_a_note_signed_today_hashes_its_rfc_8785_bytes(clinician, patient):
    import json

    import rfc8785

    from checklists.models import CodeLine

    draft = make_note(clinician, patient, "64681", complete=True)
    CodeLine.objects.filter(note=draft).update(technique="chemical")
    note = sign(draft, clinician)
    data = canonical_bytes(Note.objects.get(pk=note.pk))
    document = json.loads(data)
    assert note.signature_format == document["format"] == "neurolysis-note/2"
    assert rfc8785.dumps(document) == data
    assert hashlib.sha256(data).hexdigest() == note.content_hash
    assert document["lines"] == [
        {
            "code": "64681",
            "units": 1,
            "modifiers": [],
            "side": "",
            "site": "",
            "technique": "chemical",
        }
    ]
    assert AuditEvent.objects.get(action="note.sign", note=note).detail == {
        "sha256": note.content_hash,
        "format": "neurolysis-note/2",
        "coding_warnings_signed": [],
    }


def test_a_note_signed_in_format_1_keeps_verifying(clinician, patient, monkeypatch):
    import json

    from checklists import canonical

    monkeypatch.setattr(canonical, "FORMAT", canonical.FORMAT_1)
    note = sign(make_note(clinician, patient, "64681", complete=True), clinician)
    monkeypatch.undo()
    stored = Note.objects.get(pk=note.pk)
    data = canonical_bytes(stored)
    assert stored.signature_format == "neurolysis-note/1"
    assert data == json.dumps(
        json.loads(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    assert "technique" not in json.loads(data)["lines"][0]
    assert hashlib.sha256(data).hexdigest() == stored.content_hash


def test_the_two_formats_encode_differently_where_rfc_8785_says_so():
    from checklists.canonical import FORMAT_1, FORMAT_2, encode

    # RFC 8785 orders keys by UTF-16 code units: U+1F600 (D83D DE00) before U+E000.
    keys = {"\ue000": 1, "\U0001f600": 2}
    assert encode({"format": FORMAT_1, **keys}) == (
        '{"format":"neurolysis-note/1","\ue000":1,"\U0001f600":2}'.encode()
    )
    assert encode({"format": FORMAT_2, **keys}) == (
        '{"format":"neurolysis-note/2","\U0001f600":2,"\ue000":1}'.encode()
    )
