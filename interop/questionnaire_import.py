"""A FHIR Questionnaire back into catalog entries (the reverse of `questionnaire`).

`catalog_entries(questionnaire, current)` maps a Questionnaire (ours, or a similar one for
a code already in the catalog) to the plain dicts `procedures.catalog_file` produces, and
refuses, naming the item, whatever it cannot map. `import_questionnaire` merges those
entries into the catalog in force, checks the result with `parse_catalog` itself (through a
generated catalog file, so every rule of the file format applies), and writes it with
`procedures.catalog_loader.load_catalog`: one transaction, the same report, and nothing
changes when the import is already the catalog (the round trip of our own export).
"""

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from django.db import transaction

from procedures.catalog_file import (
    KEY_PATTERN,
    CatalogData,
    CatalogError,
    billing_document,
    catalog_from_document,
)
from procedures.catalog_loader import LoadReport, load_catalog

from .catalog_data import CODE_FACTS, LIST_FACTS, from_database, to_toml
from .questionnaire import ICD10CM_VALUE_SET
from .terms import (
    CATALOG_SOURCE,
    CPT,
    ELEMENT_CHOICES,
    ELEMENT_HELP,
    ELEMENT_SOURCE,
    MAX_QUANTITY,
    MAX_VALUE,
    MIN_QUANTITY,
    MIN_VALUE,
    NA_LINK,
    PAYER_HELP,
    PROCEDURE_CODE,
    REQUIREMENT,
    SECTION_LINK,
    UCUM,
    UNIT,
    UNIT_OPTION,
    catalog_unit,
)

SECTION_NAMES = {
    "pre": ("pre", "pre-procedure", "preprocedure", "before the procedure"),
    "procedure": ("procedure", "intra-procedure", "during the procedure"),
    "post": ("post", "post-procedure", "postprocedure", "after the procedure"),
}
INTEGER_FACTS = ("max_units", "bilateral_indicator")
# Behaviour a catalog element cannot carry: refused rather than silently dropped.
REFUSED_ITEM_FIELDS = {
    "answerValueSet": "answers from a value set (list them with answerOption)",
    "initial": "initial answers",
    "readOnly": "read-only items",
}
REFUSED_EXTENSIONS = (
    "enableWhenExpression",
    "calculatedExpression",
    "initialExpression",
    "answerExpression",
    "candidateExpression",
    "questionnaire-hidden",
    "sdc-questionnaire-answerOptionsToggleExpression",
)


class QuestionnaireImportError(ValueError):
    """A Questionnaire that cannot become catalog entries; the message says where and why."""


@dataclass
class Imported:
    version: str
    cpt_year: int | None
    code: dict
    elements: dict[str, dict] = field(default_factory=dict)
    sources: dict[str, dict] = field(default_factory=dict)


def _fail(where: str, message: str):
    raise QuestionnaireImportError(f"{where}: {message}")


def _value(extension: dict):
    values = [v for k, v in extension.items() if k.startswith("value")]
    return values[0] if values else None


def _extensions(node: dict, url: str) -> list[dict]:
    return [e for e in node.get("extension") or [] if e.get("url") == url]


def _extension_value(node: dict, url: str):
    found = _extensions(node, url)
    return _value(found[0]) if found else None


def _check_extensions(node: dict, where: str):
    for extension in node.get("extension") or []:
        url = extension.get("url", "")
        if any(url.endswith(name) for name in REFUSED_EXTENSIONS):
            _fail(where, f"extension {url} cannot be mapped to the catalog")


# -- code level ------------------------------------------------------------------------------


def _cpt_code(questionnaire: dict) -> str:
    codes = [c.get("code") for c in questionnaire.get("code") or [] if c.get("system") == CPT]
    if len(codes) != 1 or not codes[0]:
        _fail(
            "Questionnaire.code",
            f"must hold exactly one CPT code (system {CPT}); found {len(codes)}",
        )
    return codes[0]


def _code_facts(questionnaire: dict, code: str, existing: dict | None) -> dict:
    found = _extensions(questionnaire, PROCEDURE_CODE)
    if not found:
        if existing is None:
            _fail(
                f"Questionnaire for {code}",
                f"{code} is not in the catalog and the Questionnaire has no {PROCEDURE_CODE} "
                "extension with its code facts (family, units, global days, ...): import it "
                "into an existing code, or add the extension (docs/fhir.md)",
            )
        return {name: existing[name] for name in CODE_FACTS}
    facts = {name: [] for name in LIST_FACTS}
    for sub in found[0].get("extension") or []:
        name, value = sub.get("url"), _value(sub)
        if name == "cpt_year":
            continue  # catalog-wide: read by catalog_entries
        if name not in CODE_FACTS:
            _fail(f"extension {PROCEDURE_CODE}", f"'{name}' is not a catalog code field")
        if name in LIST_FACTS:
            facts[name].append(value)
        elif name in facts:
            _fail(f"extension {PROCEDURE_CODE}", f"'{name}' is given twice")
        else:
            facts[name] = value
    facts.setdefault("site_label", "")
    facts.setdefault("caveats", "")
    missing = [name for name in CODE_FACTS if name not in facts]
    if missing:
        _fail(f"extension {PROCEDURE_CODE}", f"misses {', '.join(missing)}")
    return facts


def _sources(questionnaire: dict) -> dict[str, dict]:
    sources = {}
    for extension in _extensions(questionnaire, CATALOG_SOURCE):
        fields = {sub.get("url"): _value(sub) for sub in extension.get("extension") or []}
        if not fields.get("key"):
            _fail(f"extension {CATALOG_SOURCE}", "a source has no key")
        sources[fields["key"]] = {
            "key": fields["key"],
            "title": fields.get("title") or "",
            "url": fields.get("url") or "",
            "kind": fields.get("kind") or "",
        }
    return sources


# -- items -----------------------------------------------------------------------------------


def _section(group: dict) -> str:
    link_id = group.get("linkId", "")
    if group.get("type") != "group":
        _fail(
            f"item '{link_id}'",
            "questions must sit in a pre-procedure, procedure or post-procedure group",
        )
    for section, names in SECTION_NAMES.items():
        if link_id == SECTION_LINK.format(section):
            return section
        if (group.get("text") or "").strip().lower() in names:
            return section
    _fail(
        f"group '{link_id}'",
        "is not a pre-procedure, procedure or post-procedure section (linkId section-pre, "
        "section-procedure or section-post, or one of those titles)",
    )


def _decimal(value, where: str):
    if isinstance(value, bool) or value is None:
        _fail(where, "is not a number")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        _fail(where, "is not a number")


def _unit(item: dict, where: str, *, urls) -> str:
    codings = [_value(e) for url in urls for e in _extensions(item, url)]
    if not codings:
        return ""
    if len(codings) > 1:
        _fail(where, "offers several units; a catalog element has one")
    coding = codings[0] or {}
    if coding.get("system") not in (None, UCUM) or not coding.get("code"):
        _fail(where, "unit must be a UCUM code (system http://unitsofmeasure.org)")
    return catalog_unit(coding["code"])


def _is_icd10(item: dict, name: str) -> bool:
    """The diagnosis picker's item: choices from the whole of ICD-10-CM."""
    return name == "answerValueSet" and item.get("answerValueSet") == ICD10CM_VALUE_SET


def _input_type(item: dict, where: str) -> tuple[str, str]:
    """(catalog input type, unit) for an item's FHIR type."""
    kind = item.get("type")
    if kind == "choice" and _is_icd10(item, "answerValueSet"):
        return "icd10", ""
    if kind == "choice":
        return ("multi_choice" if item.get("repeats") else "choice"), ""
    if item.get("repeats"):
        _fail(where, f"repeating '{kind}' answers cannot be mapped (only choices repeat)")
    simple = {
        "string": "text",
        "text": "long_text",
        "boolean": "yes_no",
        "date": "date",
        "dateTime": "datetime",
    }
    if kind in simple:
        return simple[kind], ""
    if kind == "quantity":
        unit = _unit(item, where, urls=(UNIT_OPTION, UNIT))
        if not unit:
            _fail(where, "a quantity needs its unit (questionnaire-unitOption)")
        return "number", unit
    if kind in ("decimal", "integer"):
        unit = _unit(item, where, urls=(UNIT,))
        if kind == "decimal" and unit == "%":
            return "percent", ""
        if unit:
            return "number", unit
        low, high = _extension_value(item, MIN_VALUE), _extension_value(item, MAX_VALUE)
        if kind == "integer" and low == 0 and high == 10:
            return "pain_score", ""
        _fail(where, f"a {kind} without a unit cannot be mapped (add questionnaire-unit)")
    _fail(where, f"type '{kind}' cannot be mapped to a catalog input")


def _range(item: dict, input_type: str, where: str):
    if input_type == "number":
        urls = (MIN_QUANTITY, MAX_QUANTITY)
        values = [_extension_value(item, url) for url in urls]
        if not any(values):
            urls = (MIN_VALUE, MAX_VALUE)
            values = [_extension_value(item, url) for url in urls]
        else:
            values = [v.get("value") if v else None for v in values]
    else:
        values = [_extension_value(item, MIN_VALUE), _extension_value(item, MAX_VALUE)]
    return tuple(
        None if value is None else _decimal(value, f"{where}, {bound}")
        for bound, value in zip(("min", "max"), values, strict=True)
    )


def _choices(item: dict, where: str) -> list[list[str]]:
    choices = []
    for option in item.get("answerOption") or []:
        if "valueCoding" in option:
            coding = option["valueCoding"]
            if not coding.get("code"):
                _fail(where, "an answerOption coding has no code")
            choices.append([coding["code"], coding.get("display") or coding["code"]])
        elif "valueString" in option:
            choices.append([option["valueString"], option["valueString"]])
        else:
            _fail(where, "answerOption must be codings or strings")
    return choices


def _check_known(conditions: list[dict], where: str, known: set[str]):
    for condition in conditions:
        question = condition.get("question")
        if question not in known:
            _fail(
                where,
                f"enableWhen names linkId '{question}', which is no question of this "
                "Questionnaire",
            )


def _condition(item: dict, where: str, known: set[str]):
    conditions = item.get("enableWhen") or []
    if not conditions:
        return None
    _check_known(conditions, where, known)
    if len(conditions) > 1 and item.get("enableBehavior") != "any":
        _fail(where, "several enableWhen conditions must use enableBehavior 'any'")
    questions = {c.get("question") for c in conditions}
    if len(questions) != 1:
        _fail(where, "enableWhen on several questions cannot be mapped (one element only)")
    values = []
    for condition in conditions:
        if condition.get("operator") != "=":
            _fail(where, f"enableWhen operator '{condition.get('operator')}' cannot be mapped")
        if "answerCoding" in condition:
            values.append(condition["answerCoding"].get("code"))
        elif "answerBoolean" in condition:
            values.append("yes" if condition["answerBoolean"] else "no")
        elif "answerString" in condition:
            values.append(condition["answerString"])
        else:
            _fail(where, "enableWhen must compare with a coding, a string or a boolean")
    return {"element": questions.pop(), "in": list(dict.fromkeys(values))}


def _children(item: dict, key: str, where: str):
    help_texts, na = [], None
    for child in item.get("item") or []:
        if child.get("linkId") == NA_LINK.format(key):
            # The earlier export nested the reason under its question, asked while the
            # question had no answer: still read, if that is all its enableWhen says.
            legacy = [{"question": key, "operator": "exists", "answerBoolean": False}]
            if child.get("enableWhen") not in (None, legacy):
                _check_known(child["enableWhen"], f"{where}, child '{child['linkId']}'", {key})
                _fail(
                    f"{where}, child '{child['linkId']}'",
                    f"a not-applicable item may only depend on '{key}' having no answer",
                )
            na = _na_reasons(child)
        elif child.get("type") == "display":
            help_texts.append(child.get("text") or "")
        else:
            _fail(
                f"{where}, child '{child.get('linkId')}'",
                "questions nested under a question cannot be mapped",
            )
    if len(help_texts) > 1:
        _fail(where, "has several display children; one help text is expected")
    return (help_texts[0] if help_texts else ""), na


def _na_reasons(item: dict) -> list[str]:
    return [option.get("valueString") for option in item.get("answerOption") or []]


def _element(
    item: dict, section: str, existing: dict, where: str, known: set, na=None, holder=None
):
    key = item.get("linkId") or ""
    if not KEY_PATTERN.match(key):
        _fail(where, "linkId must be a catalog key (lower-case letters, digits and underscores)")
    if item.get("type") in ("group", "display"):
        _fail(where, f"a {item.get('type')} item inside a section cannot be mapped")
    for name, what in REFUSED_ITEM_FIELDS.items():
        if name in item and not _is_icd10(item, name):
            _fail(where, f"{what} cannot be mapped")
    _check_extensions(item, where)
    input_type, unit = _input_type(item, where)
    low, high = _range(item, input_type, where)
    shown_help, na_reasons = _children(item, key, where)
    if na is not None:
        na_reasons = _na_reasons(na)
    element_help = _extension_value(item, ELEMENT_HELP)
    if element_help is not None:
        help_text, why = element_help, shown_help
    else:
        help_text, why = shown_help, ""
    if not help_text and key in existing:
        help_text = existing[key]["help_text"]
    if not help_text:
        _fail(where, "needs a help text (a display child item saying why it is asked)")
    if not item.get("text"):
        _fail(where, "has no text (the label)")
    element = {
        "key": key,
        "label": item["text"],
        "section": section,
        "input_type": input_type,
        "help_text": help_text,
        "unit": unit,
        "min_value": low,
        "max_value": high,
        "allow_na": na_reasons is not None,
        "na_reasons": [r for r in na_reasons or [] if r],
        "choices": _choices(item, where) if input_type.endswith("choice") else [],
    }
    offered = []
    full = _extensions(item, ELEMENT_CHOICES)
    if full and input_type.endswith("choice"):
        # answerOption is what this code offers; the extension is the element's whole list.
        offered = [value for value, _ in element["choices"]]
        element["choices"] = [
            [e["valueCoding"]["code"], e["valueCoding"].get("display") or e["valueCoding"]["code"]]
            for e in full
        ]
    requirement = _extension_value(item, REQUIREMENT) or (
        "required" if item.get("required") else "recommended"
    )
    if (requirement == "required") != bool(item.get("required")):
        _fail(where, f"requirement '{requirement}' contradicts required={item.get('required')}")
    link = {
        "key": key,
        "requirement": requirement,
        "condition": _condition(holder if holder is not None else item, where, known),
        "source": _extension_value(item, ELEMENT_SOURCE),
        "why": why,
        "choices": offered,
        "payer_help": _payer_help(item),
    }
    return element, link


def _link_ids(items: list[dict]) -> set[str]:
    """The linkIds of every question, at any depth."""
    found = set()
    for item in items or []:
        if item.get("type") not in ("group", "display"):
            found.add(item.get("linkId"))
        found |= _link_ids(item.get("item"))
    return found


def _na_pair(question: dict, na: dict, where: str, known: set):
    """Check the "not applicable" sibling pattern (docs/fhir.md) and strip it from the
    question: returns the question without the condition the reason item adds."""
    key = question.get("linkId")
    expected = [{"question": NA_LINK.format(key), "operator": "exists", "answerBoolean": False}]
    if na.get("enableWhen"):
        _check_known(na["enableWhen"], f"item '{na.get('linkId')}'", known)
        _fail(f"item '{na.get('linkId')}'", "a not-applicable item cannot have its own enableWhen")
    if na.get("type") not in ("string", "open-choice") or na.get("item"):
        _fail(f"item '{na.get('linkId')}'", "a not-applicable item is a string or open-choice")
    if question.get("enableWhen") != expected:
        _check_known(question.get("enableWhen") or [], where, known)
        _fail(
            where,
            f"is followed by '{NA_LINK.format(key)}' but is not disabled by it alone "
            f"(enableWhen '{NA_LINK.format(key)}' exists false)",
        )
    return {k: v for k, v in question.items() if k not in ("enableWhen", "enableBehavior")}


def _section_entries(items: list[dict], known: set):
    """(question, not-applicable item or None, item holding the condition or None) per
    element of a section, in order."""
    position = 0
    while position < len(items):
        item = items[position]
        link_id = item.get("linkId") or ""
        where = f"item '{link_id}'"
        position += 1
        if item.get("type") == "group" and link_id.endswith(".group"):
            key = link_id.removesuffix(".group")
            children = item.get("item") or []
            ids = [child.get("linkId") for child in children]
            if ids != [key, NA_LINK.format(key)]:
                _fail(
                    f"group '{link_id}'",
                    f"must hold exactly '{key}' and '{NA_LINK.format(key)}', in that order; "
                    f"found {', '.join(map(str, ids)) or 'nothing'}",
                )
            question = _na_pair(children[0], children[1], f"item '{key}'", known)
            yield question, children[1], item
            continue
        if link_id.endswith(".na"):
            _fail(
                where,
                f"is a not-applicable item with no question '{link_id.removesuffix('.na')}' "
                "right before it",
            )
        following = items[position] if position < len(items) else {}
        if following.get("linkId") == NA_LINK.format(link_id):
            position += 1
            yield _na_pair(item, following, where, known), following, None
            continue
        yield item, None, None


def _payer_help(item: dict) -> dict[str, str]:
    result = {}
    for extension in _extensions(item, PAYER_HELP):
        parts = {sub.get("url"): sub for sub in extension.get("extension") or []}
        kind = (parts.get("payerKind") or {}).get("valueCode")
        text = (parts.get("help") or {}).get("valueString")
        if kind and text:
            result[kind] = text
    return result


def catalog_entries(questionnaire: dict, current: CatalogData) -> Imported:
    """The catalog entries of one Questionnaire; `current` fills in what a foreign one lacks."""
    if not isinstance(questionnaire, dict) or questionnaire.get("resourceType") != "Questionnaire":
        _fail("file", "is not a FHIR Questionnaire (resourceType)")
    _check_extensions(questionnaire, "Questionnaire")
    code = _cpt_code(questionnaire)
    existing = next((c for c in current.codes if c["code"] == code), None)
    title = questionnaire.get("title") or (existing or {}).get("title")
    summary = questionnaire.get("description") or (existing or {}).get("summary")
    if not title or not summary:
        _fail("Questionnaire", "needs a title and a description (the code's summary)")
    facts = _extensions(questionnaire, PROCEDURE_CODE)
    cpt_years = [
        _value(sub)
        for sub in (facts[0].get("extension") or [] if facts else [])
        if sub.get("url") == "cpt_year"
    ]
    imported = Imported(
        version=questionnaire.get("version") or "",
        cpt_year=cpt_years[0] if cpt_years else None,
        code={},
    )
    links = []
    seen = set()
    known = _link_ids(questionnaire.get("item"))
    for group in questionnaire.get("item") or []:
        section = _section(group)
        for item, na, holder in _section_entries(group.get("item") or [], known):
            where = f"item '{item.get('linkId')}'"
            element, link = _element(
                item, section, current.elements, where, known, na=na, holder=holder
            )
            if element["key"] in seen:
                _fail(where, "linkId is used twice")
            seen.add(element["key"])
            imported.elements[element["key"]] = element
            links.append(link | {"order": len(links) + 1})
    if not links:
        _fail("Questionnaire", "has no question to import")

    imported.code = {
        "code": code,
        "title": title,
        "summary": summary,
        **_code_facts(questionnaire, code, existing),
        "active": questionnaire.get("status") != "retired",
        "links": links,
        # A Questionnaire carries no billing facts: a known code keeps the catalog's.
        "billing": existing.get("billing", {}) if existing else {},
    }
    imported.sources = _sources(questionnaire)
    wanted = imported.code["sources"] + [link["source"] for link in links if link["source"]]
    for key in wanted:
        if key not in imported.sources and key in current.sources:
            imported.sources[key] = current.sources[key]
    return imported


# -- into the catalog ------------------------------------------------------------------------


def _normal(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


def comparable_code(code: dict) -> dict:
    """A code dict with the order of its sources and primary codes made irrelevant."""
    return _normal(
        code | {"sources": sorted(code["sources"]), "addon_of": sorted(code["addon_of"])}
    )


def differences(current: CatalogData, imported: Imported) -> list[str]:
    """What the import would change, as 'code 64640', 'element x', 'source y'."""
    changed = []
    existing = next((c for c in current.codes if c["code"] == imported.code["code"]), None)
    if existing is None or comparable_code(existing) != comparable_code(imported.code):
        changed.append(f"code {imported.code['code']}")
    for key, element in imported.elements.items():
        if _normal(current.elements.get(key)) != _normal(element):
            changed.append(f"element {key}")
    for key, source in imported.sources.items():
        if current.sources.get(key) != source:
            changed.append(f"source {key}")
    return changed


def _shown(value) -> str:
    value = _normal(value)
    text = "(none)" if value in (None, "", []) else repr(value)
    return text if len(text) <= 70 else text[:67] + "..."


LINK_FIELDS = ("requirement", "condition", "source", "why")


def change_report(current: CatalogData, imported: Imported) -> list[str]:
    """Every change the import makes, one line each: the code's facts and checklist, each
    element's fields, the other codes whose checklists change through a shared element,
    and sources. Nothing is summarised into counts."""
    lines = []
    code = imported.code
    existing = next((c for c in current.codes if c["code"] == code["code"]), None)
    name = f"code {code['code']}"
    if existing is None:
        lines.append(f"{name}: added, asking {', '.join(link['key'] for link in code['links'])}")
    else:
        for field in ("title", "summary", *CODE_FACTS, "active"):
            old, new = existing.get(field), code.get(field)
            if field in ("sources", "addon_of"):
                old, new = sorted(old or []), sorted(new or [])
            if _normal(old) != _normal(new):
                lines.append(f"{name}: {field} {_shown(old)} -> {_shown(new)}")
        before = {link["key"]: link for link in existing["links"]}
        after = {link["key"]: link for link in code["links"]}
        for key in before:
            if key not in after:
                lines.append(f"{name}: no longer asks {key}")
        for key, link in after.items():
            if key not in before:
                lines.append(f"{name}: now asks {key} ({link['requirement']})")
                continue
            for field in LINK_FIELDS:
                old, new = before[key].get(field) or None, link.get(field) or None
                if _normal(old) != _normal(new):
                    lines.append(f"{name}: {key} {field} {_shown(old)} -> {_shown(new)}")
        shared = [k for k in before if k in after]
        if shared != [k for k in after if k in before]:
            lines.append(f"{name}: elements put in another order")

    affected: dict[str, list[str]] = {}
    for key, element in imported.elements.items():
        old = current.elements.get(key)
        if old is None:
            lines.append(f"element {key}: added")
            continue
        changed = [f for f in element if _normal(old.get(f)) != _normal(element[f])]
        for field in changed:
            lines.append(
                f"element {key}: {field} {_shown(old.get(field))} -> {_shown(element[field])}"
            )
        if changed:
            for other in current.codes:
                if other["code"] != code["code"] and any(
                    link["key"] == key for link in other["links"]
                ):
                    affected.setdefault(other["code"], []).append(key)
    for other, keys in sorted(affected.items()):
        lines.append(f"code {other}: checklist changes through {', '.join(keys)}")
    for key, source in imported.sources.items():
        old = current.sources.get(key)
        if old is None:
            lines.append(f"source {key}: added")
        elif old != source:
            for field in source:
                if old.get(field) != source[field]:
                    was, now = _shown(old.get(field)), _shown(source[field])
                    lines.append(f"source {key}: {field} {was} -> {now}")
    return lines


def merged_catalog(current: CatalogData, imported: Imported, version: str) -> CatalogData:
    codes = [c for c in current.codes if c["code"] != imported.code["code"]] + [imported.code]
    # An empty database has no catalog header yet: the Questionnaire supplies it.
    return replace(
        current,
        version=version,
        cpt_year=current.cpt_year or imported.cpt_year or 0,
        title=current.title or "Imported catalog",
        sources=current.sources | imported.sources,
        elements=current.elements | imported.elements,
        codes=sorted(codes, key=lambda c: c["code"]),
    )


def validated(data: CatalogData, path: str) -> CatalogData:
    """`data` validated as a catalog file is, so every rule of the catalog format applies."""
    text = to_toml(data)
    billing = billing_document(data)
    checksum = hashlib.sha256(
        text.encode("utf-8") + json.dumps(billing, sort_keys=True).encode("utf-8")
    ).hexdigest()
    document = tomllib.loads(text) | {"billing": billing}
    try:
        parsed = catalog_from_document(
            document, path=f"{path} (as catalog entries)", checksum=checksum
        )
    except CatalogError as exc:
        raise QuestionnaireImportError(str(exc)) from exc
    # The family sentences are not in the entries: they stay those of the catalog in force.
    return replace(parsed, path=path, narratives=data.narratives)


@dataclass
class ImportResult:
    imported: Imported
    changes: list[str]
    report: LoadReport | None = None
    lines: list[str] = field(default_factory=list)


def import_questionnaire(
    questionnaire: dict, *, path: str, catalog_version: str = "", dry_run: bool = False
) -> ImportResult:
    """Merge one Questionnaire into the catalog in force, all or nothing."""
    current = from_database()
    imported = catalog_entries(questionnaire, current)
    changes = differences(current, imported)
    if not changes:
        return ImportResult(imported, changes)
    version = catalog_version or imported.version or current.version
    if version == current.version:
        _fail(
            path,
            f"changes {', '.join(changes)} but keeps catalog version {version!r}: "
            "give the changed catalog a new version (--catalog-version)",
        )
    if not re.match(r"^\S.{0,39}$", version):
        _fail(path, f"catalog version {version!r} must be 1-40 characters")
    data = validated(merged_catalog(current, imported, version), path)
    lines = change_report(current, imported)
    with transaction.atomic():
        report = load_catalog(data)
        if dry_run:
            transaction.set_rollback(True)
    return ImportResult(imported, changes, report, lines)


def entries_toml(imported: Imported) -> str:
    """The imported code's tables, to merge into the catalog file by hand."""
    return to_toml(
        CatalogData(
            path="",
            checksum="",
            version=imported.version,
            cpt_year=imported.cpt_year or 0,
            title="",
            notice="",
            sources=imported.sources,
            elements=imported.elements,
            codes=[imported.code],
        ),
        header=False,
    )
