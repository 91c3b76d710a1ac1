"""Audit details in words, on the trail and the note's history."""

from audit.text import describe
from tests.checklists.test_note_pages import edit_post
from tests.notes import make_note

LABELS = {"diagnosis": "Diagnosis", "complications": "Complications"}


def test_an_update_reads_as_changes_by_label():
    detail = {
        "answers": {
            "diagnosis": [None, {"value": "M47.816 Lumbar spondylosis"}],
            "complications": [{"value": ["none"]}, {"value": ["vasovagal", "dizziness"]}],
            "sedation_level": [{"value": "none"}, {"na_reason": "Not given"}],
        },
        "lines": [
            [{"code": "64635", "modifiers": ["RT"], "side": "right", "site": "L4-L5"}],
            [{"code": "64635", "modifiers": ["50"], "side": "bilateral", "site": "L4-L5"}],
        ],
        "place_of_service": ["11", "22"],
        "confirmed": ["diagnosis", "technique"],
    }
    assert describe(detail, LABELS) == [
        ("Diagnosis", "— → “M47.816 Lumbar spondylosis”"),
        ("Complications", "“none” → “vasovagal, dizziness”"),
        ("Sedation level", "“none” → not applicable: “Not given”"),
        ("Code lines", "64635 RT right L4-L5 → 64635 50 bilateral L4-L5"),
        ("Place of service", "11 → 22"),
        ("Copies confirmed", "Diagnosis, technique"),
    ]


def test_other_details_read_as_names_and_values():
    detail = {"codes": ["64681"], "sha256": "ab" * 32, "filters": {"status": "draft"}}
    assert describe(detail, {}) == [
        ("Codes", "64681"),
        ("SHA-256", "ab" * 29 + "a…"),
        ("Filters", "status draft"),
    ]


def test_the_trail_page_shows_no_python_dict_text(manager_client, clinician, patient):
    note = make_note(clinician, patient, "64681")
    from django.test import Client

    doctor = Client()
    doctor.force_login(clinician)
    doctor.post(f"/notes/{note.pk}/edit/", edit_post(note, {"diagnosis": {"value": "C56.9"}}))
    page = manager_client.get("/audit/").content.decode()
    assert "{&#x27;" not in page and "{'" not in page
    assert "Diagnosis</span> — → “C56.9 Malignant neoplasm of unspecified ovary”" in page
    # The note's own history names the element by its label.
    history = doctor.get(f"/notes/{note.pk}/").content.decode()
    assert "</span> — → “C56.9 Malignant neoplasm of unspecified ovary”" in history
    label = next(e["label"] for e in note.definitions["elements"] if e["key"] == "diagnosis")
    assert f"{label}</span> — → “C56.9" in history


def test_the_blocked_signing_page_links_each_missing_field(clinician_client, clinician, patient):
    note = make_note(clinician, patient, "64681")
    page = clinician_client.get(f"/notes/{note.pk}/sign/").content.decode()
    assert (
        f'<li><a class="alert-link" href="/notes/{note.pk}/edit/#el-informed_consent">'
        "Informed consent obtained and signed</a></li>" in page
    )
    assert page.count(f'href="/notes/{note.pk}/edit/#el-') == note.required_missing
