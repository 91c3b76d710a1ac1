"""What the rules read about a note: plain, frozen facts, so every check is a pure function.

`NoteFacts.from_note` is the only place that touches a `checklists.Note`; tests and the
"next planned procedure" form build facts directly. Sides and levels are normalised here
once, so "L4-5" on a block and "L4-L5" on an ablation are the same level.
"""

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

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

    @classmethod
    def from_note(cls, note) -> "NoteFacts":
        definitions = note.definitions or {}
        elements = definitions.get("elements", [])
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
                )
                for line in note.lines.all()
            ),
            answers=note.answers or {},
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
