"""The narrative "Procedure description": sentences the catalog writes from the answers.

Pure and deterministic: the note's snapshot (its per-family sentences, docs/catalog-format.md
"Narrative") and its answers in, paragraphs out. A sentence is printed only when every
element it names is answered and still applies, so a missing answer drops its sentence
rather than leaving a gap; a sentence may offer alternatives, shortest last ("6 mL of 50 %
ethanol was injected." or "50 % ethanol was injected."). Nothing is generated freely.
"""

import re
from dataclasses import dataclass

from procedures.catalog_tailoring import PLACEHOLDER

from .completeness import _condition_met, applicable_elements, has_value
from .diagnoses import coded_diagnoses, uncoded_text
from .presentation import display_value

SECTION_TITLES = {"pre": "Indication", "procedure": "Procedure", "post": "Outcome"}


@dataclass(frozen=True)
class Paragraph:
    section: str
    title: str
    text: str


def lower_first(text: str) -> str:
    """A label or title as it reads inside a sentence: "Fluoroscopy" -> "fluoroscopy"
    ("OnabotulinumtoxinA" -> "onabotulinumtoxinA", as the name is written in a sentence),
    but "CT" keeps its capitals, and so does an eponym ("Morton's neuroma ...": a name in
    the possessive)."""
    first_word = text.split(" ", 1)[0]
    if first_word.endswith(("'s", "\u2019s")):
        return text
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _diagnosis_text(answers: dict) -> str:
    coded = coded_diagnoses(answers)
    if coded:
        return "; ".join(f"{d.description} ({d.code})" if d.description else d.code for d in coded)
    return uncoded_text(answers)


def _sites(lines: list[dict], codes: dict) -> str:
    parts = []
    for line in lines:
        site = (line.get("site") or "").strip()
        side = (line.get("side") or "").strip()
        if site and codes.get(line.get("code"), {}).get("site_label") == "Interspace":
            # 64632 names the web space by its number: "left 3rd web space"
            parts.append(f"{side} {site} web space".strip())
        elif site and side:
            parts.append(f"{site} ({side})")
        elif site:
            parts.append(site)
    return ", ".join(dict.fromkeys(parts))


def _tidy(text: str) -> str:
    text = " ".join(text.split())
    # An answer that ends in a full stop before the template's own: "... walking.."
    text = re.sub(r"([.!?])\.(?=\s|$)", r"\1", text)
    return text[0].upper() + text[1:] if text else text


class _Values:
    """The printed answer of each element that applies, looked up by placeholder."""

    def __init__(self, definitions: dict, answers: dict, lines: list[dict]):
        elements = definitions.get("elements", [])
        self.answers = answers
        self.elements = {e["key"]: e for e in applicable_elements(elements, answers)}
        self.lines = lines
        self.codes = definitions.get("codes", {})

    def get(self, key: str) -> str:
        if key == "sites":
            return _sites(self.lines, self.codes)
        element = self.elements.get(key)
        answer = self.answers.get(key) or {}
        if element is None or not has_value(answer.get("value")):
            return ""
        if key == "diagnosis":
            return _diagnosis_text(self.answers)
        return display_value(element, answer).strip()

    def applies(self, condition) -> bool:
        if not condition:
            return True
        return condition["element"] in self.elements and _condition_met(condition, self.answers)

    def fill(self, text: str) -> str | None:
        missing = False

        def replace(match):
            nonlocal missing
            value = self.get(match.group(1))
            if not value:
                missing = True
            if match.group(2) != "lower":
                return value
            # Several choices print as "a; b": each starts lower-case.
            return "; ".join(lower_first(part) for part in value.split("; "))

        filled = PLACEHOLDER.sub(replace, text)
        return None if missing else _tidy(filled)


def procedure_description(definitions: dict, answers: dict, lines: list[dict]) -> list[Paragraph]:
    """Up to three paragraphs (indication, procedure, outcome); [] when nothing is answered.

    `lines` are the code lines as dicts with "code", "site" and "side" (for "{sites}").
    """
    values = _Values(definitions, answers or {}, lines)
    written: dict[str, list[str]] = {section: [] for section in SECTION_TITLES}
    for family in definitions.get("narrative", []):
        for sentence in family["sentences"]:
            if not values.applies(sentence.get("condition")):
                continue
            for text in sentence["texts"]:
                filled = values.fill(text)
                if filled:
                    if filled not in written[sentence["section"]]:
                        written[sentence["section"]].append(filled)
                    break
    return [
        Paragraph(section, SECTION_TITLES[section], " ".join(sentences))
        for section, sentences in written.items()
        if sentences
    ]


def note_description(note) -> list[Paragraph]:
    lines = [
        {
            "code": line.code,
            "site": line.site,
            "side": line.get_side_display().lower() if line.side else "",
        }
        for line in note.lines.all()
    ]
    return procedure_description(note.definitions, note.answers or {}, lines)
