"""Read and validate a catalog file (docs/catalog-format.md) without touching the database.

`parse_catalog(path)` returns a `CatalogData` or raises `CatalogError` whose message names
the file, the code (or element, source, billing table) and the field, so whoever edits the
file can go straight to it. The shape of every table is declared in
`procedures.catalog_schema` (pydantic); this module checks what needs the whole file (an
element a link names, a condition's values, an add-on's primary) and hands the loader plain
dicts.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from coding.sites import key as site_key

from .billing_schema import check_references
from .catalog_schema import CHOICE_INPUTS, FAMILIES, KEY_PATTERN, CatalogFile, Code, Element
from .catalog_tailoring import apply_families, narratives, parse_families, tailor_link
from .data_file import Where, format_validation_error, read_toml

__all__ = ["KEY_PATTERN", "CODE_FACTS", "CatalogData", "CatalogError", "parse_catalog"]


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
    # The claim scrubber's catalog-wide rules ([billing] less its per-code part, which is
    # in each code's "billing").
    claim_rules: dict = field(default_factory=dict)
    # {family: [narrative sentence, ...]} (catalog_tailoring)
    narratives: dict[str, list[dict]] = field(default_factory=dict)


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


def _where_in_file(document: dict, loc: tuple) -> tuple[str, list]:
    """'code 64681' / 'element x' / 'source y' / '[catalog]' / 'billing...' and the rest of
    the location, from pydantic's location in the file."""
    head, rest = loc[0], list(loc[1:])
    if head == "codes" and rest and isinstance(rest[0], int):
        entry = (document.get("codes") or [{}])[rest[0]]
        code = entry.get("code") if isinstance(entry, dict) else None
        return f"code {code}", rest[1:]
    if head in ("elements", "sources") and rest:
        return f"{head[:-1]} {rest[0]}", rest[1:]
    if head == "catalog":
        return "[catalog]", rest
    if head == "billing":
        path = "billing"
        while len(rest) > 1 or (rest and isinstance(rest[0], int)):
            part = rest.pop(0)
            path += f"[{part}]" if isinstance(part, int) else f".{part}"
        return path, rest
    return f"[{head}]", rest


def _element(key: str, element: Element) -> dict:
    low, high = element.limits()
    return {
        "key": key,
        "label": element.label,
        "section": element.section,
        "input_type": element.input,
        "help_text": element.help,
        "unit": element.unit,
        "min_value": low,
        "max_value": high,
        "allow_na": element.allow_na,
        "na_reasons": list(element.na_reasons),
        "choices": [list(pair) for pair in element.choices or []],
    }


def _links(where, code: Code, elements: dict, sources: dict) -> list[dict]:
    what, linked = f"code {code.code}", [link.key for link in code.elements]
    parsed = []
    for index, link in enumerate(code.elements):
        name = f"elements[{index}]"
        if link.key not in elements:
            where.fail(what, f"{name}.key", f"{link.key!r} is not defined under [elements]")
        if link.key in linked[:index]:
            where.fail(what, f"{name}.key", f"{link.key!r} is linked twice")
        if link.source is not None and link.source not in sources:
            where.fail(what, f"{name}.source", f"{link.source!r} is not defined under [sources]")
        condition = None
        if link.when is not None:
            condition = {"element": link.when.element, "in": list(link.when.in_)}
            _check_condition(
                where, what, f"{name}.when", code.code, link.key, condition, linked, elements
            )
        parsed.append(
            {
                "key": link.key,
                "requirement": link.requirement,
                "condition": condition,
                "source": link.source,
                "why": link.why,
                "order": index + 1,
            }
            | tailor_link(where, what, name, link.tailoring(), elements[link.key])
        )
    return parsed


def _check_condition(where, what, name, code, key, condition, linked, elements):
    target = condition["element"]
    if target not in linked:
        where.fail(what, f"{name}.element", f"{target!r} is not linked to code {code}")
    if target == key:
        where.fail(what, f"{name}.element", "an element cannot depend on itself")
    kind = elements[target]["input_type"]
    if kind in CHOICE_INPUTS:
        known = {pair[0] for pair in elements[target]["choices"]}
        unknown = [v for v in condition["in"] if v not in known]
        if unknown:
            where.fail(what, f"{name}.in", f"{unknown[0]!r} is not a choice of {target}")
    elif kind == "yes_no":
        if any(v not in ("yes", "no") for v in condition["in"]):
            where.fail(what, f"{name}.in", f"{target} is yes/no: use 'yes' or 'no'")
    elif kind == "number":
        # A count as listed whole numbers, e.g. more than 3: in = ["4", "5", ...].
        if any(not (isinstance(v, str) and v.isdigit()) for v in condition["in"]):
            where.fail(what, f"{name}.in", f"{target} is a number: list whole numbers as text")
    else:
        where.fail(what, f"{name}.element", f"{target} is not a choice or yes/no element")


def _code(where, code: Code, elements: dict, sources: dict) -> dict:
    for source in code.sources:
        if source not in sources:
            where.fail(
                f"code {code.code}", "sources", f"{source!r} is not defined under [sources]"
            )
    facts = code.model_dump(exclude={"elements"})
    return facts | {"links": _links(where, code, elements, sources)}


def _claim_rules(where, catalog: CatalogFile, codes, sources, elements) -> tuple[dict, dict]:
    billing = catalog.billing
    check_references(
        billing,
        codes={c["code"]: c for c in codes},
        sources=sources,
        elements=elements,
        fail=where.fail,
    )
    per_code = {code: facts.model_dump() for code, facts in billing.codes.items()}
    rules = billing.rules()
    # Which codes bill each checked site, so a level on the wrong code can name the right one.
    site_codes: dict[str, list[str]] = {}
    for code in codes:
        if per_code.get(code["code"], {}).get("strict_sites"):
            for choice in code["site_choices"]:
                site_codes.setdefault(site_key(choice), []).append(code["code"])
    if site_codes:
        rules["site_codes"] = site_codes
    return per_code, rules


def parse_catalog(path) -> CatalogData:
    path = Path(path)
    raw, document = read_toml(path, CatalogError)
    return catalog_from_document(
        document, path=str(path), checksum=hashlib.sha256(raw).hexdigest()
    )


def catalog_from_document(document: dict, *, path: str, checksum: str) -> CatalogData:
    """Validate a catalog already read into a dict (a TOML file, or the FHIR importer's
    merge); errors name `path`."""
    where = Where(path, CatalogError)
    if not isinstance(document.get("catalog"), dict):
        where.fail("[catalog]", "catalog", "the [catalog] table is missing")
    try:
        catalog = CatalogFile.model_validate(document)
    except ValidationError as exc:
        format_validation_error(where, exc, document, _where_in_file)
    except RecursionError:
        where.fail("[catalog]", "(file)", "is nested too deeply to be a catalog")

    sources = {key: {"key": key} | s.model_dump() for key, s in catalog.sources.items()}
    elements = {key: _element(key, e) for key, e in catalog.elements.items()}
    codes, seen = [], set()
    for code in catalog.codes:
        if code.code in seen:
            where.fail(f"code {code.code}", "code", "is defined twice")
        seen.add(code.code)
        codes.append(_code(where, code, elements, sources))
    for code in codes:
        for primary in code["addon_of"]:
            if primary not in seen:
                where.fail(f"code {code['code']}", "addon_of", f"{primary!r} is not a code here")
    families = parse_families(where, document, elements, sources, FAMILIES)
    apply_families(codes, families, elements)
    per_code, claim_rules = _claim_rules(where, catalog, codes, sources, elements)
    for code in codes:
        code["billing"] = per_code.get(code["code"], {})

    header = catalog.catalog
    return CatalogData(
        path=path,
        checksum=checksum,
        version=header.version,
        cpt_year=header.cpt_year,
        title=header.title,
        notice=header.notice,
        sources=sources,
        elements=elements,
        codes=codes,
        claim_rules=claim_rules,
        narratives=narratives(families),
    )


def billing_document(data: CatalogData) -> dict:
    """The [billing] table `data` was parsed from, to validate it again."""
    codes = {c["code"]: c["billing"] for c in data.codes if c.get("billing")}
    return {**data.claim_rules, "codes": codes} if codes or data.claim_rules else {}
