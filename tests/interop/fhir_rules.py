"""R4 value sets and rules that fhir.resources does not check (it checks structure and types).

fhir.resources' R4B models match R4 for Questionnaire, QuestionnaireResponse, Bundle,
Patient, Practitioner and Procedure.
"""

from django.conf import settings
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire

ITEM_TYPES = {
    "group",
    "display",
    "boolean",
    "decimal",
    "integer",
    "date",
    "dateTime",
    "time",
    "string",
    "text",
    "url",
    "choice",
    "open-choice",
    "attachment",
    "reference",
    "quantity",
}
OPERATORS = {"exists", "=", "!=", ">", "<", ">=", "<="}
ENABLE_BEHAVIORS = {"all", "any"}
PUBLICATION_STATUS = {"draft", "active", "retired", "unknown"}
RESPONSE_STATUS = {"in-progress", "completed", "amended", "entered-in-error", "stopped"}
EVENT_STATUS = {
    "preparation",
    "in-progress",
    "not-done",
    "on-hold",
    "stopped",
    "completed",
    "entered-in-error",
    "unknown",
}
BUNDLE_TYPES = {
    "document",
    "message",
    "transaction",
    "transaction-response",
    "batch",
    "batch-response",
    "history",
    "searchset",
    "collection",
}
ANSWER_TYPES = {
    "boolean": {"valueBoolean"},
    "decimal": {"valueDecimal"},
    "integer": {"valueInteger"},
    "date": {"valueDate"},
    "dateTime": {"valueDateTime"},
    "time": {"valueTime"},
    "string": {"valueString"},
    "text": {"valueString"},
    "url": {"valueUri"},
    "choice": {"valueCoding"},
    "open-choice": {"valueCoding", "valueString"},
    "quantity": {"valueQuantity"},
}


def walk(items):
    for item in items or []:
        yield item
        yield from walk(item.get("item"))
        for answer in item.get("answer") or []:
            yield from walk(answer.get("item"))


def questions_by_link_id(questionnaire: dict) -> dict:
    return {item["linkId"]: item for item in walk(questionnaire.get("item"))}


def element_link_ids(questionnaire: dict) -> list[str]:
    """The catalog elements a Questionnaire asks, in order (no help, reason or group)."""
    return [
        item["linkId"]
        for item in walk(questionnaire.get("item"))
        if item["type"] not in ("group", "display") and not item["linkId"].endswith(".na")
    ]


def check_questionnaire(questionnaire: dict) -> None:
    Questionnaire.model_validate(questionnaire)
    assert questionnaire["status"] in PUBLICATION_STATUS
    items = list(walk(questionnaire["item"]))
    link_ids = [item["linkId"] for item in items]
    assert len(link_ids) == len(set(link_ids)), "linkIds must be unique"
    for item in items:
        assert item["type"] in ITEM_TYPES, item
        if item["type"] == "group":
            assert item.get("item"), f"group {item['linkId']} has no items"
        if item["type"] == "display":
            assert "required" not in item and "repeats" not in item
        conditions = item.get("enableWhen") or []
        if len(conditions) > 1:
            assert item.get("enableBehavior") in ENABLE_BEHAVIORS
        for condition in conditions:
            assert condition["operator"] in OPERATORS
            assert condition["question"] in link_ids
            answer = [k for k in condition if k.startswith("answer")]
            assert len(answer) == 1
            if condition["operator"] == "exists":
                assert answer == ["answerBoolean"]
        for option in item.get("answerOption") or []:
            assert item["type"] in ("choice", "open-choice")
            assert set(option) & ANSWER_TYPES[item["type"]]


def check_response(response: dict, questionnaire: dict) -> None:
    """Status, and every answer of the type its Questionnaire item asks for."""
    assert response["status"] in RESPONSE_STATUS
    questions = questions_by_link_id(questionnaire)
    for item in walk(response.get("item")):
        question = questions[item["linkId"]]
        answers = item.get("answer") or []
        assert not (answers and item.get("item")), "nested under both item and answer"
        if len(answers) > 1:
            assert question.get("repeats"), f"{item['linkId']} does not repeat"
        for answer in answers:
            kinds = {k for k in answer if k.startswith("value")}
            assert len(kinds) == 1 and kinds <= ANSWER_TYPES[question["type"]], (item, question)


def check_bundle(bundle: dict) -> dict:
    """Validate the Bundle; return its resources by type (lists)."""
    Bundle.model_validate(bundle)
    assert bundle["type"] in BUNDLE_TYPES
    full_urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(full_urls) == len(set(full_urls))
    assert all(
        url == f"{settings.FHIR_BASE_URL}/{e['resource']['resourceType']}/{e['resource']['id']}"
        for url, e in zip(full_urls, bundle["entry"], strict=True)
    )
    by_type: dict[str, list] = {}
    for entry in bundle["entry"]:
        by_type.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    references = [
        f"{settings.FHIR_BASE_URL}/{value['reference']}"
        for resources in by_type.values()
        for resource in resources
        for value in _references(resource)
    ]
    assert references and all(ref in full_urls for ref in references), "dangling reference"
    for procedure in by_type.get("Procedure", []):
        assert procedure["status"] in EVENT_STATUS
    return by_type


def _references(node):
    if isinstance(node, dict):
        if "reference" in node and isinstance(node["reference"], str):
            yield node
        for value in node.values():
            yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)
