"""What the scrubber reports, and how severe it is.

An error is a claim that cannot be right (an add-on with no primary, a mutually exclusive
pair, units over a hard limit): it blocks signing. A warning can be signed with a one-line
reason, which is kept with the note. A notice is shown only.
"""

import hashlib
from dataclasses import dataclass

ERROR, WARNING, NOTICE = "error", "warning", "notice"


@dataclass(frozen=True)
class CodingProblem:
    message: str
    fix: str
    line: int | None = None  # 0-based index of the note's code line; None for the claim
    field: str = ""  # the line's field ("units", "modifiers", ...) or an element key
    severity: str = ERROR
    rule: str = ""  # the rule kind, e.g. "daily-units"
    source: str = ""  # the catalog source the rule cites

    @property
    def key(self) -> str:
        """Stable while the problem is the same: a reason given for a warning stays with
        it, and a changed claim (other units, another line) asks again."""
        text = f"{self.rule}|{self.line}|{self.message}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def blocking(problems) -> list[CodingProblem]:
    return [p for p in problems if p.severity == ERROR]


def warnings(problems) -> list[CodingProblem]:
    return [p for p in problems if p.severity == WARNING]
