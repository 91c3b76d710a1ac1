"""Read and validate a payer rule pack (docs/rules.md) without touching the database.

`parse_pack(path)` returns a `PackData` or raises `PackError` whose message names the file,
the rule (or source, region, [pack]) and the field, like the catalog file's errors. A rule
may only use the check kinds of `rules.checks`, with the parameters each kind declares:
a pack never carries code.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from procedures.data_file import Where, read_toml

from .checks import MATCHES, PARAMS, WINDOW_KINDS, Param

SEVERITIES = ("blocks", "warning", "information")
PAYER_KINDS = (
    "medicare",
    "medicare_advantage",
    "medicaid",
    "commercial",
    "workers_comp",
    "other",
)
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
ELEMENT_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
REGION_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CODE_PATTERN = re.compile(r"^[0-9]{4}[0-9A-Z]$")
POS_PATTERN = re.compile(r"^[0-9]{2}$")
PACK_FIELDS = (
    "key",
    "version",
    "title",
    "policy",
    "summary",
    "payer_kinds",
    "effective_from",
    "effective_to",
    "information_only",
    "contractor",
    "jurisdiction",
    "states",
)
STATE_PATTERN = re.compile(r"^[A-Z]{2}$")
ICD10_PATTERN = re.compile(
    r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Zx]{1,4})?(-[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?)?$"
)
SOURCE_FIELDS = ("policy", "title", "url", "effective_from", "effective_to")
REGION_FIELDS = ("label", "codes")
RULE_FIELDS = ("id", "title", "codes", "statement", "severity", "source", "when", "check")


class PackError(ValueError):
    """A rule pack that cannot be loaded; the message says where and why."""


@dataclass(frozen=True)
class PackData:
    path: str
    checksum: str
    key: str
    version: str
    title: str
    policy: str
    summary: str
    payer_kinds: list[str]
    effective_from: str
    effective_to: str
    information_only: bool
    sources: dict[str, dict] = field(default_factory=dict)
    # A contractor's LCD applies only where that contractor pays: the states it serves
    # (empty: a national policy or a commercial pack, applied wherever the practice is).
    contractor: str = ""
    jurisdiction: str = ""
    states: list[str] = field(default_factory=list)
    regions: dict[str, dict] = field(default_factory=dict)
    rules: list[dict] = field(default_factory=list)

    def document(self) -> dict:
        """The pack as plain JSON, as stored on `RulePack.document` and read by the engine."""
        return {
            "key": self.key,
            "version": self.version,
            "title": self.title,
            "policy": self.policy,
            "summary": self.summary,
            "payer_kinds": list(self.payer_kinds),
            "effective_from": self.effective_from,
            "effective_to": self.effective_to,
            "information_only": self.information_only,
            "contractor": self.contractor,
            "jurisdiction": self.jurisdiction,
            "states": list(self.states),
            "sources": self.sources,
            "regions": self.regions,
            "rules": self.rules,
        }


def _no_unknown(where, what, table, allowed, prefix=""):
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        where.fail(
            what, prefix + unknown[0], f"is not a known field (known: {', '.join(allowed)})"
        )


def _text(where, what, table, name, *, required=True):
    value = table.get(name)
    if value is None:
        if required:
            where.fail(what, name, "is missing")
        return ""
    if not isinstance(value, str):
        where.fail(what, name, f"must be text, not {type(value).__name__}")
    if required and not value.strip():
        where.fail(what, name, "must not be empty")
    return value.strip()


def _date(where, what, table, name, *, required=False) -> str:
    value = table.get(name)
    if value is None:
        if required:
            where.fail(what, name, "is missing")
        return ""
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        where.fail(what, name, "must be a date such as 2021-04-25 (no quotes, no time)")
    return value.isoformat()


def _codes(where, what, name, value):
    if not isinstance(value, list) or not value:
        where.fail(what, name, "must be a non-empty list of codes")
    for code in value:
        if not isinstance(code, str) or not CODE_PATTERN.match(code):
            where.fail(what, name, f"{code!r} is not a five-character CPT/HCPCS code")
    if len(set(value)) != len(value):
        where.fail(what, name, "lists a code twice")
    return list(value)


def _condition(where, what, name, value):
    if not isinstance(value, dict) or not value:
        where.fail(what, name, 'must be { element = "key", in = ["value", ...] }')
    _no_unknown(where, what, value, ("element", "in", "place_of_service"), prefix=f"{name}.")
    condition = {}
    if "element" in value or "in" in value:
        element = value.get("element")
        if not isinstance(element, str) or not ELEMENT_PATTERN.match(element):
            where.fail(what, f"{name}.element", "must be an element key")
        values = value.get("in")
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, str) and v for v in values)
        ):
            where.fail(what, f"{name}.in", "must be a non-empty list of values")
        condition |= {"element": element, "in": list(values)}
    if "place_of_service" in value:
        places = value["place_of_service"]
        if not isinstance(places, list) or not places:
            where.fail(what, f"{name}.place_of_service", "must be a non-empty list")
        for place in places:
            if not isinstance(place, str) or not POS_PATTERN.match(place):
                where.fail(
                    what, f"{name}.place_of_service", f"{place!r} is not a two-digit POS code"
                )
        condition["place_of_service"] = list(places)
    return condition


def _param(where, what, name, spec: Param, value, regions):
    kind = spec.kind
    if kind == "codes":
        return _codes(where, what, name, value)
    if kind == "element":
        if not isinstance(value, str) or not ELEMENT_PATTERN.match(value):
            where.fail(what, name, f"{value!r} is not an element key")
        return value
    if kind == "elements":
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values:
            where.fail(what, name, "must be an element key or a list of element keys")
        for item in values:
            if not isinstance(item, str) or not ELEMENT_PATTERN.match(item):
                where.fail(what, name, f"{item!r} is not an element key")
        return list(values)
    if kind == "texts":
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v for v in value)
        ):
            where.fail(what, name, "must be a non-empty list of text values")
        return list(value)
    if kind == "text":
        if not isinstance(value, str):
            where.fail(what, name, f"must be text, not {type(value).__name__}")
        return value.strip()
    if kind == "bool":
        if not isinstance(value, bool):
            where.fail(what, name, "must be true or false")
        return value
    if kind in ("int", "number"):
        allowed = (int,) if kind == "int" else (int, float)
        if isinstance(value, bool) or not isinstance(value, allowed):
            where.fail(what, name, f"must be a {'whole number' if kind == 'int' else 'number'}")
        if (
            spec.low is not None
            and value < spec.low
            or spec.high is not None
            and value > spec.high
        ):
            where.fail(what, name, f"must be between {spec.low} and {spec.high}, not {value}")
        return value
    if kind == "choice":
        if value not in spec.choices:
            where.fail(what, name, f"{value!r} is not one of {', '.join(spec.choices)}")
        return value
    if kind == "match":
        if not isinstance(value, list) or not all(v in MATCHES for v in value):
            where.fail(what, name, f"must be a list of: {', '.join(MATCHES)}")
        if len(set(value)) != len(value):
            where.fail(what, name, "lists a value twice")
        if "region" in value and not regions:
            where.fail(what, name, "matches on region but the pack defines no [regions]")
        return list(value)
    if kind == "condition":
        if isinstance(value, list) and value:  # all of them must hold
            return [_condition(where, what, f"{name}[{i}]", v) for i, v in enumerate(value)]
        return _condition(where, what, name, value)
    if kind == "icd10_codes":
        if not isinstance(value, list) or not value:
            where.fail(what, name, "must be a non-empty list of ICD-10-CM codes or patterns")
        for code in value:
            if not isinstance(code, str) or not ICD10_PATTERN.match(code):
                where.fail(
                    what,
                    name,
                    f"{code!r} is not an ICD-10-CM code, pattern (M47.81x) or range "
                    "(M47.811-M47.817)",
                )
        return list(value)
    if kind == "repeat":
        if not isinstance(value, dict):
            where.fail(what, name, "must be { codes = [...], waive_within_months = 24 }")
        _no_unknown(where, what, value, ("codes", "waive_within_months"), prefix=f"{name}.")
        months = value.get("waive_within_months")
        if months is None:  # any earlier procedure at the place waives the prerequisite
            return {"codes": _codes(where, what, f"{name}.codes", value.get("codes"))}
        if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 240:
            where.fail(what, f"{name}.waive_within_months", "must be a whole number 1-240")
        return {
            "codes": _codes(where, what, f"{name}.codes", value.get("codes")),
            "waive_within_months": months,
        }
    raise AssertionError(f"unknown parameter kind {kind}")  # pragma: no cover


def _check(where, what, table, regions):
    if not isinstance(table, dict):
        where.fail(what, "check", 'must be a table such as { kind = "element_value", ... }')
    kind = table.get("kind")
    if kind not in PARAMS:
        where.fail(
            what,
            "check.kind",
            f"{kind!r} is not a known check kind (known: {', '.join(PARAMS)})",
        )
    specs = PARAMS[kind]
    unknown = sorted(set(table) - set(specs) - {"kind"})
    if unknown:
        where.fail(
            what,
            f"check.{unknown[0]}",
            f"is not a parameter of {kind} (known: {', '.join(specs)})",
        )
    check = {"kind": kind}
    for name, spec in specs.items():
        if name in table:
            check[name] = _param(where, what, f"check.{name}", spec, table[name], regions)
        elif spec.required:
            where.fail(what, f"check.{name}", f"is required by {kind}")
        elif spec.default is not None:
            default = spec.default
            check[name] = list(default) if isinstance(default, tuple) else default
    if kind in WINDOW_KINDS and ("months" in check) == ("days" in check):
        where.fail(what, "check.months", f"{kind} needs exactly one of months or days")
    if kind == "element_value":
        low, high = check.get("min"), check.get("max")
        if low is not None and high is not None and low > high:
            where.fail(what, "check.min", f"{low} is above max {high}")
    if kind == "prerequisite_notes" and check.get("only_repeats") and not check.get("repeat"):
        where.fail(what, "check.only_repeats", "needs check.repeat: what makes it a repeat")
    if kind == "prerequisite_notes" and check.get("min") is not None and not check.get("element"):
        where.fail(what, "check.min", "needs check.element: the value it applies to")
    return check


def _rule(where, table, sources, regions, information_only):
    rule_id = table.get("id")
    what = f"rule {rule_id}"
    if not isinstance(rule_id, str) or not KEY_PATTERN.match(rule_id):
        where.fail(f"rule {rule_id!r}", "id", "must be a lower-case slug such as two-blocks")
    _no_unknown(where, what, table, RULE_FIELDS)
    severity = table.get("severity")
    if severity not in SEVERITIES:
        where.fail(what, "severity", f"{severity!r} is not one of {', '.join(SEVERITIES)}")
    if information_only and severity != "information":
        where.fail(what, "severity", "the pack is information only: use 'information'")
    source = table.get("source")
    if source not in sources:
        where.fail(what, "source", f"{source!r} is not defined under [sources]")
    rule = {
        "id": rule_id,
        "title": _text(where, what, table, "title"),
        "codes": _codes(where, what, "codes", table.get("codes")),
        "statement": _text(where, what, table, "statement"),
        "severity": severity,
        "source": source,
        "when": None,
        "check": _check(where, what, table.get("check"), regions),
    }
    if "when" in table:
        rule["when"] = _condition(where, what, "when", table["when"])
    return rule


def parse_pack(path) -> PackData:
    path = Path(path)
    where = Where(str(path), PackError)
    raw, document = read_toml(path, PackError)

    _no_unknown(where, "[top level]", document, ("pack", "sources", "regions", "rules"))
    header = document.get("pack")
    if not isinstance(header, dict):
        where.fail("[pack]", "pack", "the [pack] table is missing")
    _no_unknown(where, "[pack]", header, PACK_FIELDS)
    key = _text(where, "[pack]", header, "key")
    if not KEY_PATTERN.match(key):
        where.fail("[pack]", "key", "must be a lower-case slug such as medicare-facet-rf")
    payer_kinds = header.get("payer_kinds", [])
    if not isinstance(payer_kinds, list) or any(k not in PAYER_KINDS for k in payer_kinds):
        where.fail("[pack]", "payer_kinds", f"must be a list of: {', '.join(PAYER_KINDS)}")
    information_only = header.get("information_only", False)
    if not isinstance(information_only, bool):
        where.fail("[pack]", "information_only", "must be true or false")
    states = header.get("states", [])
    if not isinstance(states, list) or not all(
        isinstance(v, str) and STATE_PATTERN.match(v) for v in states
    ):
        where.fail("[pack]", "states", "must be a list of two-letter state codes")
    effective_from = _date(where, "[pack]", header, "effective_from")
    effective_to = _date(where, "[pack]", header, "effective_to")
    if effective_from and effective_to and effective_to < effective_from:
        where.fail("[pack]", "effective_to", "is before effective_from")

    sources = {}
    for source_key, table in (document.get("sources") or {}).items():
        what = f"source {source_key}"
        if not KEY_PATTERN.match(source_key) or not isinstance(table, dict):
            where.fail(what, "key", "must be a lower-case slug naming a table")
        _no_unknown(where, what, table, SOURCE_FIELDS)
        url = _text(where, what, table, "url")
        if not url.startswith(("https://", "http://")):
            where.fail(what, "url", "must start with https:// or http://")
        source = {
            "key": source_key,
            "policy": _text(where, what, table, "policy"),
            "title": _text(where, what, table, "title"),
            "url": url,
            "effective_from": _date(where, what, table, "effective_from"),
            "effective_to": _date(where, what, table, "effective_to"),
        }
        if (
            source["effective_from"]
            and source["effective_to"]
            and (source["effective_to"] < source["effective_from"])
        ):
            where.fail(what, "effective_to", "is before effective_from")
        sources[source_key] = source
    if not sources:
        where.fail("[sources]", "sources", "no source is defined: every rule cites one")

    regions, region_of = {}, {}
    for region_key, table in (document.get("regions") or {}).items():
        what = f"region {region_key}"
        if not REGION_PATTERN.match(region_key) or not isinstance(table, dict):
            where.fail(what, "key", "must be lower-case letters, digits and underscores")
        _no_unknown(where, what, table, REGION_FIELDS)
        codes = _codes(where, what, "codes", table.get("codes"))
        for code in codes:
            if code in region_of:
                where.fail(what, "codes", f"{code} is already in region {region_of[code]}")
            region_of[code] = region_key
        regions[region_key] = {"label": _text(where, what, table, "label"), "codes": codes}

    rules, seen = [], set()
    for table in document.get("rules") or []:
        if not isinstance(table, dict):
            where.fail("[[rules]]", "rules", "each rule must be a table")
        rule = _rule(where, table, sources, regions, information_only)
        if rule["id"] in seen:
            where.fail(f"rule {rule['id']}", "id", "is defined twice")
        seen.add(rule["id"])
        rules.append(rule)
    if not rules:
        where.fail("[[rules]]", "rules", "no rule is defined")

    return PackData(
        path=str(path),
        checksum=hashlib.sha256(raw).hexdigest(),
        key=key,
        version=_text(where, "[pack]", header, "version"),
        title=_text(where, "[pack]", header, "title"),
        policy=_text(where, "[pack]", header, "policy"),
        summary=_text(where, "[pack]", header, "summary", required=False),
        payer_kinds=list(payer_kinds),
        effective_from=effective_from,
        effective_to=effective_to,
        information_only=information_only,
        contractor=_text(where, "[pack]", header, "contractor", required=False),
        jurisdiction=_text(where, "[pack]", header, "jurisdiction", required=False),
        states=list(states),
        sources=sources,
        regions=regions,
        rules=rules,
    )


def parse_packs(paths) -> list[PackData]:
    """Every pack of `paths`, refusing two files with the same pack key."""
    packs, seen = [], {}
    for path in paths:
        pack = parse_pack(path)
        if pack.key in seen:
            raise PackError(
                f"{path}: [pack], field 'key': {pack.key!r} is already the key of {seen[pack.key]}"
            )
        seen[pack.key] = path
        packs.append(pack)
    return packs
