import datetime

from django.conf import settings

from checklists import services
from checklists.models import Note
from interop.catalog_data import from_database
from interop.fhir import answer_values, note_bundle
from interop.questionnaire import questionnaire
from interop.terms import CPT, LATERALITY, NOTE_SHA256, SNOMED
from procedures.models import CatalogVersion
from tests.notes import make_note, sign

from .fhir_rules import check_bundle, check_response, questions_by_link_id, walk


def exported(code):
    data = from_database([code])
    return questionnaire(data.codes[0], data)


def resources(note):
    return check_bundle(note_bundle(note))


def answers_by_link_id(response):
    return {item["linkId"]: item for item in walk(response.get("item")) if "answer" in item}


def test_a_draft_is_an_in_progress_response(clinician, patient, catalog):
    note = make_note(clinician, patient, "64640", answers={"technique": {"value": "chemical"}})
    found = resources(note)
    response = found["QuestionnaireResponse"][0]
    assert response["status"] == "in-progress"
    version = CatalogVersion.current().version
    assert response["questionnaire"].endswith(f"/Questionnaire/64640|{version}")
    check_response(response, exported("64640"))
    assert list(answers_by_link_id(response)) == ["technique"]


def test_a_signed_note_is_a_completed_response_with_its_hash(clinician, patient, catalog):
    note = sign(make_note(clinician, patient, "64640", complete=True), clinician)
    found = resources(note)
    assert set(found) == {
        "QuestionnaireResponse",
        "Patient",
        "Practitioner",
        "Encounter",
        "Procedure",
        "Claim",
        "Condition",  # the coded diagnosis complete_answers gives (tests/notes.py)
    }
    response = found["QuestionnaireResponse"][0]
    assert response["status"] == "completed"
    assert response["authored"] == note.signed_at.isoformat()
    assert response["extension"] == [{"url": NOTE_SHA256, "valueString": note.content_hash}]
    check_response(response, exported("64640"))
    answered = answers_by_link_id(response)
    questions = questions_by_link_id(exported("64640"))
    assert set(answered) <= set(questions)
    assert answered["informed_consent"]["answer"] == [{"valueBoolean": True}]
    assert answered["technique"]["answer"][0]["valueCoding"]["code"] == "chemical"
    volume = answered["neurolytic_volume"]["answer"][0]["valueQuantity"]
    assert volume["code"] == "mL" and volume["system"] == "http://unitsofmeasure.org"
    assert isinstance(volume["value"], (int, float))
    assert answered["pain_score_pre"]["answer"] == [{"valueInteger": 3}]
    # Elements whose condition is not met (radiofrequency ones) are not in the response.
    assert "rf_temperature" not in answered


def test_an_amended_note_is_an_amended_response_with_the_addendum(
    clinician, other_clinician, patient, catalog
):
    note = sign(make_note(clinician, patient, "64640", complete=True), clinician)
    services.add_addendum(
        note, author=other_clinician, reason="Correction", text="Left, not right."
    )
    note = Note.objects.get(pk=note.pk)
    found = resources(note)
    assert found["QuestionnaireResponse"][0]["status"] == "amended"
    assert len(found["Practitioner"]) == 2
    notes = found["Procedure"][0]["note"]
    # The checklist's technique answered the code line, so the Procedure names it first.
    assert [n["text"] for n in notes] == [
        "Technique: Chemical neurolysis",
        "Addendum (Correction): Left, not right.",
    ]
    annotation = notes[1]
    assert annotation["authorReference"]["reference"] == f"Practitioner/{other_clinician.pk}"


def test_patient_practitioner_and_procedure_are_linked(clinician, patient, catalog):
    note = sign(make_note(clinician, patient, "64640", complete=True), clinician)
    bundle = note_bundle(note)
    assert bundle["type"] == "collection"
    url = {
        e["resource"]["resourceType"]: f"{e['resource']['resourceType']}/{e['resource']['id']}"
        for e in bundle["entry"]
    }
    found = check_bundle(bundle)

    patient_resource = found["Patient"][0]
    assert patient_resource["identifier"][0]["value"] == "TEST-0001"
    assert patient_resource["identifier"][0]["system"].endswith("/sid/mrn")
    assert patient_resource["identifier"][0]["type"]["coding"][0]["code"] == "MR"
    assert patient_resource["birthDate"] == "1960-01-31"
    assert patient_resource["name"][0]["family"] == "Testpatient"
    assert patient_resource["gender"] == "unknown"  # not recorded for this patient
    name = found["Practitioner"][0]["name"][0]
    assert (name["family"], name["given"], name["suffix"]) == ("Testdoc", ["Alice"], ["MD"])

    procedure = found["Procedure"][0]
    assert procedure["status"] == "completed"
    assert procedure["encounter"]["reference"] == url["Encounter"]
    assert "extension" not in procedure
    assert procedure["code"]["coding"] == [{"system": CPT, "code": "64640"}]
    assert procedure["performedDateTime"] == "2026-11-02"
    assert procedure["subject"]["reference"] == url["Patient"]
    assert procedure["performer"][0]["actor"]["reference"] == url["Practitioner"]
    site = procedure["bodySite"][0]
    assert site["text"] == "suprascapular nerve"
    assert site["extension"][0]["url"] == LATERALITY
    assert site["extension"][0]["valueCodeableConcept"]["coding"] == [
        {"system": SNOMED, "code": "7771000", "display": "Left"}
    ]
    response = found["QuestionnaireResponse"][0]
    assert response["subject"]["reference"] == url["Patient"]
    assert response["author"]["reference"] == url["Practitioner"]
    assert response["partOf"] == [{"reference": url["Procedure"]}]


def test_the_bundle_is_stable_for_an_unchanged_note(clinician, patient, catalog):
    note = sign(make_note(clinician, patient, "64640", complete=True), clinician)
    assert note_bundle(note) == note_bundle(Note.objects.get(pk=note.pk))


def test_not_applicable_answers_are_the_reason_item_in_place_of_the_question(
    clinician, patient, catalog
):
    reason = "Not done: patient declined"
    note = make_note(
        clinician,
        patient,
        "64640",
        complete=True,
        answers={"prognostic_block_date": {"na_reason": reason}},
    )
    response = resources(note)["QuestionnaireResponse"][0]
    answered = answers_by_link_id(response)
    assert "prognostic_block_date" not in answered
    assert answered["prognostic_block_date.na"] == {
        "linkId": "prognostic_block_date.na",
        "text": "Prognostic (diagnostic) local-anesthetic block: date: not applicable or not "
        "done, because",
        "answer": [{"valueString": reason}],
    }
    check_response(response, exported("64640"))


def test_a_note_with_several_codes_contains_its_own_questionnaire(clinician, patient, catalog):
    note = sign(make_note(clinician, patient, "64643", complete=True), clinician)
    found = resources(note)
    response = found["QuestionnaireResponse"][0]
    assert response["questionnaire"] == "#checklist"
    contained = response["contained"][0]
    version = CatalogVersion.current().version
    assert contained["derivedFrom"] == [
        f"{settings.FHIR_BASE_URL}/Questionnaire/64642|{version}",
        f"{settings.FHIR_BASE_URL}/Questionnaire/64643|{version}",
    ]
    check_response(response, contained)
    assert [p["code"]["coding"][0]["code"] for p in found["Procedure"]] == ["64642", "64643"]
    assert len(response["partOf"]) == 2
    # The extremity names the side of a chemodenervation line: laterality on every line.
    site = found["Procedure"][1]["bodySite"][0]
    assert site["text"] == "Left lower extremity"
    assert site["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "7771000"


def test_answer_values_follow_the_item_types():
    def values(kind, value, **extra):
        return answer_values({"key": "x", "input_type": kind, **extra}, value)

    assert values("text", "abc") == [{"valueString": "abc"}]
    assert values("yes_no", "no") == [{"valueBoolean": False}]
    assert values("percent", "87.5") == [{"valueDecimal": 87.5}]
    assert values("pain_score", "7") == [{"valueInteger": 7}]
    assert values("date", "2026-10-15") == [{"valueDate": "2026-10-15"}]
    moment = values("datetime", "2026-11-02T09:30:00")[0]["valueDateTime"]
    assert datetime.datetime.fromisoformat(moment).tzinfo is not None  # FHIR wants a zone
    choices = values("multi_choice", ["a", "b"], choices=[["a", "Alpha"], ["b", "Beta"]])
    assert [c["valueCoding"]["display"] for c in choices] == ["Alpha", "Beta"]
    assert values("number", "1500", unit="U") == [
        {
            "valueQuantity": {
                "value": 1500,
                "unit": "U",
                "system": "http://unitsofmeasure.org",
                "code": "[arb'U]",
            }
        }
    ]


def test_a_coded_diagnosis_carries_the_icd10cm_release_it_was_picked_from():
    element = {"key": "diagnosis", "input_type": "icd10"}
    coded = [{"code": "M47.816", "description": "Spondylosis, lumbar"}]
    assert answer_values(element, coded, "ICD-10-CM April 2026") == [
        {
            "valueCoding": {
                "system": "http://hl7.org/fhir/sid/icd-10-cm",
                "version": "2026",
                "code": "M47.816",
                "display": "Spondylosis, lumbar",
            }
        }
    ]
    # Coded before the release was stored: no version rather than a guessed one.
    assert answer_values(element, coded) == [
        {
            "valueCoding": {
                "system": "http://hl7.org/fhir/sid/icd-10-cm",
                "code": "M47.816",
                "display": "Spondylosis, lumbar",
            }
        }
    ]
    assert answer_values(element, "lumbar spondylosis") == [{"valueString": "lumbar spondylosis"}]
