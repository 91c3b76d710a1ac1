"""A note as FHIR R4 resources, and as one Bundle.

Each note gives a QuestionnaireResponse, an Encounter (the visit), a Procedure per code
line, a Condition per coded diagnosis, a Claim whose items carry what billing reads (CPT,
units, modifiers, place of service), and once signed a DocumentReference to the signed PDF;
they refer to the Patient and the Practitioners. Every resource has the id the /fhir/ API
serves it under and references are relative (`Patient/12`), so what `note_bundle` holds
and what the API returns are the same resources. Everything reads the note's own snapshot
(`Note.definitions`), never the live catalog. Mapping in docs/fhir.md.
"""

import base64
import datetime
import hashlib
from decimal import Decimal

from django.utils import timezone

from checklists.completeness import applicable_elements, has_value
from checklists.diagnoses import (
    ICD10CM_SYSTEM,
    code_set,
    code_system_version,
    coded_diagnoses,
)

from .people import clinician_npi, name_parts, patient_gender
from .questionnaire import SECTIONS, choice_coding, number, snapshot_questionnaire
from .terms import (
    ACT_CODE,
    CONDITION_CATEGORY,
    CONDITION_CLINICAL,
    CONDITION_VERIFICATION,
    CPT,
    HL7_V2_0203,
    ICD10CM,
    LATERALITY,
    LOINC,
    NA_GROUP_LINK,
    NA_LINK,
    NA_TEXT,
    NOTE_SHA256,
    NPI,
    PLACE_OF_SERVICE,
    SECTION_LINK,
    SNOMED,
    fhir_base,
    identifier_base,
    questionnaire_url,
    unit_coding,
)

RESPONSE_STATUS = {"draft": "in-progress", "signed": "completed", "amended": "amended"}
PROCEDURE_STATUS = {"draft": "in-progress", "signed": "completed", "amended": "completed"}
ENCOUNTER_STATUS = {"draft": "in-progress", "signed": "finished", "amended": "finished"}
CLAIM_STATUS = {"draft": "draft", "signed": "active", "amended": "active"}
SIDES = {
    "left": ("7771000", "Left"),
    "right": ("24028007", "Right"),
    "bilateral": ("51440002", "Right and left"),
}
HCPCS = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type"
PROCESS_PRIORITY = "http://terminology.hl7.org/CodeSystem/processpriority"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
SNAPSHOT_ID = "checklist"
PROCEDURE_NOTE = ("28570-0", "Procedure note")


def instant(moment: datetime.datetime) -> str:
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment.isoformat()


def _meta(moment) -> dict:
    return {"lastUpdated": instant(moment)}


def _ref(kind: str, id, display: str = "") -> dict:
    reference = {"reference": f"{kind}/{id}"}
    return reference | {"display": display} if display else reference


def full_url(resource: dict) -> str:
    return f"{fhir_base()}/{resource['resourceType']}/{resource['id']}"


def last_changed(note, addenda) -> datetime.datetime:
    return max([note.updated_at] + [a.created_at for a in addenda])


# -- answers -----------------------------------------------------------------------------


def answer_values(element: dict, value, release: str = "") -> list[dict]:
    """QuestionnaireResponse answers for one stored answer value (docs/fhir.md).

    `release` is the code set a coded answer was picked from (the ICD-10-CM release stored
    with a diagnosis answer): its version travels in each Coding."""
    kind = element["input_type"]
    if kind in ("text", "long_text") and isinstance(value, list):
        # Coded diagnoses (checklists.diagnoses) in a text element: "code description; ..."
        # here, and each one coded in its own Condition.
        return [{"valueString": diagnoses_text(value)}]
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
        version = code_system_version(release)
        return [
            {
                "valueCoding": {"system": ICD10CM_SYSTEM}
                | ({"version": version} if version else {})
                | {"code": item["code"], "display": item.get("description", "")}
            }
            for item in value
            if isinstance(item, dict) and item.get("code")
        ]
    if kind == "pain_score":
        return [{"valueInteger": int(Decimal(str(value)))}]
    if kind == "date":
        return [{"valueDate": datetime.date.fromisoformat(str(value)).isoformat()}]
    if kind == "datetime":
        return [{"valueDateTime": instant(datetime.datetime.fromisoformat(str(value)))}]
    raise ValueError(f"unknown input type {kind!r}")


def diagnoses_text(value: list) -> str:
    return "; ".join(
        f"{d.code} {d.description}".strip()
        for d in coded_diagnoses({"diagnosis": {"value": value}})
    )


def response_items(definitions: dict, answers: dict) -> list[dict]:
    """Answered items of the elements that apply, shaped like the Questionnaire's items.

    An element answered "not applicable / not done" is its `<key>.na` item with the
    reason; with a condition, the item sits in the element's `<key>.group`.
    """
    grouped = {section: [] for section in SECTIONS}
    for element in applicable_elements(definitions.get("elements", []), answers):
        key = element["key"]
        answer = answers.get(key) or {}
        if has_value(answer.get("value")):
            item = {
                "linkId": key,
                "text": element["label"],
                "answer": answer_values(element, answer["value"], answer.get("code_set", "")),
            }
        elif element.get("allow_na") and has_value(answer.get("na_reason")):
            item = {
                "linkId": NA_LINK.format(key),
                "text": f"{element['label']}: {NA_TEXT.lower()}",
                "answer": [{"valueString": answer["na_reason"]}],
            }
        else:
            continue
        if element.get("allow_na") and element.get("condition"):
            item = {"linkId": NA_GROUP_LINK.format(key), "item": [item]}
        grouped[element["section"]].append(item)
    return [
        {"linkId": SECTION_LINK.format(section), "text": SECTIONS[section], "item": items}
        for section, items in grouped.items()
        if items
    ]


# -- people ------------------------------------------------------------------------------


def patient_resource(patient) -> dict:
    resource = {
        "resourceType": "Patient",
        "id": str(patient.pk),
        "meta": _meta(getattr(patient, "updated_at", None) or patient.created_at),
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
                "given": patient.first_name.split(),
            }
        ],
        "gender": patient_gender(patient),
        "birthDate": patient.date_of_birth.isoformat(),
    }
    return resource


def practitioner_resource(user) -> dict:
    identifiers = []
    npi = clinician_npi(user)
    if npi:
        identifiers.append(
            {
                "use": "official",
                "type": {"coding": [{"system": HL7_V2_0203, "code": "NPI"}]},
                "system": NPI,
                "value": npi,
            }
        )
    identifiers.append({"system": f"{identifier_base()}/user", "value": user.get_username()})
    name = name_parts(user.first_name, user.last_name)
    if not name.get("text"):
        name["text"] = user.get_username()
    return {
        "resourceType": "Practitioner",
        "id": str(user.pk),
        "identifier": identifiers,
        "active": user.is_active,
        "name": [name],
    }


def _display(user) -> str:
    return name_parts(user.first_name, user.last_name).get("text") or user.get_username()


# -- the visit ---------------------------------------------------------------------------


def line_side(line) -> str:
    """left, right, bilateral or "": the line's side, or the one its site names (the
    extremity of a chemodenervation line: "Left upper extremity")."""
    if line.side in SIDES:
        return line.side
    first = (line.site or "").strip().split(" ", 1)[0].lower()
    return first if first in ("left", "right") else ""


def _laterality(side: str) -> dict:
    snomed, display = SIDES[side]
    return {"coding": [{"system": SNOMED, "code": snomed, "display": display}]}


def _diagnosis_codings(answers) -> list[dict]:
    version = code_system_version(code_set(answers))
    return [
        {
            "coding": [
                {"system": ICD10CM}
                | ({"version": version} if version else {})
                | {"code": d.code}
                | ({"display": d.description} if d.description else {})
            ],
            "text": d.description or d.code,
        }
        for d in coded_diagnoses(answers)
    ]


def condition_id(note, rank: int) -> str:
    return f"{note.pk}-{rank}"


def condition_resources(note) -> list[dict]:
    """One encounter-diagnosis Condition per coded diagnosis, primary first."""
    changed = note.updated_at
    return [
        {
            "resourceType": "Condition",
            "id": condition_id(note, rank),
            "meta": _meta(changed),
            "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL, "code": "active"}]},
            "verificationStatus": {
                "coding": [{"system": CONDITION_VERIFICATION, "code": "confirmed"}]
            },
            "category": [
                {
                    "coding": [
                        {
                            "system": CONDITION_CATEGORY,
                            "code": "encounter-diagnosis",
                            "display": "Encounter Diagnosis",
                        }
                    ]
                }
            ],
            "code": concept,
            "subject": _ref("Patient", note.patient_id, note.patient.full_name),
            "encounter": _ref("Encounter", note.pk),
            "recordedDate": note.date_of_service.isoformat(),
            "recorder": _ref("Practitioner", note.clinician_id, _display(note.clinician)),
        }
        for rank, concept in enumerate(_diagnosis_codings(note.answers or {}), start=1)
    ]


def encounter_resource(note, addenda=()) -> dict:
    date = note.date_of_service.isoformat()
    resource = {
        "resourceType": "Encounter",
        "id": str(note.pk),
        "meta": _meta(last_changed(note, addenda)),
        "identifier": [{"system": f"{identifier_base()}/note", "value": str(note.pk)}],
        "status": ENCOUNTER_STATUS[note.status],
        "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
        "subject": _ref("Patient", note.patient_id, note.patient.full_name),
        "participant": [
            {
                "type": [{"coding": [{"system": PARTICIPATION_TYPE, "code": "PPRF"}]}],
                "individual": _ref("Practitioner", note.clinician_id, _display(note.clinician)),
            }
        ],
        "period": {"start": date, "end": date},
    }
    diagnoses = _diagnosis_codings(note.answers or {})
    if diagnoses:
        resource["reasonCode"] = diagnoses
        resource["diagnosis"] = [
            {"condition": _ref("Condition", condition_id(note, rank)), "rank": rank}
            for rank in range(1, len(diagnoses) + 1)
        ]
    return resource


def procedure_id(note, line) -> str:
    return f"{note.pk}-{line.position}"


def procedure_resource(note, line, *, addenda=()) -> dict:
    definitions = note.definitions or {}
    title = (definitions.get("codes") or {}).get(line.code, {}).get("title", "")
    code = {"coding": [{"system": CPT, "code": line.code}]}
    if title:
        code["text"] = title
    procedure = {
        "resourceType": "Procedure",
        "id": procedure_id(note, line),
        "meta": _meta(last_changed(note, addenda)),
        "status": PROCEDURE_STATUS[note.status],
        "code": code,
        "subject": _ref("Patient", note.patient_id, note.patient.full_name),
        "encounter": _ref("Encounter", note.pk),
        "performedDateTime": note.date_of_service.isoformat(),
        "performer": [
            {"actor": _ref("Practitioner", note.clinician_id, _display(note.clinician))}
        ],
    }
    side = line_side(line)
    if line.site or side:
        site = {}
        if side:
            site["extension"] = [{"url": LATERALITY, "valueCodeableConcept": _laterality(side)}]
        site["text"] = line.site or SIDES[side][1]
        procedure["bodySite"] = [site]
    diagnoses = _diagnosis_codings(note.answers or {})
    if diagnoses:
        procedure["reasonCode"] = diagnoses
        procedure["reasonReference"] = [
            _ref("Condition", condition_id(note, rank)) for rank in range(1, len(diagnoses) + 1)
        ]
    notes = []
    if line.technique:
        notes.append({"text": f"Technique: {_technique_label(definitions, line.technique)}"})
    notes += [
        {
            "authorReference": _ref("Practitioner", a.author_id),
            "time": instant(a.created_at),
            "text": f"Addendum ({a.reason}): {a.text}",
        }
        for a in addenda
    ]
    if notes:
        procedure["note"] = notes
    return procedure


def _technique_label(definitions: dict, key: str) -> str:
    # The catalog's own label for a technique key, from the note's snapshot.
    for element in definitions.get("elements", []):
        if element["key"] == "technique":
            return dict(map(tuple, element.get("choices") or [])).get(key, key)
    return key


def _modifier(code: str) -> dict:
    # Two-digit modifiers are CPT's; letters (LT, RT, XS, JW, ...) are HCPCS Level II.
    return {"coding": [{"system": CPT if code.isdigit() else HCPCS, "code": code}]}


def claim_resource(note, lines, addenda=()) -> dict:
    """What billing reads, in standard elements: one item per code line with its CPT code,
    units, modifiers, place of service, side and diagnosis pointers."""
    diagnoses = _diagnosis_codings(note.answers or {})
    place = {
        "coding": [
            {
                "system": PLACE_OF_SERVICE,
                "code": note.place_of_service,
                "display": note.get_place_of_service_display().split(" ", 1)[-1],
            }
        ]
    }
    items = []
    for sequence, line in enumerate(lines, start=1):
        item = {
            "sequence": sequence,
            "productOrService": {"coding": [{"system": CPT, "code": line.code}]},
            "servicedDate": note.date_of_service.isoformat(),
            "locationCodeableConcept": place,
            "quantity": {"value": line.units},
            "encounter": [_ref("Encounter", note.pk)],
        }
        if line.modifiers:
            item["modifier"] = [_modifier(m) for m in line.modifiers]
        side = line_side(line)
        if side or line.site:
            item["bodySite"] = {"text": line.site or SIDES[side][1]} | (
                _laterality(side) if side else {}
            )
        if diagnoses:
            item["diagnosisSequence"] = list(range(1, len(diagnoses) + 1))
        items.append(item)
    claim = {
        "resourceType": "Claim",
        "id": str(note.pk),
        "meta": _meta(last_changed(note, addenda)),
        "status": CLAIM_STATUS[note.status],
        "type": {"coding": [{"system": CLAIM_TYPE, "code": "professional"}]},
        "use": "claim",
        "patient": _ref("Patient", note.patient_id, note.patient.full_name),
        "billablePeriod": {
            "start": note.date_of_service.isoformat(),
            "end": note.date_of_service.isoformat(),
        },
        "created": instant(note.signed_at or note.updated_at),
        "provider": _ref("Practitioner", note.clinician_id, _display(note.clinician)),
        "priority": {"coding": [{"system": PROCESS_PRIORITY, "code": "normal"}]},
        # The checklist records no coverage; the practice's billing system adds it.
        "insurance": [
            {"sequence": 1, "focal": True, "coverage": {"display": "Not recorded in the note"}}
        ],
    }
    if diagnoses:
        claim["diagnosis"] = [
            {"sequence": rank, "diagnosisCodeableConcept": concept}
            for rank, concept in enumerate(diagnoses, start=1)
        ]
    claim["item"] = items
    return claim


def response_resource(note, lines, addenda=()) -> dict:
    definitions = note.definitions or {}
    codes = list(dict.fromkeys(line.code for line in lines)) or list(definitions.get("codes", {}))
    response = {
        "resourceType": "QuestionnaireResponse",
        "id": str(note.pk),
        "meta": _meta(last_changed(note, addenda)),
        "identifier": {"system": f"{identifier_base()}/note", "value": str(note.pk)},
        "partOf": [_ref("Procedure", procedure_id(note, line)) for line in lines],
        "status": RESPONSE_STATUS[note.status],
        "subject": _ref("Patient", note.patient_id, note.patient.full_name),
        "encounter": _ref("Encounter", note.pk),
        "authored": instant(note.signed_at or note.updated_at),
        "author": _ref("Practitioner", note.clinician_id, _display(note.clinician)),
        "item": response_items(definitions, note.answers or {}),
    }
    version = note.catalog_version
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
    return response


def document_resource(note, pdf: bytes, addenda=()) -> dict:
    """The signed PDF: `hash` is its SHA-1 (what FHIR R4 defines), and the SHA-256 names
    it as an RFC 6920 `ni:` URI in `identifier`, so either can be checked."""
    sha256 = hashlib.sha256(pdf).digest()
    author = _ref("Practitioner", note.clinician_id, _display(note.clinician))
    signer = note.signed_by or note.clinician
    return {
        "resourceType": "DocumentReference",
        "id": str(note.pk),
        "meta": _meta(last_changed(note, addenda)),
        "masterIdentifier": {"system": f"{identifier_base()}/note", "value": str(note.pk)},
        "identifier": [
            {
                "system": "urn:ietf:rfc:3986",
                "value": "ni:///sha-256;" + base64.urlsafe_b64encode(sha256).decode().rstrip("="),
            }
        ],
        "status": "current",
        "docStatus": "amended" if note.status == "amended" else "final",
        "type": {
            "coding": [{"system": LOINC, "code": PROCEDURE_NOTE[0], "display": PROCEDURE_NOTE[1]}]
        },
        "subject": _ref("Patient", note.patient_id, note.patient.full_name),
        "date": instant(note.signed_at),
        "author": [author],
        "authenticator": _ref("Practitioner", signer.pk, _display(signer)),
        "description": note.title,
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "url": f"{fhir_base()}/Binary/note-{note.pk}-pdf",
                    "size": len(pdf),
                    "hash": base64.b64encode(hashlib.sha1(pdf).digest()).decode(),
                    "title": f"note-{note.pk}.pdf",
                    "creation": instant(note.signed_at),
                }
            }
        ],
        "context": {
            "encounter": [_ref("Encounter", note.pk)],
            "period": {
                "start": note.date_of_service.isoformat(),
                "end": note.date_of_service.isoformat(),
            },
        },
    }


# -- the whole note ----------------------------------------------------------------------


def note_resources(note, *, pdf: bytes | None = None) -> list[dict]:
    """Every resource of the note; the DocumentReference only when the signed PDF's bytes
    are given (see interop.documents.signed_pdf)."""
    lines = list(note.lines.all())
    addenda = list(note.addenda.select_related("author"))
    users = {note.clinician_id: note.clinician} | {a.author_id: a.author for a in addenda}
    if note.signed_by_id:
        users.setdefault(note.signed_by_id, note.signed_by)
    resources = [response_resource(note, lines, addenda)]
    resources.append(patient_resource(note.patient))
    resources += [practitioner_resource(user) for user in users.values()]
    resources.append(encounter_resource(note, addenda))
    resources += condition_resources(note)
    resources += [procedure_resource(note, line, addenda=addenda) for line in lines]
    resources.append(claim_resource(note, lines, addenda))
    if pdf is not None and note.is_signed:
        resources.append(document_resource(note, pdf, addenda))
    return resources


def note_bundle(note, *, pdf: bytes | None = None) -> dict:
    """The note as a FHIR R4 `collection` Bundle (JSON-ready dict)."""
    resources = note_resources(note, pdf=pdf)
    addenda = list(note.addenda.all())
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": instant(last_changed(note, addenda)),
        "entry": [{"fullUrl": full_url(r), "resource": r} for r in resources],
    }
