"""The canonical JSON of a note: what a signature's SHA-256 covers.

Documented in docs/canonical-json.md. Keys sorted, no insignificant white space, UTF-8,
only the elements that apply, dates in ISO 8601. The same bytes are embedded in the PDF,
so the paper copy proves what was signed.
"""

import datetime
import hashlib
import json

from .completeness import applicable_elements, has_value

FORMAT = "neurolysis-note/1"


def note_document(note) -> dict:
    definitions = note.definitions
    answers = note.answers or {}
    elements = []
    for element in applicable_elements(definitions.get("elements", []), answers):
        answer = answers.get(element["key"]) or {}
        entry = {"key": element["key"], "label": element["label"], "section": element["section"]}
        if has_value(answer.get("value")):
            entry["value"] = answer["value"]
            if element.get("unit"):
                entry["unit"] = element["unit"]
        elif element.get("allow_na") and has_value(answer.get("na_reason")):
            entry["not_applicable_reason"] = answer["na_reason"]
        else:
            continue
        elements.append(entry)
    return {
        "format": FORMAT,
        "note_id": note.pk,
        "catalog_version": note.catalog_version,
        "patient": {
            "mrn": note.patient.mrn,
            "name": note.patient.full_name,
            "date_of_birth": note.patient.date_of_birth.isoformat(),
        },
        "clinician": {
            "username": note.clinician.get_username(),
            "name": note.clinician.get_full_name(),
        },
        "date_of_service": note.date_of_service.isoformat(),
        "place_of_service": note.place_of_service,
        "lines": [
            {
                "code": line.code,
                "units": line.units,
                "modifiers": list(line.modifiers),
                "side": line.side,
                "site": line.site,
            }
            for line in note.lines.all()
        ],
        "elements": elements,
        "signature": {
            "signed_by": note.signed_by.get_username() if note.signed_by else None,
            # Always in UTC: the database hands the time back in UTC, whatever zone it was
            # written in, and the same instant must hash the same.
            "signed_at": note.signed_at.astimezone(datetime.UTC).isoformat()
            if note.signed_at
            else None,
            "attestation": note.attestation or None,
        },
    }


def encode(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def canonical_bytes(note) -> bytes:
    return encode(note_document(note))


def content_hash(note) -> str:
    return hashlib.sha256(canonical_bytes(note)).hexdigest()
