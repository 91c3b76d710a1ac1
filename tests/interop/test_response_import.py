"""QuestionnaireResponse -> note answers: our own responses come back unchanged, and what
cannot be mapped is refused by name."""

import datetime

import pytest
from django.utils import timezone

from checklists.completeness import applicable_elements
from interop.fhir import response_resource
from interop.response_import import ResponseImportError, response_answers
from tests.notes import make_note

DIAGNOSES = {
    "value": [
        {"code": "M79.2", "description": "Neuralgia and neuritis, unspecified"},
        {"code": "G56.80", "description": "Other lesions of unspecified upper limb nerve"},
    ],
    "code_set": "ICD-10-CM 2026",
}


def expected(note) -> dict:
    """The note's answers to the elements that apply, as a response can carry them."""
    kept = {}
    for element in applicable_elements(note.definitions["elements"], note.answers):
        answer = dict(note.answers.get(element["key"]) or {})
        answer.pop("code_set", None)  # the ICD-10-CM release travels in no answer
        value = answer.get("value")
        if element["input_type"] == "datetime" and value:
            moment = datetime.datetime.fromisoformat(value)
            answer["value"] = timezone.make_aware(moment).isoformat()
        if answer:
            kept[element["key"]] = answer
    return kept


def test_our_response_imports_back_with_nothing_lost(clinician, patient, catalog):
    note = make_note(
        clinician,
        patient,
        "64640",
        complete=True,
        answers={
            "diagnosis": DIAGNOSES,
            "prognostic_block_date": {"na_reason": "Not done: patient declined"},
        },
    )
    response = response_resource(note, list(note.lines.all()))
    answers = response_answers(response, note.definitions)
    assert answers == expected(note)
    assert answers["prognostic_block_date"] == {"na_reason": "Not done: patient declined"}
    assert answers["diagnosis"]["value"][1]["code"] == "G56.80"


def test_a_conditional_not_applicable_answer_comes_back_from_its_group(
    clinician, patient, catalog
):
    note = make_note(
        clinician,
        patient,
        "64640",
        complete=True,
        answers={
            "imaging_modality": {"value": "fluoroscopy"},
            "contrast_agent": {"na_reason": "Contrast allergy"},
        },
    )
    response = response_resource(note, list(note.lines.all()))
    groups = [i for s in response["item"] for i in s["item"] if i["linkId"].endswith(".group")]
    assert {
        "linkId": "contrast_agent.group",
        "item": [
            {
                "linkId": "contrast_agent.na",
                "text": "Contrast agent: not applicable or not done, because",
                "answer": [{"valueString": "Contrast allergy"}],
            }
        ],
    } in groups
    assert response_answers(response, note.definitions)["contrast_agent"] == {
        "na_reason": "Contrast allergy"
    }


@pytest.mark.parametrize(
    "item, message",
    [
        (
            {"linkId": "shoe_size", "answer": [{"valueString": "9"}]},
            "item 'shoe_size': is not an element",
        ),
        (
            {"linkId": "technique", "answer": [{"valueCoding": {"code": "laser"}}]},
            "item 'technique': 'laser' is not one of its choices",
        ),
        (
            {"linkId": "informed_consent", "answer": [{"valueString": "yes"}]},
            "item 'informed_consent': expects valueBoolean answers",
        ),
        ({"linkId": "technique.na", "answer": [{"valueString": "x"}]}, "is not an element"),
    ],
)
def test_it_refuses_what_it_cannot_map(clinician, patient, catalog, item, message):
    note = make_note(clinician, patient, "64640")
    response = {
        "resourceType": "QuestionnaireResponse",
        "item": [{"linkId": "section-pre", "item": [item]}],
    }
    with pytest.raises(ResponseImportError, match=message):
        response_answers(response, note.definitions)
