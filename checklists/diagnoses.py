"""The diagnoses a note is filled for, as ICD-10-CM codes.

The "diagnosis" element's answer holds the coded diagnoses in the order the clinician put
them (the first is the primary):

    {"value": [{"code": "M47.816", "description": "Spondylosis without myelopathy or
                radiculopathy, lumbar region"}, ...],
     "code_set": "ICD-10-CM 2026"}

Notes written before diagnoses were coded hold free text in "value"; they keep it and are
shown as "not coded". Everything that reads diagnoses (payer rules, the PDF, FHIR) asks
this module, so the shape is known in one place.
"""

import re
from dataclasses import dataclass

ELEMENT = "diagnosis"
ICD10CM_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"


@dataclass(frozen=True)
class Diagnosis:
    code: str  # with its dot, as printed: "M47.816"
    description: str


def coded_diagnoses(answers: dict) -> list[Diagnosis]:
    """The note's coded diagnoses, primary first ([] for free text or no answer)."""
    value = (answers.get(ELEMENT) or {}).get("value")
    if not isinstance(value, list):
        return []
    return [
        Diagnosis(str(item["code"]), str(item.get("description") or ""))
        for item in value
        if isinstance(item, dict) and item.get("code")
    ]


def uncoded_text(answers: dict) -> str:
    """The free-text diagnosis of a note written before coding ("" when coded or empty)."""
    value = (answers.get(ELEMENT) or {}).get("value")
    return value.strip() if isinstance(value, str) else ""


def code_set(answers: dict) -> str:
    """The ICD-10-CM release the codes were picked from ("" when not coded)."""
    return str((answers.get(ELEMENT) or {}).get("code_set") or "")


def code_system_version(release: str) -> str:
    """The code system version a FHIR Coding carries for a stored release: its year.

    ICD-10-CM is versioned by fiscal year ("2026" for the October 2025 tables and the
    April 2026 update of the same year); "" when the release names no year (free text,
    or notes coded before the release was stored)."""
    found = re.search(r"\b(\d{4})\b", release or "")
    return found[1] if found else ""
