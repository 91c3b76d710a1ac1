"""Completeness of a note: the one calculation the form, the PDF and the review share.

Pure: element definitions (from the note's snapshot) and answers in, a frozen result out.
An element is documented when it has a value, or when the catalog lets it be answered
"not applicable / not done" and a reason is given. An element whose condition is not met
does not apply and is not counted. A section nobody opened has all its elements missing.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Gap:
    key: str
    label: str
    section: str
    requirement: str


@dataclass(frozen=True)
class Completeness:
    required_total: int
    required_done: int
    recommended_total: int
    recommended_done: int
    missing: tuple[Gap, ...]
    # (key, status) for every element that applies and is documented or counted as missing,
    # in catalog order; stored on the note (Note.element_status) for the review's CSV.
    statuses: tuple[tuple[str, str], ...] = ()

    @property
    def required_missing(self) -> int:
        return self.required_total - self.required_done

    @property
    def recommended_missing(self) -> int:
        return self.recommended_total - self.recommended_done

    @property
    def percent(self) -> int:
        if not self.required_total:
            return 100
        return self.required_done * 100 // self.required_total

    @property
    def is_complete(self) -> bool:
        return self.required_done == self.required_total

    @property
    def element_status(self) -> dict[str, str]:
        return dict(self.statuses)

    @property
    def missing_required(self) -> tuple[Gap, ...]:
        return tuple(g for g in self.missing if g.requirement == "required")

    @property
    def missing_recommended(self) -> tuple[Gap, ...]:
        return tuple(g for g in self.missing if g.requirement == "recommended")


def has_value(value) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, tuple, dict)):
        return bool(value)
    return True


def is_documented(element: dict, answer: dict | None) -> bool:
    if not answer:
        return False
    if has_value(answer.get("value")):
        return True
    return bool(element.get("allow_na")) and has_value(answer.get("na_reason"))


def status(element: dict, answer: dict | None) -> str | None:
    """How the element stands, in words a spreadsheet reader understands: "documented",
    "not applicable: <reason>", "missing (required)" or "missing (recommended)"; None for an
    unanswered element that is neither required nor recommended."""
    if answer and has_value(answer.get("value")):
        return "documented"
    if is_documented(element, answer):
        return f"not applicable: {str(answer['na_reason']).strip()}"
    if element["requirement"] in ("required", "recommended"):
        return f"missing ({element['requirement']})"
    return None


def _condition_met(condition: dict, answers: dict) -> bool:
    value = (answers.get(condition["element"]) or {}).get("value")
    if isinstance(value, list):
        return any(v in condition["in"] for v in value)
    return value in condition["in"]


def applies(element: dict, answers: dict, elements: list[dict] | None = None) -> bool:
    """Met condition, and (given the element list) the element it depends on applies too:
    switching technique from chemical to RF retires the agent and its concentration."""
    condition = element.get("condition")
    if not condition:
        return True
    if not _condition_met(condition, answers):
        return False
    if elements is None:
        return True
    by_key = {e["key"]: e for e in elements}
    seen = {element["key"]}
    parent = by_key.get(condition["element"])
    while parent is not None and parent.get("condition") and parent["key"] not in seen:
        if not _condition_met(parent["condition"], answers):
            return False
        seen.add(parent["key"])
        parent = by_key.get(parent["condition"]["element"])
    return True


def applicable_elements(elements: list[dict], answers: dict) -> list[dict]:
    return [e for e in elements if applies(e, answers, elements)]


def assess(elements: list[dict], answers: dict) -> Completeness:
    counts = {"required": [0, 0], "recommended": [0, 0]}
    missing = []
    statuses = []
    for element in applicable_elements(elements, answers):
        answer = answers.get(element["key"])
        state = status(element, answer)
        if state:
            statuses.append((element["key"], state))
        requirement = element["requirement"]
        if requirement not in counts:
            continue
        counts[requirement][0] += 1
        if is_documented(element, answer):
            counts[requirement][1] += 1
        else:
            missing.append(Gap(element["key"], element["label"], element["section"], requirement))
    return Completeness(
        required_total=counts["required"][0],
        required_done=counts["required"][1],
        recommended_total=counts["recommended"][0],
        recommended_done=counts["recommended"][1],
        missing=tuple(missing),
        statuses=tuple(statuses),
    )
