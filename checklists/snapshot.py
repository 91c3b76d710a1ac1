"""Freeze the catalog definitions a note is filled against.

A note's form, completeness and PDF are all computed from this snapshot, never from the
live catalog, so editing the catalog later changes no existing note.

Shape (stored in `Note.definitions`):
    {"catalog_version": "2025.1",
     "codes": {"64681": {"title": ..., "addon_of": [...], "laterality": ..., ...}},
     "elements": [{"key", "label", "section", "input_type", "help", "choices", "unit",
                   "min", "max", "allow_na", "na_reasons", "requirement", "condition",
                   "codes"}, ...],
     "narrative": [{"family": "neurolytic", "sentences": [...]}, ...]}
Elements shared by several codes appear once, with the strictest requirement and the
choices any of the codes offers (a code may narrow an element's choices; see
docs/catalog-format.md, "Tailoring"). Help is the first code's, for the patient's payer.
"""

from django.core.exceptions import ObjectDoesNotExist

from procedures.catalog_file import CODE_FACTS
from procedures.models import CatalogVersion, CodeElement, ProcedureCode

SECTION_ORDER = {"pre": 0, "procedure": 1, "post": 2}
STRICTNESS = {"required": 0, "recommended": 1, "information": 2}
# What a note needs to know about its codes (relations and billing notes are left out).
CODE_FIELDS = (
    "title",
    *(
        name
        for name in CODE_FACTS
        if name not in ("addon_of", "sources", "places_of_service", "caveats")
    ),
)


def _number(value):
    return None if value is None else format(value.normalize(), "f")


def payer_kind_of(patient) -> str | None:
    """The kind of the patient's primary payer ("medicare", ...), None when unknown."""
    if patient is None:
        return None
    try:
        return patient.coverage.primary_payer.kind
    except ObjectDoesNotExist:
        return None


def build_definitions(code_values: list[str], payer_kind: str | None = None) -> dict:
    """The merged element list for these codes, in section then code-line order."""
    codes = {
        c.code: c
        for c in ProcedureCode.objects.filter(code__in=code_values).prefetch_related("addon_of")
    }
    links = (
        CodeElement.objects.filter(code__code__in=code_values)
        .select_related("element", "code", "source")
        .order_by("order")
    )
    by_code: dict[str, list[CodeElement]] = {}
    for link in links:
        by_code.setdefault(link.code.code, []).append(link)

    merged: dict[str, dict] = {}
    position = 0
    for code_value in dict.fromkeys(code_values):
        for link in by_code.get(code_value, []):
            element = link.element
            entry = merged.get(element.key)
            if entry is None:
                position += 1
                merged[element.key] = {
                    "key": element.key,
                    "label": element.label,
                    "section": element.section,
                    "input_type": element.input_type,
                    "help": link.help_for(payer_kind),
                    "choices": link.offered_choices(),
                    "unit": element.unit,
                    "min": _number(element.min_value),
                    "max": _number(element.max_value),
                    "allow_na": element.allow_na,
                    "na_reasons": element.na_reasons,
                    "requirement": link.requirement,
                    "condition": link.condition,
                    "codes": [code_value],
                    "source": link.source.title if link.source else "",
                    "_position": position,
                }
                continue
            entry["codes"].append(code_value)
            entry["choices"] = _merge_choices(element.choices, entry["choices"], link)
            if STRICTNESS[link.requirement] < STRICTNESS[entry["requirement"]]:
                entry["requirement"] = link.requirement
            entry["condition"] = _merge_conditions(entry["condition"], link.condition)

    elements = sorted(merged.values(), key=lambda e: (SECTION_ORDER[e["section"]], e["_position"]))
    for element in elements:
        del element["_position"]
    version = CatalogVersion.current()
    return {
        "catalog_version": version.version if version else "",
        "codes": {
            value: {name: getattr(code, name) for name in CODE_FIELDS}
            | {"addon_of": [p.code for p in code.addon_of.all()], "billing": code.billing}
            for value, code in codes.items()
        },
        "elements": elements,
        # What the claim scrubber (coding/) checks these codes against, frozen with them.
        "cpt_year": version.cpt_year if version else None,
        "claim_rules": version.claim_rules if version else {},
        "narrative": _narrative(
            [codes[value].family for value in dict.fromkeys(code_values) if value in codes],
            version,
        ),
    }


def _merge_choices(all_choices, offered, link):
    """What either code offers, in the element's order."""
    wanted = {pair[0] for pair in offered} | {pair[0] for pair in link.offered_choices()}
    return [pair for pair in all_choices if pair[0] in wanted]


def _narrative(families, version) -> list[dict]:
    stored = version.narratives if version else {}
    return [
        {"family": family, "sentences": stored[family]}
        for family in dict.fromkeys(families)
        if stored.get(family)
    ]


def _merge_conditions(first, second):
    # An element one code always asks is always asked; two conditions on the same
    # element widen to either value.
    if first is None or second is None:
        return None
    if first["element"] != second["element"]:
        return first
    return {"element": first["element"], "in": list(dict.fromkeys(first["in"] + second["in"]))}
