"""Read and validate a payer rule pack (docs/rules.md) without touching the database.

`parse_pack(path)` returns a `PackData` or raises `PackError` whose message names the file,
the rule (or source, region, [pack]) and the field, like the catalog file's errors. A rule
may only use the check kinds of `rules.checks`, with the parameters each kind declares:
a pack never carries code.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from procedures.data_file import Where, format_validation_error, read_toml

from .pack_schema import CHECK_KINDS, PackFile


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


def _where_in_file(document: dict, loc: tuple) -> tuple[str, list]:
    """'rule two-blocks' / 'source lcd' / 'region lumbar' / '[pack]' and the rest of the
    location, from pydantic's location in the file."""
    head, rest = loc[0], list(loc[1:])
    # A check's kind and "one"/"all" conditions are how pydantic picked the model, not
    # fields of the file.
    rest = [part for part in rest if part not in CHECK_KINDS and part not in ("one", "all")]
    if head == "rules" and rest and isinstance(rest[0], int):
        entry = (document.get("rules") or [{}])[rest[0]]
        rule_id = entry.get("id") if isinstance(entry, dict) else None
        if not rest[1:] and not isinstance(entry, dict):
            return "[[rules]]", ["rules"]
        return (f"rule {rule_id}" if isinstance(rule_id, str) else f"rule {rule_id!r}"), rest[1:]
    if head in ("sources", "regions") and rest:
        return f"{head[:-1]} {rest[0]}", rest[1:]
    if head == "pack":
        return "[pack]", rest
    return "[top level]", [head, *rest]


def _after_validation(where, pack: PackFile):
    """What needs the whole file: sources and regions the rules name, severities."""
    if not pack.sources:
        where.fail("[sources]", "sources", "no source is defined: every rule cites one")
    region_of = {}
    for key, region in pack.regions.items():
        for code in region.codes:
            if code in region_of:
                where.fail(
                    f"region {key}", "codes", f"{code} is already in region {region_of[code]}"
                )
            region_of[code] = key
    if not pack.rules:
        where.fail("[[rules]]", "rules", "no rule is defined")
    seen = set()
    for rule in pack.rules:
        what = f"rule {rule.id}"
        if pack.pack.information_only and rule.severity != "information":
            where.fail(what, "severity", "the pack is information only: use 'information'")
        if rule.source not in pack.sources:
            where.fail(what, "source", f"{rule.source!r} is not defined under [sources]")
        if "region" in getattr(rule.check, "match", ()) and not pack.regions:
            where.fail(what, "check.match", "matches on region but the pack defines no [regions]")
        if rule.id in seen:
            where.fail(what, "id", "is defined twice")
        seen.add(rule.id)


def _rule(rule) -> dict:
    return {
        "id": rule.id,
        "title": rule.title,
        "codes": list(rule.codes),
        "statement": rule.statement,
        "severity": rule.severity,
        "source": rule.source,
        "when": rule.when.plain() if rule.when is not None else None,
        "check": rule.check.plain(),
    }


def parse_pack(path) -> PackData:
    path = Path(path)
    where = Where(str(path), PackError)
    raw, document = read_toml(path, PackError)
    if not isinstance(document.get("pack"), dict):
        where.fail("[pack]", "pack", "the [pack] table is missing")
    try:
        pack = PackFile.model_validate(document)
    except ValidationError as exc:
        format_validation_error(where, exc, document, _where_in_file)
    except RecursionError:
        where.fail("[pack]", "(file)", "is nested too deeply to be a rule pack")
    _after_validation(where, pack)

    header = pack.pack
    return PackData(
        path=str(path),
        checksum=hashlib.sha256(raw).hexdigest(),
        key=header.key,
        version=header.version,
        title=header.title,
        policy=header.policy,
        summary=header.summary,
        payer_kinds=list(header.payer_kinds),
        effective_from=header.effective_from,
        effective_to=header.effective_to,
        information_only=header.information_only,
        contractor=header.contractor,
        jurisdiction=header.jurisdiction,
        states=list(header.states),
        sources={key: {"key": key} | s.model_dump() for key, s in pack.sources.items()},
        regions={key: r.model_dump() for key, r in pack.regions.items()},
        rules=[_rule(rule) for rule in pack.rules],
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
