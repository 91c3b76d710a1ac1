"""Catalog text reaches the page as plain text; dates stay in the note's past; no bidi
control reaches the paper."""

import datetime
from io import StringIO

from django.core.management import call_command

from checklists.element_form import ElementForm
from checklists.field_markup import field_group
from checklists.models import Note
from checklists.pdf.render import render_note_pdf
from procedures.models import DocumentationElement
from tests.notes import make_note, sign
from tests.procedures.test_load_catalog import MINI

from .test_pdf_note import page_texts, refetch

MARKUP = '<a href="https://attacker.example/">Call 555-0100</a> &amp; <form action="/x"><input>'


def test_markup_in_a_catalog_file_is_loaded_as_plain_text(catalog, tmp_path):
    path = tmp_path / "mini.toml"
    path.write_text(
        MINI.read_text().replace(
            'help = "Consent must be documented."', f"help = '{MARKUP}\u202e'"
        )
    )
    call_command("load_catalog", str(path), stdout=StringIO())
    assert DocumentationElement.objects.get(key="consent").help_text == "Call 555-0100 & "


def test_markup_typed_in_the_admin_is_saved_as_plain_text(catalog):
    element = DocumentationElement.objects.get(key="informed_consent")
    element.help_text = MARKUP
    element.label = "<b>Consent</b>"
    element.save()
    element.refresh_from_db()
    assert (element.label, element.help_text) == ("Consent", "Call 555-0100 & ")


def test_markup_frozen_into_a_notes_snapshot_is_shown_escaped(clinician, patient):
    note = make_note(clinician, patient, "64681")
    definitions = note.definitions
    for element in definitions["elements"]:
        if element["key"] == "informed_consent":
            element["help"] = MARKUP
    note = Note(pk=note.pk, patient=patient, definitions=definitions, answers={})
    html = field_group(ElementForm(note=note)["informed_consent"])
    assert "<a href" not in html and "<form" not in html
    assert "&lt;a href=&quot;https://attacker.example/&quot;&gt;Call 555-0100&lt;/a&gt;" in html


def _dated_note(clinician, patient):
    """A note asking one date (as 64633 asks the first medial branch block's)."""
    element = {
        "key": "mbb1_date",
        "label": "First diagnostic medial branch block: date",
        "section": "pre",
        "input_type": "date",
        "help": "Synthetic help.",
    }
    return Note(
        patient=patient,
        date_of_service=datetime.date(2026, 11, 2),
        definitions={"elements": [element], "codes": {}},
        answers={},
    )


def test_element_dates_stay_between_birth_and_the_date_of_service(clinician, patient):
    note = _dated_note(clinician, patient)  # service 11/02/2026, born 01/31/1960
    cases = {
        "2026-11-03": [
            "First diagnostic medial branch block: date: cannot be after the date of "
            "service (11/02/2026)."
        ],
        "1959-12-31": [
            "First diagnostic medial branch block: date: cannot be before the patient's "
            "date of birth (01/31/1960)."
        ],
        "2200-01-01": [
            "First diagnostic medial branch block: date: cannot be after the date of "
            "service (11/02/2026)."
        ],
        "2026-11-02": [],
        "1960-01-31": [],
    }
    found = {}
    for value in cases:
        form = ElementForm({"mbb1_date": value}, note=note)
        form.is_valid()
        found[value] = form.errors.get("mbb1_date", [])
    assert found == cases


def test_dates_before_1900_are_refused_for_a_patient_without_a_known_birth(clinician, patient):
    note = _dated_note(clinician, patient)
    note.patient.date_of_birth = datetime.date(1800, 1, 1)
    form = ElementForm({"mbb1_date": "1800-06-01"}, note=note)
    form.is_valid()
    assert form.errors["mbb1_date"] == [
        "First diagnostic medial branch block: date: check the year (1800)."
    ]


def test_no_right_to_left_override_reaches_the_answers_or_the_paper(clinician, patient):
    note = make_note(clinician, patient, "64681", complete=True)
    form = ElementForm({"indication": "Left \u202eknee\u202c pain"}, note=note)
    form.is_valid()
    assert form.answers(previous=note.answers)["indication"] == {"value": "Left knee pain"}
    # A note written before (the signed answer keeps what was typed; the PDF does not show it).
    answers = dict(note.answers, diagnosis={"value": "Side: \u202eTFEL"})
    Note.objects.filter(pk=note.pk).update(answers=answers)
    signed = sign(Note.objects.get(pk=note.pk), clinician)
    text = " ".join(page_texts(render_note_pdf(refetch(signed))))
    assert "Side: TFEL" in text and "\u202e" not in text
