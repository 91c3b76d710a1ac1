"""The canonical JSON of a note: what a signature's SHA-256 covers.

Documented in docs/canonical-json.md. Two formats, named inside the document itself and
stored on the note when it is signed (`Note.signature_format`):

- "neurolysis-note/2" (signing today): RFC 8785, the JSON Canonicalization Scheme, through
  the `rfc8785` package, so that any JCS implementation recomputes the bytes; each code
  line carries its technique.
- "neurolysis-note/1" (notes signed before): Python's json with sorted keys, compact
  separators, UTF-8. Kept byte for byte, so those notes keep verifying.

Both: only the elements that apply, dates in ISO 8601, the signing time in UTC. The same
bytes are embedded in the PDF, so the paper copy proves what was signed.
"""

import datetime
import hashlib
import json

import rfc8785

from .completeness import applicable_elements, has_value

FORMAT_1 = "neurolysis-note/1"
FORMAT_2 = "neurolysis-note/2"
FORMAT = FORMAT_2  # what signing writes
FORMATS = (FORMAT_1, FORMAT_2)


def note_format(note) -> str:
    """The format the note was signed in (a draft: the one it would be signed in)."""
    return getattr(note, "signature_format", "") or FORMAT


def _line(line, version: str) -> dict:
    entry = {
        "code": line.code,
        "units": line.units,
        "modifiers": list(line.modifiers),
        "side": line.side,
        "site": line.site,
    }
    if version == FORMAT_2:
        entry["technique"] = line.technique
    return entry


def note_document(note, version: str | None = None) -> dict:
    version = version or note_format(note)
    if version not in FORMATS:
        raise ValueError(f"unknown canonical format {version!r}")
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
        "format": version,
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
        "lines": [_line(line, version) for line in note.lines.all()],
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
    if document.get("format") == FORMAT_1:
        return json.dumps(
            document, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode("utf-8")
    return rfc8785.dumps(document)


def canonical_bytes(note) -> bytes:
    return encode(note_document(note))


def content_hash(note) -> str:
    return hashlib.sha256(canonical_bytes(note)).hexdigest()
