"""The catalog keys that tailor shared elements to a code, a code family or a payer.

Kept apart from `catalog_file` (which reads the rest of the format) so the new keys are in
one place; docs/catalog-format.md ("Tailoring") describes them. Everything here is folded
into each code's element links at parse time, so the loader, the note snapshot, the blank
checklist and the FHIR Questionnaire all read one effective link:

- a link may narrow an element's choices (`choices = ["value", ...]`) and carry help per
  payer kind (`payer_help = { medicare = "..." }`);
- `[families.<family>]` gives every code of the family default choices and help per
  element, extra links (safety checks every code of the family asks), and the sentences
  of the narrative procedure description.
"""

import re

from .data_file import Where

# The payer kinds of rules.models.Payer.Kind (this module reads files, not the database;
# tests/procedures/test_catalog_tailoring.py checks the two lists agree).
PAYER_KINDS = (
    "medicare",
    "medicare_advantage",
    "medicaid",
    "commercial",
    "workers_comp",
    "other",
)
PAYER_KIND_LABELS = {
    "medicare": "Medicare",
    "medicare_advantage": "Medicare Advantage",
    "medicaid": "Medicaid",
    "commercial": "Commercial plans",
    "workers_comp": "Workers' compensation",
    "other": "Other payers",
}
FAMILY_FIELDS = ("choices", "help", "links", "narrative")
FAMILY_LINK_FIELDS = ("key", "requirement", "when", "source", "why", "after")
SENTENCE_FIELDS = ("section", "text", "when")
NARRATIVE_SECTIONS = ("pre", "procedure", "post")
TECHNIQUE_ELEMENT = "technique"
# "{key}" prints an element's answer; "{key:lower}" starts it lower-case (not "CT");
# "{sites}" prints the code lines' sites and sides ("L4-L5 (right)").
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)(?::(lower))?\}")
LINE_PLACEHOLDERS = ("sites",)


def placeholders(text: str) -> list[tuple[str, str]]:
    """[(name, modifier)] of a narrative sentence, in order."""
    return [(m.group(1), m.group(2) or "") for m in PLACEHOLDER.finditer(text)]


def _choice_values(element) -> list[str]:
    return [pair[0] for pair in element["choices"]]


def narrowed_choices(where: Where, what: str, name: str, value, element) -> list[str]:
    """A subset of the element's choice values, kept in the element's order."""
    if element["input_type"] not in ("choice", "multi_choice"):
        where.fail(what, name, f"only applies to choice elements, not {element['key']}")
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        where.fail(what, name, "must be a non-empty list of choice values")
    known = _choice_values(element)
    unknown = [v for v in value if v not in known]
    if unknown:
        where.fail(what, name, f"{unknown[0]!r} is not a choice of {element['key']}")
    return [v for v in known if v in value]


def payer_help(where: Where, what: str, name: str, value) -> dict[str, str]:
    if not isinstance(value, dict):
        where.fail(what, name, "must be a table of payer kind = help text")
    for kind, text in value.items():
        if kind not in PAYER_KINDS:
            where.fail(what, f"{name}.{kind}", f"is not one of {', '.join(PAYER_KINDS)}")
        if not isinstance(text, str) or not text.strip():
            where.fail(what, f"{name}.{kind}", "must be a non-empty text")
    return {kind: text.strip() for kind, text in value.items()}


def tailor_link(where: Where, what: str, name: str, table: dict, element: dict) -> dict:
    """The tailoring keys of one `[[codes.elements]]` link."""
    result = {"choices": [], "payer_help": {}}
    if "choices" in table:
        result["choices"] = narrowed_choices(
            where, what, f"{name}.choices", table["choices"], element
        )
    if "payer_help" in table:
        result["payer_help"] = payer_help(where, what, f"{name}.payer_help", table["payer_help"])
    return result


def _condition(where, what, name, condition, elements):
    if (
        not isinstance(condition, dict)
        or set(condition) != {"element", "in"}
        or not isinstance(condition["in"], list)
        or not condition["in"]
    ):
        where.fail(what, name, 'must be { element = "key", in = ["value", ...] }')
    target = elements.get(condition["element"])
    if target is None:
        where.fail(what, f"{name}.element", f"{condition['element']!r} is not an element")
    known = _choice_values(target) if target["choices"] else ["yes", "no"]
    unknown = [v for v in condition["in"] if v not in known]
    if unknown:
        where.fail(what, f"{name}.in", f"{unknown[0]!r} is not a choice of {target['key']}")
    return {"element": condition["element"], "in": list(condition["in"])}


def _text(where, what, name, value):
    if not isinstance(value, str) or not value.strip():
        where.fail(what, name, "must be a non-empty text")
    return value.strip()


def parse_families(where: Where, document: dict, elements: dict, sources: dict, families):
    """`[families.<family>]` tables, checked against the elements and sources."""
    raw = document.get("families") or {}
    if not isinstance(raw, dict):
        where.fail("[families]", "families", "must be a table of families")
    parsed = {}
    for family, table in raw.items():
        what = f"family {family}"
        if family not in families:
            where.fail(what, "family", f"is not one of {', '.join(families)}")
        if not isinstance(table, dict):
            where.fail(what, "family", "must be a table")
        unknown = sorted(set(table) - set(FAMILY_FIELDS))
        if unknown:
            where.fail(what, unknown[0], f"is not a known field ({', '.join(FAMILY_FIELDS)})")
        entry = {"choices": {}, "help": {}, "links": [], "narrative": []}
        for key, value in (table.get("choices") or {}).items():
            if key not in elements:
                where.fail(what, f"choices.{key}", "is not an element")
            entry["choices"][key] = narrowed_choices(
                where, what, f"choices.{key}", value, elements[key]
            )
        for key, value in (table.get("help") or {}).items():
            if key not in elements:
                where.fail(what, f"help.{key}", "is not an element")
            entry["help"][key] = _text(where, what, f"help.{key}", value)
        for index, link in enumerate(table.get("links") or []):
            entry["links"].append(
                _family_link(where, what, f"links[{index}]", link, elements, sources)
            )
        for index, sentence in enumerate(table.get("narrative") or []):
            entry["narrative"].append(
                _sentence(where, what, f"narrative[{index}]", sentence, elements)
            )
        parsed[family] = entry
    return parsed


def _family_link(where, what, name, link, elements, sources):
    if not isinstance(link, dict):
        where.fail(what, name, "must be a table")
    unknown = sorted(set(link) - set(FAMILY_LINK_FIELDS))
    if unknown:
        where.fail(what, f"{name}.{unknown[0]}", "is not a known field")
    key = link.get("key")
    if key not in elements:
        where.fail(what, f"{name}.key", f"{key!r} is not defined under [elements]")
    if link.get("requirement") not in ("required", "recommended", "information"):
        where.fail(what, f"{name}.requirement", "must be required, recommended or information")
    source = link.get("source")
    if source is not None and source not in sources:
        where.fail(what, f"{name}.source", f"{source!r} is not defined under [sources]")
    after = link.get("after")
    if after is not None and after not in elements:
        where.fail(what, f"{name}.after", f"{after!r} is not an element")
    condition = link.get("when")
    return {
        "key": key,
        "requirement": link["requirement"],
        "condition": None
        if condition is None
        else _condition(where, what, f"{name}.when", condition, elements),
        "source": source,
        "why": _text(where, what, f"{name}.why", link["why"]) if "why" in link else "",
        "after": after,
    }


def _sentence(where, what, name, sentence, elements):
    if not isinstance(sentence, dict):
        where.fail(what, name, "must be a table")
    unknown = sorted(set(sentence) - set(SENTENCE_FIELDS))
    if unknown:
        where.fail(what, f"{name}.{unknown[0]}", "is not a known field")
    if sentence.get("section") not in NARRATIVE_SECTIONS:
        where.fail(what, f"{name}.section", f"must be one of {', '.join(NARRATIVE_SECTIONS)}")
    # One text, or alternatives: the first whose placeholders are all answered is printed.
    texts = sentence.get("text")
    texts = texts if isinstance(texts, list) and texts else [texts]
    texts = [_text(where, what, f"{name}.text", text) for text in texts]
    for text in texts:
        for key, _ in placeholders(text):
            if key not in elements and key not in LINE_PLACEHOLDERS:
                where.fail(what, f"{name}.text", f"{{{key}}} is not an element")
    condition = sentence.get("when")
    return {
        "section": sentence["section"],
        "texts": texts,
        "condition": None
        if condition is None
        else _condition(where, what, f"{name}.when", condition, elements),
    }


def apply_families(codes: list[dict], families: dict, elements: dict) -> None:
    """Fold family defaults into each code's links (in place); a code's own link wins.

    A family link whose condition names an element the code does not ask is left out for
    that code (implanted devices are asked "when technique is RF": not for a code without a
    technique). A technique link without its own choices offers the code's techniques.
    """
    for code in codes:
        family = families.get(code["family"], {})
        links = code["links"]
        linked = {link["key"] for link in links}
        for extra in family.get("links", []):
            if extra["key"] in linked:
                continue
            condition = extra["condition"]
            if condition and condition["element"] not in linked:
                continue
            new = {
                "key": extra["key"],
                "requirement": extra["requirement"],
                "condition": condition,
                "source": extra["source"],
                "why": extra["why"],
                "choices": [],
                "payer_help": {},
            }
            links.insert(_position(links, extra, elements), new)
            linked.add(extra["key"])
        for order, link in enumerate(links, start=1):
            link["order"] = order
            element = elements[link["key"]]
            if not link["choices"]:
                link["choices"] = list(family.get("choices", {}).get(link["key"], []))
            if not link["choices"] and link["key"] == TECHNIQUE_ELEMENT:
                offered = [v for v in _choice_values(element) if v in code["techniques"]]
                if offered and len(offered) < len(element["choices"]):
                    link["choices"] = offered
            if not link["why"]:
                link["why"] = family.get("help", {}).get(link["key"], "")


def _position(links, extra, elements) -> int:
    """Right after the `after` element when the code asks it, else at its section's end."""
    keys = [link["key"] for link in links]
    if extra["after"] in keys:
        return keys.index(extra["after"]) + 1
    section = elements[extra["key"]]["section"]
    same = [i for i, key in enumerate(keys) if elements[key]["section"] == section]
    return same[-1] + 1 if same else len(links)


def narratives(families: dict) -> dict[str, list[dict]]:
    """{family: [sentence, ...]}: what the snapshot freezes for the procedure description."""
    return {family: entry["narrative"] for family, entry in families.items() if entry["narrative"]}
