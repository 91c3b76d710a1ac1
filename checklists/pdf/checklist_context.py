"""The blank paper checklist of one code: the same elements the note form asks, on paper."""

from dataclasses import dataclass

from practice.models import PlaceOfService, Practice
from procedures.units import display_unit

from ..models import CodeLine
from ..presentation import SECTION_LABELS
from ..snapshot import build_definitions
from .note_context import page_size, practice_line, two_columns

# Choice lists longer than this print in two columns to save paper.
COLUMNS_FROM = 6


@dataclass(frozen=True)
class PaperField:
    key: str
    label: str
    input_type: str
    requirement: str
    unit: str
    choices: tuple[str, ...]
    allow_na: bool
    condition: str

    @property
    def in_columns(self) -> bool:
        return len(self.choices) >= COLUMNS_FROM

    @property
    def columns(self) -> tuple[tuple, tuple]:
        return two_columns(self.choices)


def condition_text(condition, elements: dict) -> str:
    if not condition or condition["element"] not in elements:
        return ""
    target = elements[condition["element"]]
    choices = [tuple(pair) for pair in target.get("choices") or []]
    names = dict(choices) | {"yes": "Yes", "no": "No"}
    wanted = [names.get(value, value) for value in condition["in"]]
    others = [name for value, name in choices if value not in condition["in"]]
    label = target["label"].lower()
    if len(wanted) > 3 and others and len(others) < len(wanted):
        return f"Only if {label} is anything but {' or '.join(others)}"
    return f"Only if {label} is {' or '.join(wanted)}"


def paper_field(element: dict, elements: dict) -> PaperField:
    return PaperField(
        key=element["key"],
        label=element["label"],
        input_type=element["input_type"],
        requirement=element["requirement"],
        unit=display_unit(element.get("unit") or ""),
        choices=tuple(label for _, label in element.get("choices") or []),
        allow_na=bool(element.get("allow_na")),
        condition=condition_text(element.get("condition"), elements),
    )


def sides(code) -> list[str]:
    if code.laterality == code.Laterality.NONE:
        return []
    names = [CodeLine.Side.LEFT.label, CodeLine.Side.RIGHT.label]
    if code.laterality == code.Laterality.BILATERAL_ALLOWED:
        names.append(f"{CodeLine.Side.BILATERAL.label} (modifier 50)")
    return names


def checklist_context(code, generated_at) -> dict:
    definitions = build_definitions([code.code])
    elements = {e["key"]: e for e in definitions["elements"]}
    sections = [
        (label, [paper_field(e, elements) for e in elements.values() if e["section"] == key])
        for key, label in SECTION_LABELS.items()
    ]
    places = dict(PlaceOfService.choices)
    practice = Practice.current()
    return {
        "code": code,
        "practice": practice,
        "practice_line": practice_line(practice),
        "page_size": page_size(practice),
        "generated_at": generated_at,
        "title": f"Checklist: {code.title} ({code.code})",
        "catalog_version": definitions["catalog_version"],
        "places": [places[p] for p in code.places_of_service if p in places] or places.values(),
        "sides": sides(code),
        "sections": [(label, fields) for label, fields in sections if fields],
        "pain_scale": range(11),
        "required_count": sum(1 for e in elements.values() if e["requirement"] == "required"),
    }
