"""How a note's answers read to a person: shared by the read view, signing page and PDF."""

import datetime
import re
from dataclasses import dataclass

from procedures.units import value_unit

from .completeness import applicable_elements, has_value, is_documented
from .diagnoses import ELEMENT as DIAGNOSIS_ELEMENT

SECTION_LABELS = {"pre": "Pre-procedure", "procedure": "Procedure", "post": "Post-procedure"}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    display: str
    documented: bool
    requirement: str


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    rows: tuple[Row, ...]


# Hints written for the picker, not for the record: "Medication (e.g. NSAIDs, ...)",
# "Other (describe in the next field)".
PICKER_HINT = re.compile(r"\s*\((?:e\.g\.|describe|name it)[^)]*\)")


def choice_label(label: str) -> str:
    """A choice as the record prints it, without the picker's hint."""
    return PICKER_HINT.sub("", label).strip()


def display_value(element: dict, answer: dict | None) -> str:
    answer = answer or {}
    value = answer.get("value")
    if not has_value(value):
        reason = answer.get("na_reason")
        return f"Not applicable / not done: {reason}" if reason else ""
    names = {value: choice_label(label) for value, label in element.get("choices") or []}
    kind = element["input_type"]
    if kind == "icd10" or element["key"] == DIAGNOSIS_ELEMENT:
        return diagnoses_text(value)
    if kind == "choice":
        return names.get(value, value)
    if kind == "multi_choice":
        return "; ".join(names.get(v, v) for v in value)
    if kind == "yes_no":
        return {"yes": "Yes", "no": "No"}.get(value, value)
    if kind == "pain_score":
        return f"{value} / 10"
    if kind == "percent":
        return f"{value} %"
    if kind == "number":
        return f"{value} {value_unit(element.get('unit') or '')}".strip()
    if kind == "date":
        return datetime.date.fromisoformat(value).strftime("%m/%d/%Y")
    if kind == "datetime":
        return datetime.datetime.fromisoformat(value).strftime("%m/%d/%Y %H:%M")
    return str(value)


def diagnoses_text(value) -> str:
    """'M47.816 Spondylosis ...; M54.50 Low back pain ...'; free text written before
    diagnoses were coded is shown as it was, marked "not coded"."""
    if isinstance(value, list):
        return "; ".join(
            f"{item.get('code', '')} {item.get('description', '')}".strip()
            for item in value
            if isinstance(item, dict)
        )
    return f"{value} (not coded)"


def note_sections(note, *, include_undocumented=True) -> list[Section]:
    answers = note.answers or {}
    grouped: dict[str, list[Row]] = {key: [] for key in SECTION_LABELS}
    for element in applicable_elements(note.definitions.get("elements", []), answers):
        answer = answers.get(element["key"])
        documented = is_documented(element, answer)
        if not documented and (
            not include_undocumented or element["requirement"] == "information"
        ):
            continue
        grouped[element["section"]].append(
            Row(
                key=element["key"],
                label=element["label"],
                display=display_value(element, answer),
                documented=documented,
                requirement=element["requirement"],
            )
        )
    return [
        Section(key, SECTION_LABELS[key], tuple(rows)) for key, rows in grouped.items() if rows
    ]
