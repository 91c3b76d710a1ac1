"""What the rules read about a note: plain, frozen facts, so every check is a pure function.

`NoteFacts.from_note` is the only place that touches a `checklists.Note`; tests and the
"next planned procedure" form build facts directly. Sides and levels are normalised here
once, so "L4-5" on a block and "L4-L5" on an ablation are the same level.
"""

import dataclasses
import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from checklists.diagnoses import coded_diagnoses, uncoded_text

LEFT, RIGHT = "left", "right"
SIDE_SETS = {
    "left": frozenset({LEFT}),
    "right": frozenset({RIGHT}),
    "bilateral": frozenset({LEFT, RIGHT}),
}
_LEVEL_SPLIT = re.compile(r"\s*(?:,|;|&|\+|\band\b)\s*", re.IGNORECASE)
_SHORT_LEVEL = re.compile(r"^([CTLS])(\d+)-(\d+)$")


def sides_of(side: str, modifiers=()) -> frozenset[str]:
    """The sides a code line treats; an empty set when the line names none."""
    if side in SIDE_SETS:
        return SIDE_SETS[side]
    mods = {m.strip().upper() for m in modifiers}
    if "50" in mods:
        return SIDE_SETS["bilateral"]
    if "LT" in mods:
        return SIDE_SETS["left"]
    if "RT" in mods:
        return SIDE_SETS["right"]
    return frozenset()


def levels_of(site: str) -> frozenset[str]:
    """'L4-5, L5-S1' -> {'L4-L5', 'L5-S1'}; '3rd' -> {'3RD'}; '' -> {}."""
    levels = set()
    for token in _LEVEL_SPLIT.split(site or ""):
        token = re.sub(r"\s+", "", token.upper())
        if not token:
            continue
        levels.add(_SHORT_LEVEL.sub(r"\1\2-\1\3", token))
    return frozenset(levels)


@dataclass(frozen=True)
class Line:
    code: str
    units: int = 1
    modifiers: tuple[str, ...] = ()
    side: str = ""
    site: str = ""
    technique: str = ""

    @property
    def sides(self) -> frozenset[str]:
        return sides_of(self.side, self.modifiers)

    @property
    def levels(self) -> frozenset[str]:
        return levels_of(self.site)

    def describe(self) -> str:
        parts = [self.code]
        if self.site:
            parts.append(self.site)
        if self.side:
            parts.append(self.side)
        return " ".join(parts)


# Codes whose site is a web space: the note's structured "Web space(s) treated" answer
# (left_3, right_2, ...) says where they were done, whatever the line's site text says.
WEB_SPACE_CODES = frozenset({"64632", "64455"})
WEB_SPACE_ELEMENT = "interspace_treated"


def structured_lines(lines, answers: Mapping) -> tuple[Line, ...]:
    """The lines with their site taken from the structured answers where there is one:
    a 64632 line billed LT, with web spaces ["left_3", "right_2"], is at "web space 3"."""
    spaces = (answers.get(WEB_SPACE_ELEMENT) or {}).get("value") or []
    if not isinstance(spaces, list) or not spaces:
        return tuple(lines)
    by_side: dict[str, list[str]] = {}
    for space in spaces:
        side, _, number = str(space).partition("_")
        by_side.setdefault(side, []).append(number)
    result = []
    for line in lines:
        if line.code not in WEB_SPACE_CODES:
            result.append(line)
            continue
        sides = sorted(line.sides or by_side)
        numbers = sorted({n for side in sides for n in by_side.get(side, [])})
        if not numbers:
            result.append(line)
            continue
        side = line.side
        if not side and len(sides) == 1:
            side = sides[0]
        site = ", ".join(f"web space {n}" for n in numbers)
        result.append(dataclasses.replace(line, site=site, side=side))
    return tuple(result)


@dataclass(frozen=True)
class NoteFacts:
    """One procedure note as the rules see it (`id` is None for a planned procedure)."""

    id: int | None
    date: datetime.date
    lines: tuple[Line, ...]
    answers: Mapping = field(default_factory=dict)
    place_of_service: str = ""
    signed: bool = True
    labels: Mapping = field(default_factory=dict)
    families: Mapping = field(default_factory=dict)
    allow_na: frozenset[str] = frozenset()
    choices: Mapping = field(default_factory=dict)  # element key -> {value: label}

    def __post_init__(self):
        # Where a structured answer says where a line was done, it wins over the line's
        # wording (however the facts were built: from a note, a form or a test).
        object.__setattr__(self, "lines", structured_lines(self.lines, self.answers))

    @classmethod
    def from_note(cls, note) -> "NoteFacts":
        definitions = note.definitions or {}
        elements = definitions.get("elements", [])
        answers = note.answers or {}
        return cls(
            id=note.pk,
            date=note.date_of_service,
            lines=tuple(
                Line(
                    code=line.code,
                    units=line.units,
                    modifiers=tuple(line.modifiers or ()),
                    side=line.side or "",
                    site=line.site or "",
                    technique=line.technique or "",
                )
                for line in note.lines.all()
            ),
            answers=answers,
            place_of_service=note.place_of_service,
            signed=note.is_signed,
            labels={e["key"]: e["label"] for e in elements},
            families={
                code: spec.get("family", "") for code, spec in definitions.get("codes", {}).items()
            },
            allow_na=frozenset(e["key"] for e in elements if e.get("allow_na")),
            choices={
                e["key"]: {pair[0]: pair[1] for pair in e["choices"]}
                for e in elements
                if e.get("choices")
            },
        )

    @property
    def diagnoses(self) -> tuple[str, ...]:
        """The ICD-10-CM codes on the note, primary first (checklists/diagnoses.py)."""
        return tuple(d.code for d in coded_diagnoses(self.answers))

    @property
    def uncoded_diagnosis(self) -> str:
        return uncoded_text(self.answers)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(line.code for line in self.lines)

    def lines_with(self, codes) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.code in codes)

    def value(self, key: str):
        """The answer's value, or None when the element has no value (empty or not applicable)."""
        value = (self.answers.get(key) or {}).get("value")
        if value is None or (isinstance(value, str | list) and not value):
            return None
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def na_reason(self, key: str) -> str:
        return ((self.answers.get(key) or {}).get("na_reason") or "").strip()

    def number(self, key: str) -> Decimal | None:
        value = self.value(key)
        if value is None or isinstance(value, bool | list | dict):
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None

    def choice_label(self, key: str, value) -> str:
        if value in ("yes", "no") and key not in self.choices:
            return value
        return self.choices.get(key, {}).get(value) or str(value).replace("_", " ")

    def label(self, key: str) -> str:
        return self.labels.get(key) or key.replace("_", " ").capitalize()

    def describe(self) -> str:
        lines = ", ".join(line.describe() for line in self.lines)
        return f"{lines} on {self.date:%m/%d/%Y}"
