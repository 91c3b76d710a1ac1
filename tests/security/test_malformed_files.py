"""Every malformed file to load_catalog, load_rule_packs and import_questionnaire ends in
one clear line and changes nothing."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from procedures.models import CodeElement, DocumentationElement, ProcedureCode
from rules.models import RulePack

DEEP_TOML = "x = " + "[" * 5000 + "]" * 5000 + "\n"
DEEP_JSON = "[" * 100_000 + "]" * 100_000


def _state():
    return (
        ProcedureCode.objects.count(),
        DocumentationElement.objects.count(),
        CodeElement.objects.count(),
        RulePack.objects.count(),
        AuditEvent.objects.count(),
    )


def _refused(command, path) -> str:
    before = _state()
    with pytest.raises(CommandError) as refused:
        call_command(command, str(path), stdout=StringIO())
    assert _state() == before
    message = str(refused.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("command", "prefix"),
    [
        ("load_catalog", "Catalog not loaded, nothing changed."),
        ("load_rule_packs", "Rule packs not loaded, nothing changed."),
    ],
)
def test_deeply_nested_toml_is_refused(catalog, tmp_path, command, prefix):
    path = tmp_path / "deep.toml"
    path.write_text(DEEP_TOML)
    assert _refused(command, path) == f"{prefix} {path}: nests too deeply to be a data file"


@pytest.mark.parametrize(
    "content",
    [
        "[catalog]\nversion = 5\ncodes = 5\n",
        '[catalog]\nversion = "t"\ncpt_year = "x"\n[elements]\nconsent = 5\n',
        '[catalog]\nversion = "t"\n[[codes]]\ncode = ["64681"]\n',
        "elements = [1, [2, {a = 3}]]\n",
    ],
)
def test_a_catalog_of_the_wrong_shapes_is_refused(catalog, tmp_path, content):
    path = tmp_path / "bad.toml"
    path.write_text(content)
    assert _refused("load_catalog", path).startswith(
        f"Catalog not loaded, nothing changed. {path}: "
    )


@pytest.mark.parametrize(
    "content",
    ["[pack]\nkey = 5\n", "rules = 5\n", '[[rules]]\nkind = ["x"]\n', "pack = [1, 2]\n"],
)
def test_a_rule_pack_of_the_wrong_shapes_is_refused(catalog, tmp_path, content):
    path = tmp_path / "bad.toml"
    path.write_text(content)
    assert _refused("load_rule_packs", path).startswith(
        f"Rule packs not loaded, nothing changed. {path}: "
    )


def test_deeply_nested_json_is_refused(catalog, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text(DEEP_JSON)
    assert _refused("import_questionnaire", path) == (
        f"{path}: nests too deeply to be a Questionnaire"
    )


def test_json_that_is_no_resource_is_refused(catalog, tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[1, 2]")
    assert _refused("import_questionnaire", path) == (
        f"{path}: is not a FHIR resource (a JSON object)"
    )


@pytest.mark.parametrize(
    "questionnaire",
    [
        {"resourceType": "Questionnaire", "item": 5},
        {"resourceType": "Questionnaire", "item": ["not an item"]},
        {"resourceType": "Questionnaire", "item": [{"linkId": 5, "item": {"a": 1}}]},
        {"resourceType": "Questionnaire", "code": "64681", "item": None},
        {"resourceType": 7},
    ],
)
def test_a_questionnaire_of_the_wrong_shapes_is_refused(catalog, tmp_path, questionnaire):
    path = tmp_path / "q.json"
    path.write_text(json.dumps(questionnaire))
    assert _refused("import_questionnaire", path).startswith(
        "Questionnaire not imported, nothing changed. "
    )


def test_an_item_of_an_unknown_fhir_type_is_refused(catalog, tmp_path):
    from tests.interop.test_import_questionnaire import exported as export

    exported = export("64681")
    items = [exported]
    while "item" in items[-1]:
        items.append(items[-1]["item"][0])
    items[-2]["type"] = "attachment"  # the first question (its last child is its help)
    path = tmp_path / "q.json"
    path.write_text(json.dumps(exported))
    message = _refused("import_questionnaire", path)
    assert message.startswith("Questionnaire not imported, nothing changed. ")
    assert "type 'attachment' cannot be mapped to a catalog input" in message
