"""A QuestionnaireResponse back into note answers (the reverse of `fhir.response_items`).

`response_answers(response, definitions)` reads a response written by a renderer (NLM
LHC-Forms, Smart Forms) or by us, against the elements of a note's snapshot, and returns
answers in the shape `Note.answers` stores: `{key: {"value": ...}}`, or
`{key: {"na_reason": ...}}` for "not applicable / not done". It refuses, naming the item,
any linkId that is not an element, its `.na` reason, or one of our section or element
groups, and any answer of the wrong type, so nothing a response holds is dropped unseen.
"""

import datetime
import re
from decimal import Decimal

from checklists.diagnoses import ELEMENT as DIAGNOSIS
from checklists.diagnoses import ICD10CM_SYSTEM

from .terms import CATALOG_UNITS, NA_GROUP_LINK, NA_LINK, SECTION_LINK


class ResponseImportError(ValueError):
    """A QuestionnaireResponse that cannot become note answers; the message says where."""


def _fail(where, message):
    raise ResponseImportError(f"{where}: {message}")


def _walk(items, where="QuestionnaireResponse"):
    for item in items or []:
        yield item
        yield from _walk(item.get("item"))
        for answer in item.get("answer") or []:
            yield from _walk(answer.get("item"))


def _one(answers, kind, where):
    values = [a.get(kind) for a in answers if kind in a]
    if len(values) != len(answers):
        _fail(where, f"expects {kind} answers")
    if len(values) != 1:
        _fail(where, "expects one answer")
    return values[0]


ICD10 = re.compile(r"^([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)(?: (.*))?$")


def coded_from_text(text: str):
    """Coded diagnoses written as "code description; ..." back to their stored list; any
    other text stays text (a diagnosis written before coding)."""
    parts = [ICD10.match(part.strip()) for part in text.split(";")]
    if not text or not all(parts):
        return text
    return [{"code": m.group(1), "description": m.group(2) or ""} for m in parts]


def _number(value) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def element_value(element: dict, answers: list[dict], where: str):
    """The stored value of one element from its FHIR answers."""
    kind = element["input_type"]
    if kind in ("text", "long_text"):
        text = _one(answers, "valueString", where)
        if element["key"] == DIAGNOSIS:
            return coded_from_text(text)
        return text
    if kind == "icd10":
        return _diagnoses(answers, where)
    if kind in ("choice", "multi_choice"):
        codes = [a.get("valueCoding", {}).get("code") for a in answers]
        known = {pair[0] for pair in element.get("choices") or []}
        for code in codes:
            if code not in known:
                _fail(where, f"'{code}' is not one of its choices")
        if kind == "choice":
            if len(codes) != 1:
                _fail(where, "expects one answer")
            return codes[0]
        return codes
    if kind == "yes_no":
        return "yes" if _one(answers, "valueBoolean", where) else "no"
    if kind == "number":
        quantity = _one(answers, "valueQuantity", where)
        unit = CATALOG_UNITS.get(quantity.get("code"), quantity.get("code"))
        if unit and element.get("unit") and unit != element["unit"]:
            _fail(where, f"unit '{quantity.get('code')}' is not {element['unit']}")
        return _number(quantity["value"])
    if kind == "percent":
        return _number(_one(answers, "valueDecimal", where))
    if kind == "pain_score":
        return int(_one(answers, "valueInteger", where))
    if kind == "date":
        return datetime.date.fromisoformat(_one(answers, "valueDate", where)).isoformat()
    if kind == "datetime":
        value = _one(answers, "valueDateTime", where)
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    _fail(where, f"input type {kind!r} cannot be read")


def _diagnoses(answers: list[dict], where: str):
    """ICD-10-CM codings back to the stored list (checklists.diagnoses); a text answer (a
    diagnosis written before coding) stays text."""
    if len(answers) == 1 and "valueString" in answers[0]:
        return coded_from_text(answers[0]["valueString"])
    coded = []
    for answer in answers:
        coding = answer.get("valueCoding") or {}
        if coding.get("system") != ICD10CM_SYSTEM or not coding.get("code"):
            _fail(where, f"expects ICD-10-CM codings ({ICD10CM_SYSTEM})")
        coded.append({"code": coding["code"], "description": coding.get("display", "")})
    return coded


def _reason(answers, where) -> str:
    if len(answers) != 1:
        _fail(where, "expects one reason")
    answer = answers[0]
    if "valueString" in answer:
        return answer["valueString"]
    if "valueCoding" in answer:
        coding = answer["valueCoding"]
        return coding.get("display") or coding.get("code") or ""
    _fail(where, "the reason must be text")


def response_answers(response: dict, definitions: dict) -> dict:
    elements = {e["key"]: e for e in definitions.get("elements", [])}
    sections = {SECTION_LINK.format(s) for s in ("pre", "procedure", "post")}
    groups = {NA_GROUP_LINK.format(key) for key in elements}
    answers = {}
    for item in _walk(response.get("item")):
        link_id = item.get("linkId", "")
        where = f"item '{link_id}'"
        found = item.get("answer") or []
        if link_id in sections or link_id in groups:
            if found:
                _fail(where, "a group has no answer")
            continue
        if link_id in elements:
            if found:
                answers[link_id] = {"value": element_value(elements[link_id], found, where)}
            continue
        key = link_id.removesuffix(".na")
        if link_id == NA_LINK.format(key) and elements.get(key, {}).get("allow_na"):
            if found:
                answers.setdefault(key, {})["na_reason"] = _reason(found, where)
            continue
        _fail(where, "is not an element of this note's checklist")
    for key, answer in answers.items():
        if "value" in answer and "na_reason" in answer:
            _fail(f"item '{key}'", "has both an answer and a not-applicable reason")
    return answers
