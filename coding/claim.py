"""The claim of one date of service: the note's code lines and the patient's other notes'."""

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    code: str
    units: int = 1
    modifiers: tuple[str, ...] = ()
    side: str = ""  # "left", "right", "bilateral" or ""
    site: str = ""
    technique: str = ""
    index: int | None = None  # position on this note (0-based); None on another note
    note_id: int | None = None  # the other note's id

    @property
    def own(self) -> bool:
        return self.note_id is None

    @property
    def where(self) -> str:
        if self.own:
            return f"line {self.index + 1}"
        return f"note {self.note_id}" if self.note_id else "another note of the day"

    @classmethod
    def from_dict(cls, data: dict, *, index=None, note_id=None) -> "Line":
        return cls(
            code=str(data.get("code") or ""),
            units=int(data.get("units") or 0),
            modifiers=tuple(
                m.strip().upper() for m in data.get("modifiers") or [] if m and m.strip()
            ),
            side=data.get("side") or "",
            site=(data.get("site") or "").strip(),
            technique=data.get("technique") or "",
            index=index,
            note_id=note_id,
        )


@dataclass(frozen=True)
class Claim:
    lines: tuple[Line, ...]  # the note's own lines first, then the day's other lines
    codes: dict  # code -> facts from the note's snapshot, each with its "billing"
    rules: dict = field(default_factory=dict)  # the catalog's claim rules
    answers: dict = field(default_factory=dict)
    date_of_service: datetime.date | None = None
    cpt_year: int | None = None

    @property
    def own_lines(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.own)

    def answer(self, key: str):
        return (self.answers.get(key) or {}).get("value")

    def spec(self, code: str) -> dict:
        return self.codes.get(code) or {}

    def billing(self, code: str) -> dict:
        return self.spec(code).get("billing") or {}

    def lines_of(self, codes) -> list[Line]:
        return [line for line in self.lines if line.code in codes]


def build(
    own: list[dict],
    codes: dict,
    *,
    others: list[tuple[int, dict]] = (),
    rules: dict | None = None,
    answers: dict | None = None,
    date_of_service=None,
    cpt_year=None,
) -> Claim:
    """A claim from line dicts (as the form and `services.line_dicts` give them)."""
    lines = [Line.from_dict(line, index=i) for i, line in enumerate(own)]
    lines += [Line.from_dict(line, note_id=note_id) for note_id, line in others]
    return Claim(
        lines=tuple(lines),
        codes=codes,
        rules=rules or {},
        answers=answers or {},
        date_of_service=date_of_service,
        cpt_year=cpt_year,
    )
