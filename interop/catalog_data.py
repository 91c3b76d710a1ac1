"""The catalog in force as plain dicts, and plain dicts back to a catalog file.

Both sides of the FHIR mapping speak the structure `procedures.catalog_file.parse_catalog`
returns (a `CatalogData`), so an exported and re-imported code can be compared field by
field with the catalog file it came from. `to_toml` writes that structure in the format of
docs/catalog-format.md, which lets the importer validate with `parse_catalog` itself.
"""

import json
from decimal import Decimal

from django.db.models import Prefetch

from procedures.catalog_file import CODE_FACTS, CatalogData
from procedures.models import (
    CatalogVersion,
    CodeElement,
    DocumentationElement,
    ProcedureCode,
    Source,
)

LIST_FACTS = (
    "addon_of",
    "site_choices",
    "imaging_codes",
    "techniques",
    "modifiers",
    "places_of_service",
    "sources",
)


def element_dict(element: DocumentationElement) -> dict:
    return {
        "key": element.key,
        "label": element.label,
        "section": element.section,
        "input_type": element.input_type,
        "help_text": element.help_text,
        "unit": element.unit,
        "min_value": element.min_value,
        "max_value": element.max_value,
        "allow_na": element.allow_na,
        "na_reasons": list(element.na_reasons),
        "choices": [list(pair) for pair in element.choices],
    }


def code_dict(code: ProcedureCode) -> dict:
    """Expects addon_of, sources and links (with element and source) prefetched."""
    facts = {
        name: list(getattr(code, name)) if name in LIST_FACTS else getattr(code, name)
        for name in CODE_FACTS
        if name not in ("addon_of", "sources")
    }
    return {
        "code": code.code,
        "title": code.title,
        "summary": code.summary,
        **facts,
        "billing": code.billing,
        "addon_of": sorted(p.code for p in code.addon_of.all()),
        "sources": sorted(s.key for s in code.sources.all()),
        "active": code.active,
        "links": [
            {
                "key": link.element.key,
                "requirement": link.requirement,
                "condition": link.condition,
                "source": link.source.key if link.source else None,
                "why": link.why,
                "order": link.order,
                "choices": list(link.choices),
                "payer_help": dict(link.payer_help),
            }
            for link in code.links.all()
        ],
    }


def source_dict(source) -> dict:
    return {"key": source.key, "title": source.title, "url": source.url, "kind": source.kind}


def from_database(codes: list[str] | None = None) -> CatalogData:
    """The catalog in force; with `codes`, only those codes and what they use."""
    query = ProcedureCode.objects.prefetch_related(
        "addon_of",
        "sources",
        Prefetch(
            "links",
            queryset=CodeElement.objects.select_related("element", "source").order_by("order"),
        ),
    )
    query = query.filter(code__in=codes) if codes is not None else query.active()
    rows = list(query.order_by("code"))

    elements, sources = {}, {}
    for code in rows:
        for link in code.links.all():
            elements[link.element.key] = element_dict(link.element)
            if link.source:
                sources[link.source.key] = source_dict(link.source)
        for source in code.sources.all():
            sources[source.key] = source_dict(source)
    if codes is None:
        for element in DocumentationElement.objects.filter(active=True):
            elements.setdefault(element.key, element_dict(element))
        # The claim rules cite sources no code or element names.
        for source in Source.objects.all():
            sources.setdefault(source.key, source_dict(source))

    version = CatalogVersion.current()
    return CatalogData(
        path="database",
        checksum=version.checksum if version else "",
        version=version.version if version else "",
        cpt_year=version.cpt_year if version else 0,
        title=version.title if version else "",
        notice=version.notice if version else "",
        sources=dict(sorted(sources.items())),
        elements=dict(sorted(elements.items())),
        codes=[code_dict(code) for code in rows],
        narratives=version.narratives if version else {},
        claim_rules=version.claim_rules if version else {},
    )


# -- writing a catalog file ------------------------------------------------------------------


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal, float)):
        return format(Decimal(str(value)).normalize(), "f")
    if isinstance(value, str):
        # JSON string escapes are valid TOML basic-string escapes; TOML also wants DEL escaped.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to a catalog file")


def _table(lines, header, pairs, indent=""):
    lines.append(f"{indent}{header}")
    for name, value in pairs:
        if value is not None:
            lines.append(f"{indent}{name} = {_value(value)}")
    lines.append("")


def element_table(lines, element):
    _table(
        lines,
        f"[elements.{element['key']}]",
        [
            ("label", element["label"]),
            ("section", element["section"]),
            ("input", element["input_type"]),
            ("help", element["help_text"]),
            ("choices", element["choices"] or None),
            ("unit", element["unit"] or None),
            ("min", element["min_value"]),
            ("max", element["max_value"]),
            ("allow_na", element["allow_na"] or None),
            ("na_reasons", element["na_reasons"] or None),
        ],
    )


def code_table(lines, code):
    pairs = [("code", code["code"]), ("title", code["title"]), ("summary", code["summary"])]
    pairs += [(name, code[name]) for name in CODE_FACTS] + [("active", code["active"])]
    _table(lines, "[[codes]]", pairs)
    for link in sorted(code["links"], key=lambda link: link["order"]):
        _table(
            lines,
            "[[codes.elements]]",
            [
                ("key", link["key"]),
                ("requirement", link["requirement"]),
                ("when", link["condition"]),
                ("source", link["source"]),
                ("why", link["why"] or None),
                ("choices", link.get("choices") or None),
                ("payer_help", link.get("payer_help") or None),
            ],
            indent="  ",
        )


def to_toml(data: CatalogData, *, header: bool = True) -> str:
    """A catalog file for `data`; without the header, entries to merge into a catalog file."""
    lines = []
    if header:
        _table(
            lines,
            "[catalog]",
            [
                ("version", data.version),
                ("cpt_year", data.cpt_year),
                ("title", data.title),
                ("notice", data.notice or None),
            ],
        )
    for key, source in data.sources.items():
        _table(
            lines,
            f"[sources.{key}]",
            [("title", source["title"]), ("url", source["url"] or None), ("kind", source["kind"])],
        )
    for element in data.elements.values():
        element_table(lines, element)
    for code in data.codes:
        code_table(lines, code)
    return "\n".join(lines)
