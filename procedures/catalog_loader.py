"""Write a parsed catalog (`catalog_file.CatalogData`) into the database, all or nothing."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from .catalog_file import CODE_FACTS
from .models import CatalogVersion, CodeElement, DocumentationElement, ProcedureCode, Source
from .plain_text import plain, plain_list
from .signals import catalog_loaded

# Relations (addon_of, sources) are written apart, after every code exists.
CODE_SCALARS = (
    "title",
    "summary",
    *(name for name in CODE_FACTS if name not in ("addon_of", "sources")),
    "billing",
    "active",
)
ELEMENT_SCALARS = (
    "label",
    "section",
    "input_type",
    "help_text",
    "choices",
    "unit",
    "min_value",
    "max_value",
    "allow_na",
    "na_reasons",
)


@dataclass
class LoadReport:
    version: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    new_version: bool = False

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.changed or self.deactivated or self.new_version)

    def lines(self) -> list[str]:
        if self.unchanged:
            return [f"Catalog {self.version}: already loaded, nothing changed."]
        lines = [f"Catalog {self.version}: loaded."]
        for title, items in (
            ("Added", self.added),
            ("Changed", self.changed),
            ("Deactivated", self.deactivated),
        ):
            if not items:
                continue
            if len(items) <= 12:
                lines.append(f"{title} ({len(items)}): {', '.join(items)}")
                continue
            kinds: dict[str, int] = {}
            for item in items:
                kind = item.split(" ", 1)[0] if " " in item.split("(")[0] else "checklist link"
                kinds[kind] = kinds.get(kind, 0) + 1
            summary = ", ".join(f"{n} {kind}{'s' if n > 1 else ''}" for kind, n in kinds.items())
            lines.append(f"{title} ({len(items)}): {summary}")
        return lines


def _normalise(value):
    # 10, 10.0 and Decimal("10.000") are the same plausible limit.
    return float(value) if isinstance(value, Decimal) else value


def _upsert(model, lookup, values, report, label):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        report.added.append(label)
        return obj
    differs = [
        name
        for name, value in values.items()
        if _normalise(getattr(obj, name)) != _normalise(value)
    ]
    if differs:
        for name in differs:
            setattr(obj, name, values[name])
        obj.save(update_fields=differs)
        report.changed.append(f"{label} ({', '.join(differs)})")
    return obj


@transaction.atomic
def load_catalog(data) -> LoadReport:
    report = LoadReport(version=data.version)

    sources = {
        key: _upsert(
            Source,
            {"key": key},
            {"title": s["title"], "url": s["url"], "kind": s["kind"]},
            report,
            f"source {key}",
        )
        for key, s in data.sources.items()
    }

    elements = {}
    for key, e in data.elements.items():
        values = {name: e[name] for name in ELEMENT_SCALARS} | {"active": True}
        values = _plain(values, ("label", "help_text"), ("choices", "na_reasons"))
        elements[key] = _upsert(
            DocumentationElement, {"key": key}, values, report, f"element {key}"
        )
    for element in DocumentationElement.objects.filter(active=True).exclude(
        key__in=list(data.elements)
    ):
        element.active = False
        element.save(update_fields=["active"])
        report.deactivated.append(f"element {element.key}")

    codes = {}
    for c in data.codes:
        values = _plain({name: c[name] for name in CODE_SCALARS}, ("title", "summary"))
        codes[c["code"]] = _upsert(
            ProcedureCode, {"code": c["code"]}, values, report, f"code {c['code']}"
        )
    for code in ProcedureCode.objects.filter(active=True).exclude(
        code__in=[c["code"] for c in data.codes]
    ):
        code.active = False
        code.save(update_fields=["active"])
        report.deactivated.append(f"code {code.code}")

    new_codes = {c["code"] for c in data.codes if f"code {c['code']}" in report.added}
    for c in data.codes:
        code = codes[c["code"]]
        _sync_relations(code, c, codes, sources, report, quiet=c["code"] in new_codes)
        _sync_links(code, c["links"], elements, sources, report)

    current = CatalogVersion.current()
    if current is None or current.checksum != data.checksum:
        CatalogVersion.objects.create(
            version=data.version,
            cpt_year=data.cpt_year,
            title=data.title,
            notice=data.notice,
            checksum=data.checksum,
            source_file=data.path,
            narratives=data.narratives,
            claim_rules=data.claim_rules,
        )
        report.new_version = True
    # The FHIR API keeps each version's Questionnaires (interop.published) from here.
    catalog_loaded.send(sender=__name__)
    return report


def _plain(values: dict, texts=(), lists=()) -> dict:
    """Catalog text is plain text (procedures.plain_text), whatever the file held."""
    return (
        values | {n: plain(values[n]) for n in texts} | {n: plain_list(values[n]) for n in lists}
    )


def _sync_relations(code, parsed, codes, sources, report, quiet=False):
    for relation, wanted in (
        ("addon_of", {codes[p].pk for p in parsed["addon_of"]}),
        ("sources", {sources[s].pk for s in parsed["sources"]}),
    ):
        manager = getattr(code, relation)
        if set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(wanted)
            if not quiet:
                report.changed.append(f"code {code.code} ({relation})")


def _sync_links(code, links, elements, sources, report):
    existing = {link.element.key: link for link in code.links.select_related("element")}
    for parsed in links:
        values = {
            "requirement": parsed["requirement"],
            "order": parsed["order"],
            "condition": parsed["condition"],
            "source": sources.get(parsed["source"]) if parsed["source"] else None,
            "why": plain(parsed["why"]),
            "choices": plain_list(parsed.get("choices", [])),
            "payer_help": {
                kind: plain(text) for kind, text in parsed.get("payer_help", {}).items()
            },
        }
        link = existing.pop(parsed["key"], None)
        label = f"{code.code}/{parsed['key']}"
        if link is None:
            CodeElement.objects.create(code=code, element=elements[parsed["key"]], **values)
            report.added.append(label)
            continue
        differs = [name for name, value in values.items() if getattr(link, name) != value]
        if differs:
            for name in differs:
                setattr(link, name, values[name])
            link.save(update_fields=differs)
            report.changed.append(f"{label} ({', '.join(differs)})")
    for key, link in existing.items():
        link.delete()
        report.deactivated.append(f"{code.code}/{key}")
