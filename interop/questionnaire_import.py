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
from .terms import (
    CATALOG_SOURCE,
    CPT,
    ELEMENT_HELP,
    ELEMENT_SOURCE,
    MAX_QUANTITY,
    MAX_VALUE,
    MIN_QUANTITY,
    MIN_VALUE,
    NA_LINK,
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


def _input_type(item: dict, where: str) -> tuple[str, str]:
    """(catalog input type, unit) for an item's FHIR type."""
    kind = item.get("type")
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


def _condition(item: dict, where: str):
    conditions = item.get("enableWhen") or []
    if not conditions:
        return None
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
            na = [option.get("valueString") for option in child.get("answerOption") or []]
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


def _element(item: dict, section: str, existing: dict, where: str):
    key = item.get("linkId") or ""
    if not KEY_PATTERN.match(key):
        _fail(where, "linkId must be a catalog key (lower-case letters, digits and underscores)")
    if item.get("type") in ("group", "display"):
        _fail(where, f"a {item.get('type')} item inside a section cannot be mapped")
    for name, what in REFUSED_ITEM_FIELDS.items():
        if name in item:
            _fail(where, f"{what} cannot be mapped")
    _check_extensions(item, where)
    input_type, unit = _input_type(item, where)
    low, high = _range(item, input_type, where)
    shown_help, na_reasons = _children(item, key, where)
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
    requirement = _extension_value(item, REQUIREMENT) or (
        "required" if item.get("required") else "recommended"
    )
    if (requirement == "required") != bool(item.get("required")):
        _fail(where, f"requirement '{requirement}' contradicts required={item.get('required')}")
    link = {
        "key": key,
        "requirement": requirement,
        "condition": _condition(item, where),
        "source": _extension_value(item, ELEMENT_SOURCE),
        "why": why,
    }
    return element, link


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
    for group in questionnaire.get("item") or []:
        section = _section(group)
        for item in group.get("item") or []:
            where = f"item '{item.get('linkId')}'"
            element, link = _element(item, section, current.elements, where)
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
    return replace(parsed, path=path)


@dataclass
class ImportResult:
    imported: Imported
    changes: list[str]
    report: LoadReport | None = None


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
    with transaction.atomic():
        report = load_catalog(data)
        if dry_run:
            transaction.set_rollback(True)
    return ImportResult(imported, changes, report)


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
