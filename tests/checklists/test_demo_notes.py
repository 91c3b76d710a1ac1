"""The demo notes read like a pain practice's: varied, plausible, some unfinished, a few off."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command

from checklists.diagnoses import coded_diagnoses
from checklists.models import Note
from checklists.plausibility import check
from checklists.presentation import display_value

pytestmark = pytest.mark.django_db
ICD10CM = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")


@pytest.fixture
def notes(catalog):
    call_command("seed_demo", "--notes", "60", stdout=StringIO())
    return list(Note.objects.prefetch_related("lines"))


def test_no_placeholder_text_and_no_absurd_numbers(notes):
    for note in notes:
        text = json.dumps(note.answers)
        assert "Synthetic" not in text and "see the procedure record" not in text
        months = (note.answers.get("pain_duration_months") or {}).get("value")
        assert months is None or 3 <= int(months) <= 60


def test_pain_scores_vary_and_never_rise(notes):
    pairs = [
        (note.answers["pain_score_pre"]["value"], note.answers["pain_score_post"]["value"])
        for note in notes
        if "pain_score_pre" in note.answers and "pain_score_post" in note.answers
    ]
    assert len(set(pairs)) >= 10
    assert all(after <= before for before, after in pairs)


def test_diagnoses_are_coded_icd10cm(notes):
    coded = [coded_diagnoses(note.answers) for note in notes if "diagnosis" in note.answers]
    assert coded and all(coded)
    assert all(ICD10CM.match(d.code) and d.description for codes in coded for d in codes)


def test_some_notes_are_unfinished_and_a_few_look_wrong(notes):
    incomplete = [note for note in notes if note.required_missing]
    assert 0.1 * len(notes) <= len(incomplete) <= 0.5 * len(notes)
    assert any(note.status == "signed" for note in notes)
    assert any(check(note.definitions, note.answers) for note in notes)


def test_notes_are_generated_only_once_with_if_no_notes(catalog):
    call_command("seed_demo", "--notes", "5", "--if-no-notes", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", "--notes", "5", "--if-no-notes", stdout=out)
    assert "Notes exist already: no demo notes added." in out.getvalue()
    assert Note.objects.count() == 5


def test_a_coded_diagnosis_reads_as_codes_and_words():
    element = {"key": "diagnosis", "input_type": "text"}
    answer = {"value": [{"code": "M47.816", "description": "Spondylosis, lumbar region"}]}
    assert display_value(element, answer) == "M47.816 Spondylosis, lumbar region"
