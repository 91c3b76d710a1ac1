"""The ICD-10-CM code set, from the CMS tables the `simple-icd-10-cm` package ships.

Diagnoses are picked from the official code set, never from a hand-made list: this module
finds codes by code or words (the picker's search), tells a billable code (a leaf of the
tabular list) from a category, and names the nearest billable codes when a typed code is
unknown or not billable. The release the package ships is read from its data file name
("code-list-April-2026.txt" -> "ICD-10-CM April 2026") and stored on every coded answer.

The package parses the tabular XML on import (a second or two): it is imported on the first
search or validation, or at server start-up (config/wsgi.py), not when Django starts, so
management commands and tests that never touch a diagnosis do not pay for it.
"""

import functools
import re
from dataclasses import dataclass
from importlib import resources

from .diagnoses import Diagnosis

PACKAGE = "simple_icd_10_cm"
# A code as typed: a letter, two characters, then up to four after an optional dot.
CODE_PATTERN = re.compile(r"^[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?$")
SUGGESTIONS = 6


@functools.cache
def code_set() -> str:
    """'ICD-10-CM April 2026': the release of the tables the package ships."""
    names = [p.name for p in resources.files(f"{PACKAGE}.data").iterdir()]
    for name in names:
        found = re.fullmatch(r"code-list-([A-Za-z]+)-(\d{4})\.txt", name)
        if found:
            return f"ICD-10-CM {found[1]} {found[2]}"
    return "ICD-10-CM"  # pragma: no cover - the package always ships its code list


@functools.cache
def _tables():
    """(the package module, [(code, description, lower-case search text, code without its
    dot)] of the billable codes)."""
    import simple_icd_10_cm as cm  # slow import: parses the tabular XML

    # Words are searched in the description and the inclusion terms of the code and its
    # categories ("Morton's metatarsalgia" is an inclusion term of G57.6): each category's
    # terms are gathered once and shared by the codes under it.
    inherited: dict[str, str] = {}

    def terms_of(code: str) -> str:
        if code not in inherited:
            parent = cm.get_parent(code)
            above = terms_of(parent) if parent and not cm.is_chapter_or_block(parent) else ""
            own = " ".join(cm.get_inclusion_term(code))
            inherited[code] = f"{own} {above}".strip()
        return inherited[code]

    leaves = []
    for code in cm.get_all_codes(with_dots=True):
        if cm.is_chapter_or_block(code) or not cm.is_leaf(code):
            continue
        description = cm.get_description(code)
        text = f"{description} {terms_of(code)}".lower()
        leaves.append((code, description, text, code.replace(".", "")))
    return cm, leaves


def warm() -> None:
    """Load the code set now (a long-running server calls this at start-up)."""
    _tables()


def normalise(typed: str) -> str:
    """' m47816 ' -> 'M47.816' (the dot where the code set puts it)."""
    code = re.sub(r"\s+", "", typed or "").upper()
    if len(code) > 3 and "." not in code:
        code = f"{code[:3]}.{code[3:]}"
    return code.rstrip(".")


def looks_like_code(text: str) -> bool:
    return bool(CODE_PATTERN.match(re.sub(r"\s+", "", text or "").upper()))


def billable(code: str) -> Diagnosis | None:
    """The diagnosis for a billable code (any spelling), or None."""
    cm, _ = _tables()
    code = normalise(code)
    if not cm.is_valid_item(code) or cm.is_chapter_or_block(code) or not cm.is_leaf(code):
        return None
    return Diagnosis(code, cm.get_description(code))


def nearest_billable(code: str, limit: int = SUGGESTIONS) -> list[Diagnosis]:
    """Billable codes under the longest known prefix of `code`: 'M47.81' -> M47.811, ..."""
    cm, _ = _tables()
    code = normalise(code)
    prefix = code
    while prefix and not (cm.is_valid_item(prefix) and not cm.is_chapter_or_block(prefix)):
        prefix = prefix[:-1].rstrip(".")
    if not prefix:
        return []
    if cm.is_leaf(prefix):
        parent = cm.get_parent(prefix)
        pool = cm.get_children(parent) if parent else [prefix]
    else:
        pool = cm.get_descendants(prefix)
    leaves = [c for c in pool if not cm.is_chapter_or_block(c) and cm.is_leaf(c)]
    return [Diagnosis(c, cm.get_description(c)) for c in leaves[:limit]]


class CodeError(ValueError):
    """A typed code that is not a billable ICD-10-CM code, with what to use instead."""

    def __init__(self, typed: str, reason: str, suggestions: list[Diagnosis]):
        self.typed, self.reason, self.suggestions = typed, reason, suggestions
        message = f"{typed}: {reason}"
        if suggestions:
            listed = "; ".join(f"{d.code} {d.description}" for d in suggestions)
            message += f" Nearest billable codes: {listed}."
        super().__init__(message)


def lookup(typed: str) -> Diagnosis:
    """The billable diagnosis `typed` names, or CodeError saying why not and what is near."""
    cm, _ = _tables()
    code = normalise(typed)
    if not looks_like_code(code):
        raise CodeError(typed, "is not an ICD-10-CM code (a letter, two characters, a dot).", [])
    found = billable(code)
    if found:
        return found
    if cm.is_valid_item(code) and not cm.is_chapter_or_block(code):
        reason = (
            f"is a category ({cm.get_description(code)}), not a billable code: "
            "pick a more specific one."
        )
    else:
        reason = f"is not in {code_set()}."
    raise CodeError(typed, reason, nearest_billable(code))


@dataclass(frozen=True)
class Match:
    code: str
    description: str

    def as_dict(self) -> dict:
        return {"code": self.code, "description": self.description}


def search(query: str, limit: int = 20) -> list[Match]:
    """Billable codes for what is typed: a code prefix ('M47.8', 'm4781') or words, all of
    which must appear in the description ('lumbar spondylosis')."""
    _, leaves = _tables()
    query = (query or "").strip()
    if not query:
        return []
    found = []
    if looks_like_code(query) or re.fullmatch(r"[A-Za-z]\d[\w.]*", query):
        prefix = normalise(query)
        bare = prefix.replace(".", "")
        found = [(c, d) for c, d, _, b in leaves if b.startswith(bare)]
    if not found:
        words = [w for w in re.split(r"\W+", query.lower()) if w]
        found = [(c, d) for c, d, text, _ in leaves if all(w in text for w in words)]
        # Shorter descriptions first: "Morton's metatarsalgia" before its combinations.
        found.sort(key=lambda pair: (len(pair[1]), pair[0]))
    return [Match(c, d) for c, d in found[:limit]]


def answer_for(*codes: str) -> dict:
    """The diagnosis element's answer for billable `codes`, as the note form stores it
    (checklists/diagnoses.py): for demo data and tests that go through the services."""
    value = []
    for code in codes:
        diagnosis = lookup(code)
        value.append({"code": diagnosis.code, "description": diagnosis.description})
    return {"value": value, "code_set": code_set()}
