"""The per-code note form: built from the catalog, typed, conditional."""

import pytest
from django import forms

from checklists.diagnosis_field import DiagnosisCodesField
from checklists.element_form import ElementForm
from checklists.models import CatalogSnapshot
from procedures.models import CodeElement
from tests.notes import make_note

EXPECTED_FIELD = {
    "text": forms.CharField,
    "long_text": forms.CharField,
    "choice": forms.ChoiceField,
    "multi_choice": forms.MultipleChoiceField,
    "yes_no": forms.ChoiceField,
    "number": forms.DecimalField,
    "percent": forms.DecimalField,
    "pain_score": forms.TypedChoiceField,
    "date": forms.DateField,
    "datetime": forms.DateTimeField,
    "icd10": DiagnosisCodesField,
}


@pytest.mark.parametrize("kind", ["64681", "64640", "64643", "64632"])
def test_the_form_of_each_starting_code_has_exactly_the_catalog_elements(clinician, patient, kind):
    note = make_note(clinician, patient, kind)
    codes = [line.code for line in note.lines.all()]
    links = CodeElement.objects.filter(code__code__in=codes).select_related("element")
    expected = {link.element.key: link.element.input_type for link in links}

    form = ElementForm(note=note)
    element_fields = {name for name in form.fields if not name.endswith("__na")}
    assert element_fields == set(expected)
    for key, input_type in expected.items():
        assert isinstance(form.fields[key], EXPECTED_FIELD[input_type]), key
    na_fields = {name.removesuffix("__na") for name in form.fields if name.endswith("__na")}
    assert na_fields == {link.element.key for link in links if link.element.allow_na}


def test_shared_elements_are_asked_once_with_the_strictest_requirement(clinician, patient):
    note = make_note(clinician, patient, "64643")  # 64642 + 64643 share most elements
    keys = [e["key"] for e in note.definitions["elements"]]
    assert len(keys) == len(set(keys))
    assert keys.count("informed_consent") == 1
    assert sorted(e["codes"] for e in note.definitions["elements"])[0] == ["64642", "64643"]


def test_sections_come_in_clinical_order(clinician, patient):
    note = make_note(clinician, patient, "64681")
    sections = [e["section"] for e in note.definitions["elements"]]
    assert sections == sorted(sections, key=["pre", "procedure", "post"].index)


def test_the_edit_page_shows_units_ranges_and_conditions(clinician_client, clinician, patient):
    note = make_note(clinician, patient, "64640")
    page = clinician_client.get(f"/notes/{note.pk}/edit/").text
    assert "Lesion temperature" in page and "(°C)" in page
    assert 'min="37"' in page and 'max="95"' in page
    # RF parameters only when the technique is radiofrequency; agent only when chemical.
    rf = 'id="el-rf_temperature" class="element element-required" data-when-element="technique"'
    assert rf + ' data-when-in="thermal_rf|cooled_rf"' in page
    agent = 'id="el-neurolytic_agent" class="element element-required"'
    assert agent + ' data-when-element="technique" data-when-in="chemical"' in page
    assert 'data-when-element="neurolytic_agent"' in page


def test_pain_scores_are_0_to_10(clinician, patient):
    note = make_note(clinician, patient, "64681")
    form = ElementForm({"pain_score_pre": "11", "version": "1"}, note=note)
    assert not form.is_valid()
    assert "pain_score_pre" in form.errors
    form = ElementForm({"pain_score_pre": "7"}, note=note)
    form.is_valid()
    assert form.answers()["pain_score_pre"] == {"value": 7}


def test_a_snapshot_keeps_the_note_when_the_catalog_changes(clinician, patient):
    note = make_note(clinician, patient, "64681")
    link = CodeElement.objects.get(code__code="64681", element__key="disposition")
    link.requirement = "information"
    link.save()
    link.element.label = "Renamed in the catalog"
    link.element.save()
    note.refresh_from_db()
    element = next(e for e in note.definitions["elements"] if e["key"] == "disposition")
    assert element["requirement"] == "required"
    assert element["label"] != "Renamed in the catalog"
    form = ElementForm(note=note)
    assert "Renamed" not in form.fields["disposition"].label


def test_notes_of_the_same_codes_share_one_stored_snapshot_until_the_catalog_changes(
    clinician, patient
):
    first = make_note(clinician, patient, "64681")
    second = make_note(clinician, patient, "64681")
    other = make_note(clinician, patient, "64643")
    assert first.snapshot_id == second.snapshot_id != other.snapshot_id

    link = CodeElement.objects.get(code__code="64681", element__key="disposition")
    link.requirement = "information"
    link.save()
    after = make_note(clinician, patient, "64681")
    assert after.snapshot_id != first.snapshot_id
    assert CatalogSnapshot.objects.count() == 3
    first.refresh_from_db()
    disposition = next(e for e in first.definitions["elements"] if e["key"] == "disposition")
    assert disposition["requirement"] == "required"


def test_a_stored_snapshot_never_changes(clinician, patient):
    snapshot = make_note(clinician, patient, "64681").snapshot
    snapshot.definitions = {"elements": []}
    with pytest.raises(ValueError, match="never changes"):
        snapshot.save()
    assert CatalogSnapshot.objects.get(pk=snapshot.pk).definitions["elements"]


def test_a_date_is_one_text_field_in_us_order_that_also_takes_iso(clinician, patient):
    # 64681 asks the prognostic block's date: one Tab stop, not the browser's three segments.
    note = make_note(
        clinician, patient, "64681", answers={"prognostic_block_date": {"value": "2026-10-05"}}
    )
    form = ElementForm(note=note)
    html = str(form["prognostic_block_date"])
    assert 'type="text"' in html and 'value="10/05/2026"' in html
    assert 'placeholder="mm/dd/yyyy"' in html and 'inputmode="numeric"' in html

    def posted(value):
        bound = ElementForm({"prognostic_block_date": value}, note=note)
        bound.is_valid()
        return bound.answers(previous=note.answers).get("prognostic_block_date"), bound.errors.get(
            "prognostic_block_date"
        )

    assert posted("10/05/2026") == ({"value": "2026-10-05"}, None)
    assert posted("2026-10-05") == ({"value": "2026-10-05"}, None)
    assert posted("10/5/26") == ({"value": "2026-10-05"}, None)
    answer, errors = posted("31/12/2025")
    assert answer == {"value": "2026-10-05"}  # the last good value is kept
    assert errors == [
        "Prognostic (diagnostic) local-anesthetic block: date: enter a date as mm/dd/yyyy."
    ]
