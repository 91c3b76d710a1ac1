"""A note as a FHIR R4 Bundle: QuestionnaireResponse, Patient, Practitioner, Procedure.

`note_bundle(note)` is the one entry point (the note view serves it; the PDF can embed it).
It reads the note's own snapshot (`Note.definitions`), never the live catalog, so the
answers always match the form the note was filled in. Mapping in docs/fhir.md.
"""

import datetime
import uuid
from decimal import Decimal

from django.utils import timezone

from checklists.completeness import applicable_elements, has_value
from checklists.diagnoses import ICD10CM_SYSTEM

from .questionnaire import SECTIONS, choice_coding, number, snapshot_questionnaire
from .terms import (
    BASE,
    CPT,
    HL7_V2_0203,
    LATERALITY,
    LINE_MODIFIER,
    LINE_PLACE_OF_SERVICE,
    LINE_UNITS,
    NA_LINK,
    NA_TEXT,
    NOTE_SHA256,
    PLACE_OF_SERVICE,
    SECTION_LINK,
    SNOMED,
    identifier_base,
    questionnaire_url,
    unit_coding,
)

RESPONSE_STATUS = {"draft": "in-progress", "signed": "completed", "amended": "amended"}
SIDES = {
    "left": ("7771000", "Left"),
    "right": ("24028007", "Right"),
    "bilateral": ("51440002", "Right and left"),
}
SNAPSHOT_ID = "checklist"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE)


def _instant(moment: datetime.datetime) -> str:
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment.isoformat()


class _Urls:
    """Stable urn:uuid fullUrls: the same note gives the same Bundle until it changes."""

    def __init__(self, note):
        self.seed = f"note/{note.pk}/{note.created_at.isoformat()}"

    def __call__(self, *parts) -> str:
        name = "/".join([self.seed, *map(str, parts)])
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, name)}"


def answer_values(element: dict, value) -> list[dict]:
    """QuestionnaireResponse answers for one stored answer value (docs/fhir.md)."""
    kind = element["input_type"]
    if kind in ("text", "long_text"):
        return [{"valueString": str(value)}]
    if kind in ("choice", "multi_choice"):
        labels = {pair[0]: pair[1] for pair in element.get("choices") or []}
        values = value if isinstance(value, list) else [value]
        return [{"valueCoding": choice_coding(element["key"], v, labels.get(v))} for v in values]
    if kind == "yes_no":
        return [{"valueBoolean": value == "yes"}]
    if kind == "number":
        unit = unit_coding(element.get("unit") or "")
        quantity = {"value": number(value), "unit": unit["display"]}
        return [{"valueQuantity": quantity | {"system": unit["system"], "code": unit["code"]}}]
    if kind == "percent":
        return [{"valueDecimal": number(value)}]
    if kind == "icd10":
        if not isinstance(value, list):  # free text from before diagnoses were coded
            return [{"valueString": str(value)}]
        return [
            {
                "valueCoding": {
                    "system": ICD10CM_SYSTEM,
                    "code": item["code"],
                    "display": item.get("description", ""),
                }
            }
            for item in value
            if isinstance(item, dict) and item.get("code")
        ]
    if kind == "pain_score":
        return [{"valueInteger": int(Decimal(str(value)))}]
    if kind == "date":
        return [{"valueDate": datetime.date.fromisoformat(str(value)).isoformat()}]
    if kind == "datetime":
        return [{"valueDateTime": _instant(datetime.datetime.fromisoformat(str(value)))}]
    raise ValueError(f"unknown input type {kind!r}")


def response_items(definitions: dict, answers: dict) -> list[dict]:
    """Answered items of the elements that apply, grouped by section like the Questionnaire.

    An element answered "not applicable / not done" has no answer, only its `<key>.na`
    child with the reason.
    """
    grouped = {section: [] for section in SECTIONS}
    for element in applicable_elements(definitions.get("elements", []), answers):
        answer = answers.get(element["key"]) or {}
        item = {"linkId": element["key"], "text": element["label"]}
        if has_value(answer.get("value")):
            item["answer"] = answer_values(element, answer["value"])
        elif element.get("allow_na") and has_value(answer.get("na_reason")):
            item["item"] = [
                {
                    "linkId": NA_LINK.format(element["key"]),
                    "text": NA_TEXT,
                    "answer": [{"valueString": answer["na_reason"]}],
                }
            ]
        else:
            continue
        grouped[element["section"]].append(item)
    return [
        {"linkId": SECTION_LINK.format(section), "text": SECTIONS[section], "item": items}
        for section, items in grouped.items()
        if items
    ]


def _reference(url: str, display: str = "") -> dict:
    return {"reference": url, "display": display} if display else {"reference": url}


def patient_resource(patient) -> dict:
    return {
        "resourceType": "Patient",
        "identifier": [
            {
                "use": "usual",
                "type": {"coding": [{"system": HL7_V2_0203, "code": "MR"}]},
                "system": f"{identifier_base()}/mrn",
                "value": patient.mrn,
            }
        ],
        "name": [
            {
                "use": "official",
                "text": patient.full_name,
                "family": patient.last_name,
                "given": [patient.first_name],
            }
        ],
        "birthDate": patient.date_of_birth.isoformat(),
    }


def practitioner_resource(user) -> dict:
    name = {"text": user.get_full_name() or user.get_username()}
    if user.last_name:
        name["family"] = user.last_name
    if user.first_name:
        name["given"] = [user.first_name]
    return {
        "resourceType": "Practitioner",
        "identifier": [{"system": f"{identifier_base()}/user", "value": user.get_username()}],
        "name": [name],
    }


def procedure_resource(note, line, *, titles, patient_url, practitioners, addenda) -> dict:
    title = titles.get(line.code, {}).get("title", "")
    code = {"coding": [{"system": CPT, "code": line.code}]}
    if title:
        code["text"] = title
    extensions = [{"url": LINE_UNITS, "valueInteger": line.units}]
    extensions += [{"url": LINE_MODIFIER, "valueCode": m} for m in line.modifiers]
    extensions.append(
        {
            "url": LINE_PLACE_OF_SERVICE,
            "valueCoding": {
                "system": PLACE_OF_SERVICE,
                "code": note.place_of_service,
                "display": note.get_place_of_service_display(),
            },
        }
    )
    procedure = {
        "resourceType": "Procedure",
        "extension": extensions,
        "status": "completed",
        "code": code,
        "subject": _reference(patient_url, note.patient.full_name),
        "performedDateTime": note.date_of_service.isoformat(),
        "performer": [
            {"actor": _reference(practitioners[note.clinician_id], note.clinician.get_full_name())}
        ],
    }
    if line.site or line.side:
        site = {}
        if line.side in SIDES:
            snomed, display = SIDES[line.side]
            site["extension"] = [
                {
                    "url": LATERALITY,
                    "valueCodeableConcept": {
                        "coding": [{"system": SNOMED, "code": snomed, "display": display}]
                    },
                }
            ]
        if line.site:
            site["text"] = line.site
        procedure["bodySite"] = [site]
    if addenda:
        procedure["note"] = [
            {
                "authorReference": _reference(practitioners[a.author_id]),
                "time": _instant(a.created_at),
                "text": f"Addendum ({a.reason}): {a.text}",
            }
            for a in addenda
        ]
    return procedure


def note_bundle(note) -> dict:
    """The note as a FHIR R4 `collection` Bundle (JSON-ready dict)."""
    urls = _Urls(note)
    definitions = note.definitions or {}
    lines = list(note.lines.all())
    addenda = list(note.addenda.select_related("author"))
    users = {note.clinician_id: note.clinician} | {a.author_id: a.author for a in addenda}
    practitioners = {pk: urls("Practitioner", pk) for pk in users}
    patient_url = urls("Patient")
    procedure_urls = [urls("Procedure", line.position) for line in lines]

    codes = list(dict.fromkeys(line.code for line in lines)) or list(definitions.get("codes", {}))
    version = note.catalog_version
    response = {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": f"{identifier_base()}/note", "value": str(note.pk)},
        "partOf": [_reference(url) for url in procedure_urls],
        "status": RESPONSE_STATUS[note.status],
        "subject": _reference(patient_url, note.patient.full_name),
        "authored": _instant(note.signed_at or note.updated_at),
        "author": _reference(practitioners[note.clinician_id], note.clinician.get_full_name()),
        "item": response_items(definitions, note.answers or {}),
    }
    if len(codes) == 1:
        response["questionnaire"] = questionnaire_url(codes[0]) + (
            f"|{version}" if version else ""
        )
    else:
        # Several codes share and merge elements: no single per-code Questionnaire fits, so
        # the note's own snapshot travels with the answers.
        response["contained"] = [
            snapshot_questionnaire(definitions, id=SNAPSHOT_ID, title=note.title)
        ]
        response["questionnaire"] = f"#{SNAPSHOT_ID}"
    if note.content_hash:
        response["extension"] = [{"url": NOTE_SHA256, "valueString": note.content_hash}]
    if not response["item"]:
        del response["item"]

    titles = definitions.get("codes", {})
    entries = [(urls("QuestionnaireResponse"), response)]
    entries.append((patient_url, patient_resource(note.patient)))
    entries += [(practitioners[pk], practitioner_resource(user)) for pk, user in users.items()]
    entries += [
        (
            url,
            procedure_resource(
                note,
                line,
                titles=titles,
                patient_url=patient_url,
                practitioners=practitioners,
                addenda=addenda,
            ),
        )
        for url, line in zip(procedure_urls, lines, strict=True)
    ]
    changed = max([note.updated_at] + [a.created_at for a in addenda])
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _instant(changed),
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
    }
