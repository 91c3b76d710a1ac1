"""Helpers to build notes in tests through the real services (no factories)."""

import datetime

from checklists import services
from checklists.element_form import to_answer_value

DOS = datetime.date(2026, 11, 2)

LINES = {
    "64681": [{"code": "64681", "units": 1, "modifiers": [], "side": "", "site": ""}],
    "64640": [
        {
            "code": "64640",
            "units": 1,
            "modifiers": ["LT"],
            "side": "left",
            "site": "suprascapular nerve",
        }
    ],
    "64632": [{"code": "64632", "units": 1, "modifiers": ["LT"], "side": "left", "site": "3rd"}],
    "64643": [
        {"code": "64642", "units": 1, "modifiers": [], "side": "", "site": "Left upper extremity"},
        {"code": "64643", "units": 1, "modifiers": [], "side": "", "site": "Left lower extremity"},
    ],
}
TECHNIQUE = {
    "64681": "chemical",
    "64640": "chemical",
    "64632": "chemical",
    "64643": "chemodenervation",
}


def sample_value(element):
    """A plausible, valid answer for any element type."""
    kind = element["input_type"]
    choices = [pair[0] for pair in element.get("choices") or []]
    if kind == "choice":
        return choices[0]
    if kind == "multi_choice":
        return choices[:1]
    if kind == "yes_no":
        return "yes"
    if kind in ("number", "percent"):
        low = float(element.get("min") or 0)
        high = float(element.get("max") or 100)
        value = round(low + (high - low) / 4, 1)
        return format(value, "g") if value != int(value) else str(int(value))
    if kind == "pain_score":
        return 3
    if kind == "date":
        return "2026-10-15"
    if kind == "datetime":
        return "2026-11-02T09:30:00"
    if kind == "icd10":
        return [
            {
                "code": "M47.816",
                "description": "Spondylosis without myelopathy or radiculopathy, lumbar region",
            }
        ]
    return f"Synthetic {element['label'].lower()} for a test note."


def side_treated(lines):
    """The "Side treated" answer a clinician gives for these lines ({} when they have no
    side): their side, or both sides for left and right."""
    sides = {line["side"] for line in lines if line.get("side")}
    if not sides:
        return {}
    both = "bilateral" in sides or {"left", "right"} <= sides
    return {"procedure_side": {"value": "bilateral" if both else sides.pop()}}


def shown(element, answers):
    """The catalog's condition read literally (docs/catalog-format.md), not through the
    completeness module these answers test: the element it names holds one of the listed
    values, or, for a multiple choice, one of its choices is listed."""
    condition = element.get("condition")
    if not condition:
        return True
    value = (answers.get(condition["element"]) or {}).get("value")
    chosen = value if isinstance(value, list) else [value]
    return any(choice in condition["in"] for choice in chosen)


def complete_answers(definitions, technique, overrides=None):
    """Answers that document every element that is shown (required and recommended)."""
    answers = {"technique": {"value": technique}} if technique else {}
    answers |= overrides or {}
    for _ in range(3):  # conditions can chain: settle them
        for element in definitions["elements"]:
            if element["key"] in answers or not shown(element, answers):
                continue
            answers[element["key"]] = {"value": sample_value(element)}
    return answers


def make_note(
    clinician, patient, kind="64681", *, lines=None, complete=False, answers=None, day=DOS
):
    lines = lines or LINES[kind]
    note = services.create_note(
        clinician=clinician,
        patient=patient,
        date_of_service=day,
        place_of_service="22",
        lines=lines,
    )
    if complete or answers:
        # A complete note documents the side its lines bill (the coding checks compare them).
        overrides = side_treated(lines) | (answers or {})
        filled = (
            complete_answers(note.definitions, TECHNIQUE.get(kind), overrides)
            if complete
            else answers
        )
        note = services.save_note(note, version=note.version, answers=filled, actor=clinician)
    return note


def sign(note, clinician):
    return services.sign_note(note, user=clinician, version=note.version)


__all__ = [
    "make_note",
    "sign",
    "complete_answers",
    "side_treated",
    "sample_value",
    "to_answer_value",
]
