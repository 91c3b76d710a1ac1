"""Read and validate a catalog file (docs/catalog-format.md) without touching the database.

`parse_catalog(path)` returns a `CatalogData` or raises `CatalogError` whose message names
the file, the code (or element / source) and the field, so whoever edits the file can go
straight to the line.
"""

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .data_file import Where, read_toml

SECTIONS = ("pre", "procedure", "post")
INPUT_TYPES = (
    "text",
    "long_text",
    "choice",
    "multi_choice",
    "yes_no",
    "number",
    "date",
    "datetime",
    "pain_score",
    "percent",
)
CHOICE_INPUTS = ("choice", "multi_choice")
RANGED_INPUTS = ("number", "percent", "pain_score")
SOURCE_KINDS = (
    "cms",
    "cpt-guideline",
    "lcd",
    "article",
    "payer-policy",
    "literature",
    "practice",
)
FAMILIES = ("neurolytic", "chemodenervation", "diagnostic_block")
UNIT_KINDS = (
    "session",
    "side",
    "nerve",
    "joint",
    "extremity",
    "interspace",
    "vertebral_body",
    "knee",
    "branch",
)
GLOBAL_DAYS = ("000", "010", "090", "ZZZ")
LATERALITIES = ("none", "side_required", "bilateral_allowed")
IMAGING = ("included", "separate", "in_code", "none")
TECHNIQUES = ("chemical", "thermal_rf", "cooled_rf", "cryo", "chemodenervation", "nerve_block")
REQUIREMENTS = ("required", "recommended", "information")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
SOURCE_KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
CODE_PATTERN = re.compile(r"^[0-9]{4}[0-9A-Z]$")


class CatalogError(ValueError):
    """A catalog file that cannot be loaded; the message says where and why."""


@dataclass(frozen=True)
class CatalogData:
    path: str
    checksum: str
    version: str
    cpt_year: int
    title: str
    notice: str
    sources: dict[str, dict]
    elements: dict[str, dict]
    codes: list[dict] = field(default_factory=list)


def _one_of(where, what, name, value, allowed):
    if value not in allowed:
        where.fail(what, name, f"{value!r} is not one of {', '.join(allowed)}")
    return value


def _text(where, what, table, name, *, required=True, default=""):
    value = table.get(name, None)
    if value is None:
        if required:
            where.fail(what, name, "is missing")
        return default
    if not isinstance(value, str):
        where.fail(what, name, f"must be text, not {type(value).__name__}")
    if required and not value.strip():
        where.fail(what, name, "must not be empty")
    return value.strip()


def _text_list(where, what, table, name):
    value = table.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        where.fail(what, name, "must be a list of text values")
    if len(set(value)) != len(value):
        where.fail(what, name, "lists a value twice")
    return value


def _no_unknown_fields(where, what, table, allowed):
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        where.fail(what, unknown[0], f"is not a known field (known: {', '.join(allowed)})")


def _decimal(where, what, table, name):
    value = table.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        where.fail(what, name, "must be a number")
    try:
        return Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - tomllib only yields finite numbers here
        where.fail(what, name, "must be a finite number")


ELEMENT_FIELDS = (
    "label",
    "section",
    "input",
    "help",
    "choices",
    "unit",
    "min",
    "max",
    "allow_na",
    "na_reasons",
)


def _parse_element(where, key, table):
    what = f"element {key}"
    if not KEY_PATTERN.match(key):
        where.fail(what, "key", "must be lower-case letters, digits and underscores")
    if not isinstance(table, dict):
        where.fail(what, "key", "must be a table")
    _no_unknown_fields(where, what, table, ELEMENT_FIELDS)
    input_type = _one_of(where, what, "input", table.get("input"), INPUT_TYPES)
    element = {
        "key": key,
        "label": _text(where, what, table, "label"),
        "section": _one_of(where, what, "section", table.get("section"), SECTIONS),
        "input_type": input_type,
        "help_text": _text(where, what, table, "help"),
        "unit": _text(where, what, table, "unit", required=False),
        "min_value": _decimal(where, what, table, "min"),
        "max_value": _decimal(where, what, table, "max"),
        "allow_na": table.get("allow_na", False),
        "na_reasons": _text_list(where, what, table, "na_reasons"),
        "choices": [],
    }
    if not isinstance(element["allow_na"], bool):
        where.fail(what, "allow_na", "must be true or false")
    if element["na_reasons"] and not element["allow_na"]:
        where.fail(what, "na_reasons", "is given but allow_na is not true")
    choices = table.get("choices")
    if input_type in CHOICE_INPUTS:
        if not isinstance(choices, list) or not choices:
            where.fail(what, "choices", f"is required for input '{input_type}'")
        for index, pair in enumerate(choices):
            if (
                not isinstance(pair, list)
                or len(pair) != 2
                or not all(isinstance(p, str) and p.strip() for p in pair)
            ):
                where.fail(what, f"choices[{index}]", "must be a [value, label] pair of text")
        values = [pair[0] for pair in choices]
        if len(set(values)) != len(values):
            where.fail(what, "choices", "lists a value twice")
        element["choices"] = [list(pair) for pair in choices]
    elif choices is not None:
        where.fail(what, "choices", f"only applies to choice inputs, not '{input_type}'")
    if input_type == "number" and not element["unit"]:
        where.fail(what, "unit", "is required for input 'number'")
    if input_type not in RANGED_INPUTS and (
        element["min_value"] is not None or element["max_value"] is not None
    ):
        where.fail(what, "min", f"a range only applies to numbers, not '{input_type}'")
    if input_type == "pain_score":
        element["min_value"], element["max_value"] = Decimal(0), Decimal(10)
    if input_type == "percent":
        element["min_value"] = (
            element["min_value"] if element["min_value"] is not None else Decimal(0)
        )
        element["max_value"] = (
            element["max_value"] if element["max_value"] is not None else Decimal(100)
        )
    low, high = element["min_value"], element["max_value"]
    if low is not None and high is not None and low > high:
        where.fail(what, "min", f"{low} is above max {high}")
    return element


# What a code says about itself besides its name and checklist: the one list the loader,
# the note snapshot and the FHIR export all derive theirs from.
CODE_FACTS = (
    "family",
    "addon_of",
    "unit_of_service",
    "unit_kind",
    "max_units",
    "global_days",
    "bilateral_indicator",
    "laterality",
    "site_label",
    "site_choices",
    "imaging",
    "imaging_codes",
    "techniques",
    "modifiers",
    "places_of_service",
    "sources",
    "caveats",
)
CODE_FIELDS = ("code", "title", "summary", *CODE_FACTS, "active", "elements")
LINK_FIELDS = ("key", "requirement", "when", "source", "why")


def _parse_links(where, what, code, table, elements, sources):
    links = table.get("elements")
    if not isinstance(links, list) or not links:
        where.fail(what, "elements", "must list at least one element")
    parsed, seen = [], set()
    for index, link in enumerate(links):
        name = f"elements[{index}]"
        if not isinstance(link, dict):
            where.fail(what, name, "must be a table")
        _no_unknown_fields(where, what, link, LINK_FIELDS)
        key = link.get("key")
        if key not in elements:
            where.fail(what, f"{name}.key", f"{key!r} is not defined under [elements]")
        if key in seen:
            where.fail(what, f"{name}.key", f"{key!r} is linked twice")
        seen.add(key)
        source = link.get("source")
        if source is not None and source not in sources:
            where.fail(what, f"{name}.source", f"{source!r} is not defined under [sources]")
        parsed.append(
            {
                "key": key,
                "requirement": _one_of(
                    where, what, f"{name}.requirement", link.get("requirement"), REQUIREMENTS
                ),
                "condition": link.get("when"),
                "source": source,
                "why": _text(where, what, link, "why", required=False),
                "order": index + 1,
            }
        )
    # Conditions are checked once every link of the code is known.
    for index, link in enumerate(parsed):
        condition = link["condition"]
        if condition is None:
            continue
        name = f"elements[{index}].when"
        if (
            not isinstance(condition, dict)
            or set(condition) != {"element", "in"}
            or not isinstance(condition["in"], list)
            or not condition["in"]
        ):
            where.fail(what, name, 'must be { element = "key", in = ["value", ...] }')
        target = condition["element"]
        if target not in seen:
            where.fail(what, f"{name}.element", f"{target!r} is not linked to code {code}")
        if target == link["key"]:
            where.fail(what, f"{name}.element", "an element cannot depend on itself")
        target_element = elements[target]
        if target_element["input_type"] in CHOICE_INPUTS:
            known = {pair[0] for pair in target_element["choices"]}
            unknown = [v for v in condition["in"] if v not in known]
            if unknown:
                where.fail(what, f"{name}.in", f"{unknown[0]!r} is not a choice of {target}")
        elif target_element["input_type"] == "yes_no":
            if any(v not in ("yes", "no") for v in condition["in"]):
                where.fail(what, f"{name}.in", f"{target} is yes/no: use 'yes' or 'no'")
        elif target_element["input_type"] == "number":
            # A count as listed whole numbers, e.g. more than 3: in = ["4", "5", ...].
            if any(not (isinstance(v, str) and v.isdigit()) for v in condition["in"]):
                where.fail(what, f"{name}.in", f"{target} is a number: list whole numbers as text")
        else:
            where.fail(what, f"{name}.element", f"{target} is not a choice or yes/no element")
        link["condition"] = {"element": target, "in": list(condition["in"])}
    return parsed


def _parse_code(where, table, elements, sources):
    code = table.get("code")
    what = f"code {code}"
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        where.fail(f"code {code!r}", "code", "must be a five-character CPT/HCPCS code")
    _no_unknown_fields(where, what, table, CODE_FIELDS)
    parsed = {
        "code": code,
        "title": _text(where, what, table, "title"),
        "summary": _text(where, what, table, "summary"),
        "family": _one_of(where, what, "family", table.get("family"), FAMILIES),
        "addon_of": _text_list(where, what, table, "addon_of"),
        "unit_of_service": _text(where, what, table, "unit_of_service"),
        "unit_kind": _one_of(where, what, "unit_kind", table.get("unit_kind"), UNIT_KINDS),
        "max_units": table.get("max_units", 1),
        "global_days": _one_of(where, what, "global_days", table.get("global_days"), GLOBAL_DAYS),
        "bilateral_indicator": table.get("bilateral_indicator"),
        "laterality": _one_of(where, what, "laterality", table.get("laterality"), LATERALITIES),
        "site_label": _text(where, what, table, "site_label", required=False),
        "site_choices": _text_list(where, what, table, "site_choices"),
        "imaging": _one_of(where, what, "imaging", table.get("imaging"), IMAGING),
        "imaging_codes": _text_list(where, what, table, "imaging_codes"),
        "techniques": _text_list(where, what, table, "techniques"),
        "modifiers": _text_list(where, what, table, "modifiers"),
        "places_of_service": _text_list(where, what, table, "places_of_service"),
        "sources": _text_list(where, what, table, "sources"),
        "caveats": _text(where, what, table, "caveats", required=False),
        "active": table.get("active", True),
    }
    if isinstance(parsed["max_units"], bool) or not isinstance(parsed["max_units"], int):
        where.fail(what, "max_units", "must be a whole number")
    if not 1 <= parsed["max_units"] <= 99:
        where.fail(what, "max_units", "must be between 1 and 99")
    if parsed["bilateral_indicator"] not in (0, 1, 2, 3, 9):
        where.fail(what, "bilateral_indicator", "must be a CMS bilateral indicator 0-3 or 9")
    if not isinstance(parsed["active"], bool):
        where.fail(what, "active", "must be true or false")
    for technique in parsed["techniques"]:
        _one_of(where, what, "techniques", technique, TECHNIQUES)
    if not parsed["techniques"]:
        where.fail(what, "techniques", "must list at least one technique")
    if "50" in parsed["modifiers"] and parsed["bilateral_indicator"] != 1:
        where.fail(what, "modifiers", "modifier 50 applies only with bilateral indicator 1")
    if (parsed["global_days"] == "ZZZ") != bool(parsed["addon_of"]):
        where.fail(what, "addon_of", "an add-on (global ZZZ) must name its primary codes")
    for source in parsed["sources"]:
        if source not in sources:
            where.fail(what, "sources", f"{source!r} is not defined under [sources]")
    if not parsed["sources"]:
        where.fail(what, "sources", "must cite at least one source")
    parsed["links"] = _parse_links(where, what, code, table, elements, sources)
    return parsed


def parse_catalog(path) -> CatalogData:
    path = Path(path)
    where = Where(str(path), CatalogError)
    raw, document = read_toml(path, CatalogError)

    header = document.get("catalog")
    if not isinstance(header, dict):
        where.fail("[catalog]", "catalog", "the [catalog] table is missing")
    version = _text(where, "[catalog]", header, "version")
    cpt_year = header.get("cpt_year")
    if isinstance(cpt_year, bool) or not isinstance(cpt_year, int) or cpt_year < 2000:
        where.fail("[catalog]", "cpt_year", "must be a year such as 2025")

    sources = {}
    for key, table in (document.get("sources") or {}).items():
        what = f"source {key}"
        if not SOURCE_KEY_PATTERN.match(key) or not isinstance(table, dict):
            where.fail(what, "key", "must be a lower-case slug naming a table")
        _no_unknown_fields(where, what, table, ("title", "url", "kind"))
        url = _text(where, what, table, "url", required=False)
        if url and not url.startswith(("https://", "http://")):
            where.fail(what, "url", "must start with https:// or http://")
        sources[key] = {
            "key": key,
            "title": _text(where, what, table, "title"),
            "url": url,
            "kind": _one_of(where, what, "kind", table.get("kind"), SOURCE_KINDS),
        }

    elements = {
        key: _parse_element(where, key, table)
        for key, table in (document.get("elements") or {}).items()
    }
    if not elements:
        where.fail("[elements]", "elements", "no element is defined")

    codes, seen = [], set()
    for table in document.get("codes") or []:
        if not isinstance(table, dict):
            where.fail("[[codes]]", "codes", "each code must be a table")
        code = _parse_code(where, table, elements, sources)
        if code["code"] in seen:
            where.fail(f"code {code['code']}", "code", "is defined twice")
        seen.add(code["code"])
        codes.append(code)
    if not codes:
        where.fail("[[codes]]", "codes", "no code is defined")
    for code in codes:
        for primary in code["addon_of"]:
            if primary not in seen:
                where.fail(f"code {code['code']}", "addon_of", f"{primary!r} is not a code here")

    return CatalogData(
        path=str(path),
        checksum=hashlib.sha256(raw).hexdigest(),
        version=version,
        cpt_year=cpt_year,
        title=_text(where, "[catalog]", header, "title"),
        notice=_text(where, "[catalog]", header, "notice", required=False),
        sources=sources,
        elements=elements,
        codes=codes,
    )
