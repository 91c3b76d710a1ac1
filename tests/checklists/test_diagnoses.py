"""Coded diagnoses: the ICD-10-CM field, its search endpoint, and how a note shows them.

Expected codes and descriptions are written out here from the CMS tabular list (April 2026
release), not computed with the code under test.
"""

import io

from pypdf import PdfReader

from checklists import icd10, services
from checklists.diagnosis_field import DiagnosisCodesField
from checklists.models import Note
from checklists.pdf.render import render_note_pdf
from checklists.presentation import display_value
from tests.checklists.test_note_pages import edit_post
from tests.notes import make_note

SPONDYLOSIS_LUMBAR = {
    "code": "M47.816",
    "description": "Spondylosis without myelopathy or radiculopathy, lumbar region",
}
PLANTAR_LEFT = {"code": "G57.62", "description": "Lesion of plantar nerve, left lower limb"}
DIAGNOSIS_ELEMENT = {"key": "diagnosis", "input_type": "icd10", "label": "Diagnoses"}


def test_the_code_set_is_the_release_the_package_ships():
    assert icd10.code_set() == "ICD-10-CM April 2026"


def test_codes_are_kept_in_the_order_typed_with_their_official_descriptions():
    field = DiagnosisCodesField(required=False)
    assert field.clean("g57.62\nm47816 my own words") == [PLANTAR_LEFT, SPONDYLOSIS_LUMBAR]
    assert field.clean("M47.816, G57.62") == [SPONDYLOSIS_LUMBAR, PLANTAR_LEFT]
    assert field.clean("M47.816; M47.816") == [SPONDYLOSIS_LUMBAR]
    assert field.clean("  ") == []


def test_seven_character_codes_are_billable():
    assert icd10.lookup("s32001a").code == "S32.001A"


def test_a_category_is_refused_naming_its_billable_codes():
    error = _error("M47.81")
    assert error.startswith(
        "M47.81: is a category (Spondylosis without myelopathy or radiculopathy), not a "
        "billable code: pick a more specific one. Nearest billable codes: M47.811 "
    )
    assert "M47.816 Spondylosis without myelopathy or radiculopathy, lumbar region" in error


def test_an_unknown_code_names_the_billable_codes_of_its_nearest_category():
    error = _error("G57.69")
    assert error.startswith("G57.69: is not in ICD-10-CM April 2026. Nearest billable codes: ")
    assert "G57.62 Lesion of plantar nerve, left lower limb" in error


def test_words_that_are_not_a_code_are_refused_without_suggestions():
    assert _error("Lumbar spondylosis") == (
        "Lumbar spondylosis: is not an ICD-10-CM code (a letter, two characters, a dot)."
    )


def _error(text):
    from django import forms

    try:
        DiagnosisCodesField(required=False).clean(text)
    except forms.ValidationError as error:
        assert len(error.messages) == 1
        return error.messages[0]
    raise AssertionError(f"{text!r} was accepted")


def test_the_search_finds_billable_codes_by_code_or_words(clinician_client):
    by_code = clinician_client.get("/icd10/search", {"q": "m47.81"}).json()
    assert by_code["code_set"] == "ICD-10-CM April 2026"
    codes = [r["code"] for r in by_code["results"]]
    assert codes == ["M47.811", "M47.812", "M47.813", "M47.814", "M47.815", "M47.816", "M47.817",
                     "M47.818", "M47.819"]  # fmt: skip
    # "Morton's metatarsalgia" is an inclusion term of G57.6, not a description.
    by_words = clinician_client.get("/icd10/search", {"q": "morton"}).json()
    assert {r["code"] for r in by_words["results"]} == {"G57.60", "G57.61", "G57.62", "G57.63"}
    assert clinician_client.get("/icd10/search", {"q": "m"}).json()["results"] == []


def test_the_search_needs_a_login(client):
    assert client.get("/icd10/search", {"q": "M47"}).status_code == 302


def test_a_bad_code_is_shown_next_to_the_field_and_nothing_typed_is_lost(
    clinician_client, clinician, patient
):
    note = make_note(clinician, patient, "64632")
    typed = "G57.62\nM47.81"
    response = clinician_client.post(
        f"/notes/{note.pk}/edit/", edit_post(note, {"diagnosis": {"value": typed}})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "M47.81: is a category" in html and "Nearest billable codes: M47.811" in html
    assert f">\n{typed}</textarea>" in html
    note.refresh_from_db()
    assert "diagnosis" not in note.answers  # the valid part is not stored half-done


def test_a_coded_note_prints_each_code_with_its_description(catalog, clinician, patient):
    note = make_note(clinician, patient, "64632")
    answers = note.answers | {
        "diagnosis": {"value": [PLANTAR_LEFT, SPONDYLOSIS_LUMBAR], "code_set": "x"}
    }
    note = services.save_note(note, version=note.version, answers=answers, actor=clinician)
    note = Note.objects.select_related("patient", "clinician").get(pk=note.pk)
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(render_note_pdf(note))).pages
    )
    assert (
        "G57.62 Lesion of plantar nerve, left lower limb; M47.816 Spondylosis without "
        "myelopathy or radiculopathy, lumbar region"
    ) in text


def test_free_text_from_before_coding_is_shown_as_not_coded():
    old = {"key": "diagnosis", "input_type": "text", "label": "Diagnosis"}
    assert display_value(old, {"value": "Lumbar facet arthropathy"}) == (
        "Lumbar facet arthropathy (not coded)"
    )
    assert display_value(DIAGNOSIS_ELEMENT, {"value": [SPONDYLOSIS_LUMBAR]}) == (
        "M47.816 Spondylosis without myelopathy or radiculopathy, lumbar region"
    )


def test_the_edit_page_shows_stored_codes_one_per_line(clinician_client, clinician, patient):
    note = make_note(clinician, patient, "64632")
    answers = {"diagnosis": {"value": [PLANTAR_LEFT], "code_set": "ICD-10-CM April 2026"}}
    services.save_note(note, version=note.version, answers=answers, actor=clinician)
    html = clinician_client.get(f"/notes/{note.pk}/edit/").content.decode()
    assert ">\nG57.62 Lesion of plantar nerve, left lower limb</textarea>" in html
    assert 'data-icd10-search="/icd10/search"' in html
