"""The canonical JSON a signature covers, byte for byte (pure: the note as plain objects).

The golden file is the format: if a test here fails after a deliberate format change,
the change needs a new format name and a new golden file beside this one, and the old
notes must keep verifying (docs/canonical-json.md).
"""

import datetime
import hashlib
import json

import pytest

from checklists.canonical import (
    FORMAT,
    FORMAT_1,
    FORMAT_2,
    canonical_bytes,
    content_hash,
    encode,
    note_document,
    note_format,
)
from tests.checklists import golden_note


class User:
    def __init__(self, username, full_name):
        self.username, self.full_name = username, full_name

    def get_username(self):
        return self.username

    def get_full_name(self):
        return self.full_name


class Patient:
    mrn = "TEST-0001"
    full_name = "Zed Testpatient"
    date_of_birth = datetime.date(1960, 1, 31)


class Line:
    def __init__(self, code, units, modifiers, side, site, technique=""):
        self.code, self.units, self.modifiers, self.side, self.site = (
            code,
            units,
            modifiers,
            side,
            site,
        )
        self.technique = technique


class Lines:
    def __init__(self, lines):
        self._lines = [Line(**line) for line in lines]

    def all(self):
        return self._lines


class Note:
    """What canonical.py reads of a note, nothing more."""

    def __init__(self, *, signed=True, **changes):
        alice = User("alice", "Alice Testdoc MD")
        self.pk = golden_note.GOLDEN_ID
        self.signature_format = FORMAT_1
        self.definitions = golden_note.definitions()
        self.answers = golden_note.ANSWERS
        self.catalog_version = golden_note.CATALOG_VERSION
        self.patient = Patient()
        self.clinician = alice
        self.date_of_service = golden_note.DATE_OF_SERVICE
        self.place_of_service = golden_note.PLACE_OF_SERVICE
        self.lines = Lines(golden_note.LINES)
        self.signed_by = alice if signed else None
        self.signed_at = golden_note.SIGNED_AT if signed else None
        self.attestation = golden_note.ATTESTATION if signed else ""
        for name, value in changes.items():
            setattr(self, name, value)


def test_the_signed_bytes_are_the_golden_file():
    assert canonical_bytes(Note()) == golden_note.FORMAT_1.read_bytes()


def test_the_signature_hash_is_the_golden_sha256():
    golden_hash = golden_note.FORMAT_1_SHA256.read_text().split()[0]
    # The two golden files agree with each other...
    assert hashlib.sha256(golden_note.FORMAT_1.read_bytes()).hexdigest() == golden_hash
    # ...and with what signing stores.
    assert content_hash(Note()) == golden_hash
    assert golden_hash == "ab460da1f08324749afb99a34bb4c7705e56df5a879f6528bc96d8a2588e53ec"


def test_the_golden_file_reads_as_documented():
    # What a reader of docs/canonical-json.md checks by eye, spelt out.
    golden = golden_note.FORMAT_1.read_text(encoding="utf-8")
    assert golden.startswith('{"catalog_version":"2026.1-golden","clinician":{"name":')
    assert '"format":"neurolysis-note/1"' in golden and FORMAT_1 == "neurolysis-note/1"
    assert '"signed_at":"2026-11-02T15:04:05+00:00"' in golden
    assert '"value":"None; patient \\"comfortable\\", no ödema"' in golden
    assert "\n" not in golden and ": " not in golden


def test_the_document_lists_only_documented_elements_that_apply_in_catalog_order():
    assert note_document(Note())["elements"] == [
        {
            "key": "informed_consent",
            "label": "Informed consent",
            "section": "pre",
            "value": "yes",
        },
        {"key": "technique", "label": "Technique", "section": "procedure", "value": "chemical"},
        {
            "key": "agent_volume",
            "label": "Volume injected",
            "section": "procedure",
            "value": "8",
            "unit": "mL",
        },
        {
            "key": "contrast_volume",
            "label": "Contrast volume",
            "section": "procedure",
            "not_applicable_reason": "Iodinated contrast allergy",
        },
        {
            "key": "guidance",
            "label": "Guidance used",
            "section": "procedure",
            "value": ["fluoroscopy", "ultrasound"],
        },
        {
            "key": "complications",
            "label": "Complications",
            "section": "post",
            "value": 'None; patient "comfortable", no ödema',
        },
        {"key": "pain_after", "label": "Pain after (0-10)", "section": "post", "value": 2},
    ]


def test_switching_technique_swaps_the_elements_that_are_signed():
    answers = golden_note.ANSWERS | {"technique": {"value": "thermal_rf"}}
    keys = [e["key"] for e in note_document(Note(answers=answers))["elements"]]
    assert keys == [
        "informed_consent",
        "technique",
        "rf_temperature",
        "contrast_volume",
        "guidance",
        "complications",
        "pain_after",
    ]
    rf = note_document(Note(answers=answers))["elements"][2]
    assert rf == {
        "key": "rf_temperature",
        "label": "Lesion temperature",
        "section": "procedure",
        "value": "85",
        "unit": "°C",
    }


def test_a_draft_has_an_empty_signature():
    draft = Note(signed=False)
    assert note_document(draft)["signature"] == {
        "signed_by": None,
        "signed_at": None,
        "attestation": None,
    }
    assert canonical_bytes(draft).endswith(
        b'"signature":{"attestation":null,"signed_at":null,"signed_by":null}}'
    )


def test_a_note_without_answers_or_elements_signs_no_elements():
    assert note_document(Note(answers=None))["elements"] == []
    assert note_document(Note(definitions={}))["elements"] == []


def test_a_signing_time_in_any_zone_is_written_in_utc():
    utc = datetime.datetime(2026, 11, 2, 15, 4, 5, tzinfo=datetime.UTC)
    tokyo = utc.astimezone(datetime.timezone(datetime.timedelta(hours=9)))
    assert note_document(Note(signed_at=tokyo))["signature"]["signed_at"] == (
        "2026-11-02T15:04:05+00:00"
    )


def test_encoding_sorts_keys_at_every_level_without_white_space_and_keeps_utf_8():
    document = {"b": 'é "q" \\', "a": [2, {"d": None, "c": True}], "B": 1.5}
    assert (
        encode(document) == '{"B":1.5,"a":[2,{"c":true,"d":null}],"b":"é \\"q\\" \\\\"}'.encode()
    )


def _format_2_note(**changes):
    return Note(signature_format=FORMAT_2, lines=Lines(golden_note.LINES_FORMAT_2), **changes)


def test_format_2_signed_bytes_are_its_golden_file():
    assert canonical_bytes(_format_2_note()) == golden_note.FORMAT_2.read_bytes()


def test_format_2_signature_hash_is_its_golden_sha256():
    golden_hash = golden_note.FORMAT_2_SHA256.read_text().split()[0]
    assert hashlib.sha256(golden_note.FORMAT_2.read_bytes()).hexdigest() == golden_hash
    assert content_hash(_format_2_note()) == golden_hash
    assert golden_hash == "02e1a77f482d6f2f6666408016b9800dd3303e78138ec468496fe091a34c239c"


def test_format_2_golden_file_reads_as_documented():
    # RFC 8785: keys sorted, no white space, UTF-8 kept, each line with its technique.
    golden = golden_note.FORMAT_2.read_text(encoding="utf-8")
    assert golden.startswith('{"catalog_version":"2026.1-golden","clinician":{"name":')
    assert '"format":"neurolysis-note/2"' in golden and FORMAT_2 == "neurolysis-note/2"
    assert (
        '"lines":[{"code":"64632","modifiers":["LT"],"side":"left","site":"web space 3",'
        '"technique":"chemical","units":1},{"code":"64681","modifiers":[],"side":"",'
        '"site":"","technique":"chemical","units":2}]'
    ) in golden
    assert '"not_applicable_reason":"Iodinated contrast allergy"' in golden
    assert '"signed_at":"2026-11-02T15:04:05+00:00"' in golden
    assert '"value":"None; patient \\"comfortable\\", no ödema"' in golden
    assert "\n" not in golden and ": " not in golden


def test_format_2_differs_from_format_1_only_in_its_name_and_the_line_techniques():
    one = json.loads(golden_note.FORMAT_1.read_bytes())
    two = json.loads(golden_note.FORMAT_2.read_bytes())
    assert [line.pop("technique") for line in two["lines"]] == ["chemical", "chemical"]
    assert {key for key in one if one[key] != two[key]} == {"format", "lines"}
    assert two["format"] == "neurolysis-note/2"


def test_format_1_lines_carry_no_technique_even_when_the_line_has_one():
    note = Note(lines=Lines(golden_note.LINES_FORMAT_2))
    assert note_document(note)["lines"][1] == {
        "code": "64681",
        "units": 2,
        "modifiers": [],
        "side": "",
        "site": "",
    }


def test_signing_writes_format_2_and_a_note_keeps_the_format_it_was_signed_in():
    assert FORMAT == FORMAT_2
    assert note_format(Note(signature_format="")) == FORMAT_2
    assert note_format(Note(signature_format=FORMAT_1)) == FORMAT_1
    assert note_document(Note(signature_format=""))["format"] == FORMAT_2
    assert note_document(Note(), FORMAT_2)["format"] == FORMAT_2


def test_an_unknown_format_is_refused_by_name():
    with pytest.raises(ValueError, match="^unknown canonical format 'neurolysis-note/3'$"):
        note_document(Note(), "neurolysis-note/3")


def test_a_note_object_without_a_signature_format_is_a_draft_in_todays_format():
    draft = Note()
    del draft.signature_format
    assert note_format(draft) == FORMAT_2
    assert note_document(draft)["format"] == FORMAT_2


def test_each_format_orders_keys_its_own_way_where_rfc_8785_differs_from_python():
    # RFC 8785 orders keys by UTF-16 code units (U+1F600 is D83D DE00, before U+E000);
    # format 1 by code points, as Python's json does.
    keys = {"\ue000": 1, "\U0001f600": 2}
    assert encode({"format": FORMAT_1, **keys}) == (
        '{"format":"neurolysis-note/1","\ue000":1,"\U0001f600":2}'.encode()
    )
    assert encode({"format": FORMAT_2, **keys}) == (
        '{"format":"neurolysis-note/2","\U0001f600":2,"\ue000":1}'.encode()
    )
    assert encode(keys) == '{"\U0001f600":2,"\ue000":1}'.encode()
