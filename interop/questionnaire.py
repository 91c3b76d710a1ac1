"""A FHIR R4 Questionnaire for a procedure code, generated from the catalog (docs/fhir.md).

Pure: catalog dicts (the structure `procedures.catalog_file` returns) in, a JSON-ready dict
out. One item per element with the element key as linkId, grouped by section. Catalog facts
FHIR has no place for ride in our extensions, so `questionnaire_import` can rebuild the
same catalog entries from the file.
"""

from decimal import Decimal

from procedures.catalog_file import CODE_FACTS

from .terms import (
    CATALOG_SOURCE,
    CPT,
    ELEMENT_CHOICES,
    ELEMENT_HELP,
    ELEMENT_SOURCE,
    HELP_LINK,
    ITEM_CONTROL,
    ITEM_CONTROL_SYSTEM,
    MAX_QUANTITY,
    MAX_VALUE,
    MIN_QUANTITY,
    MIN_VALUE,
    NA_GROUP_LINK,
    NA_LINK,
    NA_TEXT,
    PAYER_HELP,
    PROCEDURE_CODE,
    REQUIREMENT,
    SECTION_LINK,
    UNIT,
    UNIT_OPTION,
    answer_system,
    questionnaire_url,
    unit_coding,
)

SECTIONS = {"pre": "Pre-procedure", "procedure": "Procedure", "post": "Post-procedure"}
ITEM_TYPES = {
    "text": "string",
    "long_text": "text",
    "choice": "choice",
    "multi_choice": "choice",
    "yes_no": "boolean",
    "number": "quantity",
    "date": "date",
    "datetime": "dateTime",
    "pain_score": "integer",
    "percent": "decimal",
    "icd10": "choice",
}
# The diagnosis picker's answers: any code of ICD-10-CM (FHIR's implicit value set of a
# code system). Issue 18 carries the coded diagnoses into Procedure and Condition.
ICD10CM_VALUE_SET = "http://hl7.org/fhir/sid/icd-10-cm?fhir_vs"


def number(value) -> int | float:
    """A JSON number for a catalog or answer value (FHIR decimals are JSON numbers)."""
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


def choice_coding(element_key: str, value: str, label: str | None = None) -> dict:
    coding = {"system": answer_system(element_key), "code": value}
    if label:
        coding["display"] = label
    return coding


def _range_extensions(element) -> list[dict]:
    kind = element["input_type"]
    extensions = []
    for bound, value in (("min", element["min_value"]), ("max", element["max_value"])):
        if value is None:
            continue
        if kind == "number":
            quantity = unit_coding(element["unit"])
            extensions.append(
                {
                    "url": MIN_QUANTITY if bound == "min" else MAX_QUANTITY,
                    "valueQuantity": {
                        "value": number(value),
                        "unit": quantity["display"],
                        "system": quantity["system"],
                        "code": quantity["code"],
                    },
                }
            )
        else:
            value_type = "valueInteger" if kind == "pain_score" else "valueDecimal"
            extensions.append(
                {"url": MIN_VALUE if bound == "min" else MAX_VALUE, value_type: number(value)}
            )
    return extensions


def enable_when(condition, elements: dict) -> list[dict]:
    """One "=" per listed value; the item is enabled when any of them holds."""
    target = elements[condition["element"]]
    labels = dict(target["choices"])
    if target["input_type"] == "yes_no":
        return [
            {"question": target["key"], "operator": "=", "answerBoolean": value == "yes"}
            for value in condition["in"]
        ]
    return [
        {
            "question": target["key"],
            "operator": "=",
            "answerCoding": choice_coding(target["key"], value, labels.get(value)),
        }
        for value in condition["in"]
    ]


def question_item(element: dict, link: dict, elements: dict) -> dict:
    """The item of one element as one code links it (requirement, condition, reason)."""
    key, kind = element["key"], element["input_type"]
    item = {
        "linkId": key,
        "text": element["label"],
        "type": ITEM_TYPES[kind],
        "required": link["requirement"] == "required",
    }
    if kind in ("multi_choice", "icd10"):
        item["repeats"] = True
    if kind == "icd10":
        item["answerValueSet"] = ICD10CM_VALUE_SET
    if link.get("condition"):
        item["enableWhen"] = enable_when(link["condition"], elements)
        item["enableBehavior"] = "any"
    narrowed = link.get("choices") or []
    if element["choices"]:
        item["answerOption"] = [
            {"valueCoding": choice_coding(key, value, label)}
            for value, label in element["choices"]
            if not narrowed or value in narrowed
        ]

    extensions = [{"url": REQUIREMENT, "valueCode": link["requirement"]}]
    if link.get("source"):
        extensions.append({"url": ELEMENT_SOURCE, "valueCode": link["source"]})
    if link.get("why"):
        # The item shows this code's reason; the element's own help travels alongside.
        extensions.append({"url": ELEMENT_HELP, "valueString": element["help_text"]})
    if narrowed:
        # answerOption lists what this code offers; the element's full list travels alongside.
        extensions += [
            {"url": ELEMENT_CHOICES, "valueCoding": choice_coding(key, value, label)}
            for value, label in element["choices"]
        ]
    for kind, text in (link.get("payer_help") or {}).items():
        extensions.append(
            {
                "url": PAYER_HELP,
                "extension": [
                    {"url": "payerKind", "valueCode": kind},
                    {"url": "help", "valueString": text},
                ],
            }
        )
    if kind == "number":
        extensions.append({"url": UNIT_OPTION, "valueCoding": unit_coding(element["unit"])})
    elif kind == "percent":
        extensions.append({"url": UNIT, "valueCoding": unit_coding("%")})
    item["extension"] = extensions + _range_extensions(element)
    item["item"] = [
        {
            "linkId": HELP_LINK.format(key),
            "text": link.get("why") or element["help_text"],
            "type": "display",
            "extension": [
                {
                    "url": ITEM_CONTROL,
                    "valueCodeableConcept": {
                        "coding": [{"system": ITEM_CONTROL_SYSTEM, "code": "help"}]
                    },
                }
            ],
        }
    ]
    return item


def element_items(element: dict, link: dict, elements: dict) -> list[dict]:
    """The items of one element: its question, and for an element that may be "not
    applicable / not done", the reason next to it.

    The reason is a sibling that disables the question through enableWhen: a renderer
    then treats a required question answered "not applicable" as satisfied (a disabled
    item is never required) and keeps the reason in its QuestionnaireResponse. When the
    element has a condition, both sit in a group `<key>.group` that carries it, because
    enableWhen cannot say "condition AND no reason".
    """
    item = question_item(element, link, elements)
    if not element["allow_na"]:
        return [item]
    condition = {k: item.pop(k) for k in ("enableWhen", "enableBehavior") if k in item}
    item["enableWhen"] = [
        {"question": NA_LINK.format(element["key"]), "operator": "exists", "answerBoolean": False}
    ]
    pair = [item, na_item(element)]
    if not condition:
        return pair
    return [
        {"linkId": NA_GROUP_LINK.format(element["key"]), "type": "group"}
        | condition
        | {"item": pair}
    ]


def na_item(element: dict) -> dict:
    """ "Not applicable / not done, because ...": answering it disables the question."""
    item = {
        "linkId": NA_LINK.format(element["key"]),
        "text": f"{element['label']}: {NA_TEXT.lower()}",
        "type": "open-choice" if element["na_reasons"] else "string",
    }
    if element["na_reasons"]:
        item["answerOption"] = [{"valueString": reason} for reason in element["na_reasons"]]
    return item


def section_groups(entries: list[tuple[dict, dict]], elements: dict) -> list[dict]:
    """[(element, link)] in form order -> one group per section that has items."""
    grouped = {section: [] for section in SECTIONS}
    for element, link in entries:
        grouped[element["section"]] += element_items(element, link, elements)
    return [
        {"linkId": SECTION_LINK.format(section), "text": SECTIONS[section], "type": "group"}
        | {"item": items}
        for section, items in grouped.items()
        if items
    ]


def _sub(name, value) -> dict:
    if isinstance(value, bool):
        return {"url": name, "valueBoolean": value}
    if isinstance(value, int):
        return {"url": name, "valueInteger": value}
    return {"url": name, "valueString": value}


def code_facts_extension(code: dict, cpt_year: int | None) -> dict:
    """Every catalog fact of a code that FHIR has no element for, named as in the file."""
    subs = []
    for name in CODE_FACTS:
        value = code[name]
        if isinstance(value, list):
            subs += [_sub(name, v) for v in value]
        elif value != "":
            subs.append(_sub(name, value))
    if cpt_year:
        subs.append(_sub("cpt_year", cpt_year))
    return {"url": PROCEDURE_CODE, "extension": subs}


def source_extension(source: dict) -> dict:
    subs = [_sub("key", source["key"]), _sub("title", source["title"])]
    if source["url"]:
        subs.append({"url": "url", "valueUri": source["url"]})
    subs.append({"url": "kind", "valueCode": source["kind"]})
    return {"url": CATALOG_SOURCE, "extension": subs}


def questionnaire(code: dict, catalog) -> dict:
    """The Questionnaire of one code dict of `catalog` (a CatalogData)."""
    elements = catalog.elements
    links = sorted(code["links"], key=lambda link: link["order"])
    used = {link["key"]: elements[link["key"]] for link in links}
    source_keys = list(
        dict.fromkeys(code["sources"] + [link["source"] for link in links if link["source"]])
    )
    result = {
        "resourceType": "Questionnaire",
        "id": f"cpt-{code['code']}",
        "extension": [code_facts_extension(code, catalog.cpt_year)]
        + [source_extension(catalog.sources[key]) for key in source_keys],
        "url": questionnaire_url(code["code"]),
        "version": catalog.version,
        "name": f"NeurolysisChecklistCpt{code['code']}",
        "title": code["title"],
        "status": "active" if code["active"] else "retired",
        "subjectType": ["Patient"],
        "publisher": "Neurolysis Checklist",
        "description": code["summary"],
        # No display: the CPT descriptor is the AMA's text; our title is in `title`.
        "code": [{"system": CPT, "code": code["code"]}],
        "item": section_groups([(used[link["key"]], link) for link in links], used),
    }
    if not catalog.version:
        del result["version"]
    return result


def snapshot_questionnaire(definitions: dict, *, id: str, title: str) -> dict:
    """The form a note was actually filled in: its frozen, merged element list.

    Used for notes with several codes, whose answers no single per-code Questionnaire
    describes (elements are shared and their conditions merged).
    """
    elements = {}
    entries = []
    for snap in definitions.get("elements", []):
        element = {
            "key": snap["key"],
            "label": snap["label"],
            "section": snap["section"],
            "input_type": snap["input_type"],
            "help_text": snap.get("help") or "",
            "choices": snap.get("choices") or [],
            "unit": snap.get("unit") or "",
            "min_value": Decimal(snap["min"]) if snap.get("min") is not None else None,
            "max_value": Decimal(snap["max"]) if snap.get("max") is not None else None,
            "allow_na": bool(snap.get("allow_na")),
            "na_reasons": snap.get("na_reasons") or [],
        }
        elements[element["key"]] = element
        entries.append(
            (element, {"requirement": snap["requirement"], "condition": snap.get("condition")})
        )
    version = definitions.get("catalog_version") or ""
    suffix = f"|{version}" if version else ""
    return {
        "resourceType": "Questionnaire",
        "id": id,
        "title": title,
        "status": "active",
        "subjectType": ["Patient"],
        "derivedFrom": [questionnaire_url(code) + suffix for code in definitions.get("codes", {})],
        "code": [{"system": CPT, "code": code} for code in definitions.get("codes", {})],
        "item": section_groups(entries, elements),
    }
