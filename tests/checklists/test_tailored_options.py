"""Choices and help tailored per code, family and payer, the same in every place they show."""

import io

import pytest
from pypdf import PdfReader

from checklists import services
from checklists.completeness import Gap, assess
from checklists.element_form import ElementForm
from checklists.pdf.render import render_checklist_pdf
from checklists.snapshot import build_definitions
from coding.sides import documented_side
from interop.catalog_data import from_database
from interop.questionnaire import questionnaire, snapshot_questionnaire
from procedures.models import ProcedureCode
from rules.models import PatientCoverage, Payer
from tests.notes import complete_answers, make_note

pytestmark = pytest.mark.django_db


def offered(definitions, key):
    element = next(e for e in definitions["elements"] if e["key"] == key)
    return [value for value, _ in element["choices"]]


def test_a_superior_hypogastric_plexus_note_offers_only_its_own_options(catalog):
    definitions = build_definitions(["64681"])
    assert offered(definitions, "complications") == [
        "none",
        "vasovagal",
        "bleeding_hematoma",
        "intravascular_injection",
        "iliac_vessel_puncture",
        "nerve_root_spread",
        "discitis",
        "infection",
        "back_pain",
        "dizziness",
        "nausea",
        "new_weakness",
        "numbness_dysesthesia",
        "allergic_reaction",
        "other",
    ]
    assert offered(definitions, "conservative_care_tried") == [
        "medication",
        "opioid_analgesia",
        "activity_modification",
        "injections",
        "psychological",
        "other",
    ]
    # The code's own techniques (the catalog's billing facts), nothing else.
    assert offered(definitions, "technique") == ["chemical", "thermal_rf", "cooled_rf"]
    assert offered(definitions, "imaging_modality") == ["fluoroscopy", "ct", "ultrasound"]


def test_only_chemodenervation_offers_needle_emg_guidance(catalog):
    assert "emg" in offered(build_definitions(["64642"]), "imaging_modality")
    for code in ("64640", "64635", "64493", "64632"):
        assert "emg" not in offered(build_definitions([code]), "imaging_modality"), code


def test_a_note_with_two_codes_offers_what_either_code_offers(catalog):
    # Trigeminal 64600 lists reduced corneal sensation; intercostal 64620 lists pneumothorax.
    both = offered(build_definitions(["64600", "64620"]), "complications")
    assert "corneal_hypoesthesia" in both and "pneumothorax" in both
    assert both.index("corneal_hypoesthesia") > both.index("pneumothorax")  # catalog order
    assert "corneal_hypoesthesia" not in offered(build_definitions(["64620"]), "complications")


def test_the_form_offers_the_tailored_choices(catalog, clinician, patient):
    form = ElementForm(note=make_note(clinician, patient, "64681"))
    values = [value for value, _ in form.fields["complications"].choices]
    assert "corneal_hypoesthesia" not in values and "digital_ischemia" not in values
    assert "iliac_vessel_puncture" in values


def test_the_blank_checklist_prints_the_tailored_choices(catalog, practice):
    pdf = render_checklist_pdf(ProcedureCode.objects.get(code="64681"))
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Iliac vessel puncture" in text
    assert "Reduced corneal sensation" not in text and "Digital ischemia" not in text
    assert "Padding or orthotic devices" not in text and "Needle EMG" not in text


def test_the_fhir_questionnaires_offer_the_tailored_choices(catalog, clinician, patient):
    data = from_database(["64681"])
    per_code = questionnaire(data.codes[0], data)
    note = make_note(clinician, patient, "64681")
    per_note = snapshot_questionnaire(note.definitions, id="n", title="t")
    for resource in (per_code, per_note):
        items = {item["linkId"]: item for group in resource["item"] for item in group["item"]}
        codes = [o["valueCoding"]["code"] for o in items["complications"]["answerOption"]]
        assert "corneal_hypoesthesia" not in codes and "iliac_vessel_puncture" in codes


def cover(patient, kind):
    payer = Payer.objects.create(name=f"Test {kind} plan", kind=kind)
    PatientCoverage.objects.create(patient=patient, primary_payer=payer)


def help_of(note, key):
    return next(e["help"] for e in note.definitions["elements"] if e["key"] == key)


def test_a_medicare_patients_mortons_note_cites_the_medicare_lcd(catalog, clinician, patient):
    cover(patient, "medicare")
    note = make_note(clinician, patient, "64632")
    assert help_of(note, "conservative_care_tried").startswith("Medicare (LCD L34076")
    assert "Anthem" not in help_of(note, "conservative_care_tried")


def test_a_commercial_patients_mortons_note_cites_anthem(catalog, clinician, patient):
    cover(patient, "commercial")
    note = make_note(clinician, patient, "64632")
    assert help_of(note, "conservative_care_tried").startswith("Anthem CG-SURG-25")


def test_without_a_payer_the_codes_own_help_shows(catalog, clinician, patient):
    note = make_note(clinician, patient, "64632")
    assert help_of(note, "conservative_care_tried").startswith("Record each measure tried")


def test_sedation_help_cites_the_facet_lcd_only_on_facet_codes(catalog):
    def sedation(code):
        return help_of_definitions(build_definitions([code]), "sedation_level")

    assert "facet" not in sedation("64681").lower()
    assert "Facet LCDs" in sedation("64635")


def help_of_definitions(definitions, key):
    return next(e["help"] for e in definitions["elements"] if e["key"] == key)


def test_a_range_error_reads_as_plain_numbers(catalog, clinician, patient):
    note = make_note(clinician, patient, "64681")
    form = ElementForm({"prognostic_block_relief": "140"}, note=note)
    assert form.errors["prognostic_block_relief"] == [
        "Prognostic block: relief obtained must be between 0 and 100 %."
    ]


def test_safety_checks_are_asked_per_family(catalog):
    def keys(codes, answers=None):
        definitions = build_definitions(codes)
        applicable = assess(definitions["elements"], answers or {}).statuses
        return {key for key, _ in applicable}

    rf = {"technique": {"value": "thermal_rf"}, "imaging_modality": {"value": "fluoroscopy"}}
    assert {"anticoagulation_status", "allergies", "implanted_device", "pregnancy_status"} <= keys(
        ["64635"], rf
    )
    chemical = {"technique": {"value": "chemical"}, "imaging_modality": {"value": "fluoroscopy"}}
    assert "implanted_device" not in keys(["64681"], chemical)
    toxin = keys(["64642"], {"imaging_modality": {"value": "ultrasound"}})
    assert {"allergies", "anticoagulation_status"} <= toxin
    assert "pregnancy_status" not in toxin and "implanted_device" not in toxin


def consent_answers(definitions, consent, reason=None):
    answers = complete_answers(definitions, "chemical", {"informed_consent": {"value": consent}})
    answers.pop("consent_exception", None)
    if reason:
        answers["consent_exception"] = {"value": reason}
    return answers


def test_consent_answered_no_needs_a_documented_reason(catalog):
    definitions = build_definitions(["64681"])
    label = next(e["label"] for e in definitions["elements"] if e["key"] == "consent_exception")
    assert assess(definitions["elements"], consent_answers(definitions, "yes")).missing == ()
    assert assess(definitions["elements"], consent_answers(definitions, "no")).missing == (
        Gap("consent_exception", label, "pre", "required"),
    )
    with_reason = consent_answers(definitions, "no", "Consent given by her health care proxy")
    assert assess(definitions["elements"], with_reason).missing == ()


def test_signing_refuses_consent_no_without_a_reason(catalog, clinician, patient):
    note = make_note(clinician, patient, "64681")
    answers = consent_answers(note.definitions, "no")
    answers |= documented_side(
        list(note.lines.values("code", "side", "site", "units", "modifiers"))
    )
    note = services.save_note(note, version=note.version, answers=answers, actor=clinician)
    assert services.signing_problems(note, clinician) == [
        "Required elements missing: Why there is no signed consent (who consented for the "
        "patient, or the emergency)."
    ]
