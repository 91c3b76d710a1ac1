"""The note PDF opens with the narrative procedure description, then the structured record."""

import pytest

from checklists import services
from checklists.pdf.render import render_note_pdf
from tests.checklists.test_narrative import FACET, SHP, SHP_TEXT, without
from tests.checklists.test_pdf_note import body_text, page_texts, refetch
from tests.notes import make_note

FACET_LINES = [
    {"code": "64635", "units": 1, "modifiers": ["RT"], "side": "right", "site": "L4-L5"},
    {"code": "64636", "units": 1, "modifiers": ["RT"], "side": "right", "site": "L5-S1"},
]
CHEMODENERVATION_LINES = [
    {"code": "64642", "units": 1, "modifiers": [], "side": "", "site": "Left upper extremity"},
]
BLOCK_LINES = [{"code": "64493", "units": 1, "modifiers": ["LT"], "side": "left", "site": "L4-L5"}]


# The codes heading and the start of its first code line (every code here is 64xxx).
CODES = "Codes 64"


def pdf_body(note) -> str:
    return body_text(page_texts(render_note_pdf(refetch(note))))


def description(body: str) -> str:
    """The text between the description heading and the code lines."""
    start = body.index("Procedure description")
    return body[start : body.index(CODES, start)]


@pytest.mark.django_db
def test_the_description_comes_first_then_the_structured_record(catalog, clinician, patient):
    note = make_note(clinician, patient, "64681", answers=SHP)
    body = pdf_body(note)
    assert body.index("Procedure description") < body.index(CODES)
    assert body.index(CODES) < body.index("Pre-procedure Informed consent")
    expected = " ".join(f"{title}. {text}" for title, text in SHP_TEXT)
    assert description(body) == f"Procedure description {expected} "


@pytest.mark.django_db
def test_missing_answers_leave_whole_sentences(catalog, clinician, patient):
    answers = without(SHP, "neurolytic_volume", "contrast_volume", "follow_up_plan", "indication")
    text = description(pdf_body(make_note(clinician, patient, "64681", answers=answers)))
    assert "Iohexol (Omnipaque) contrast was injected. " in text
    assert "6 % aqueous phenol was injected. " in text
    assert "Follow-up" not in text and "Pelvic cancer pain" not in text
    assert "{" not in text and " ." not in text and ".." not in text


@pytest.mark.django_db
def test_a_facet_rf_note_describes_levels_and_lesions(catalog, clinician, patient):
    note = make_note(clinician, patient, lines=FACET_LINES, answers=FACET)
    text = description(pdf_body(note))
    assert (
        "Conventional (thermal) radiofrequency was performed. Treated: L4-L5 (right), L5-S1 "
        "(right). " in text
    )
    assert "Lesions were made at 85 °C for 90 s, 2 per target. " in text


@pytest.mark.django_db
def test_a_chemodenervation_note_describes_drug_dose_and_waste(catalog, clinician, patient):
    answers = {
        "technique": {"value": "chemodenervation"},
        "toxin_product": {"value": "onabotulinumtoxinA"},
        "toxin_dose_units": {"value": "200"},
        "toxin_waste_modifier": {"value": "JZ"},
    }
    note = make_note(clinician, patient, lines=CHEMODENERVATION_LINES, answers=answers)
    assert description(pdf_body(note)) == (
        "Procedure description Procedure. 200 U of OnabotulinumtoxinA (Botox) was injected. "
        "No drug was discarded (JZ). "
    )


@pytest.mark.django_db
def test_a_diagnostic_block_note_describes_agent_and_relief(catalog, clinician, patient):
    answers = {
        "block_agent": {"value": "lidocaine"},
        "block_volume": {"value": "0.5"},
        "block_relief_percent": {"value": "60"},
    }
    note = make_note(clinician, patient, lines=BLOCK_LINES, answers=answers)
    assert description(pdf_body(note)) == (
        "Procedure description Procedure. The block was done at L4-L5 (left). 0.5 mL of "
        "lidocaine was injected. Outcome. Relief of the index pain after the block: 60 %. "
    )


@pytest.mark.django_db
def test_a_note_without_answers_prints_no_description(catalog, clinician, patient):
    note = make_note(clinician, patient, "64681")
    assert "Procedure description" not in pdf_body(note)


@pytest.mark.django_db
def test_the_record_prints_no_picker_hints_and_no_annotation_units(catalog, clinician, patient):
    answers = SHP | {
        "conservative_care_tried": {"value": ["medication", "other"]},
        "pain_duration_months": {"value": "14"},
    }
    body = pdf_body(make_note(clinician, patient, "64681", answers=answers))
    assert "Conservative care tried before this procedure: Medication; Other" in body
    assert "e.g. NSAIDs" not in body and "describe in the next field" not in body
    assert "Number of needles placed: 2 " in body and "2 needles" not in body
    assert "Duration of the pain being treated: 14 months" in body


@pytest.mark.django_db
def test_the_note_page_shows_the_description(clinician_client, catalog, clinician, patient):
    note = make_note(clinician, patient, "64681", answers=SHP)
    page = clinician_client.get(note.get_absolute_url()).content.decode()
    assert "Procedure description" in page
    assert "12 mL of 6 % aqueous phenol was injected." in page
    services.save_note(refetch(note), version=refetch(note).version, answers={}, actor=clinician)
    assert (
        "Procedure description"
        not in clinician_client.get(note.get_absolute_url()).content.decode()
    )
