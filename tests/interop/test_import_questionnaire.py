import copy
import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from interop.catalog_data import from_database
from interop.questionnaire import questionnaire
from interop.questionnaire_import import catalog_entries, comparable_code
from interop.terms import CPT, ITEM_CONTROL, ITEM_CONTROL_SYSTEM, UNIT
from procedures.catalog_file import parse_catalog
from procedures.models import CatalogVersion, CodeElement, DocumentationElement, ProcedureCode
from tests.interop.fhir_rules import questions_by_link_id


def exported(code):
    data = from_database([code])
    return questionnaire(data.codes[0], data)


def write(tmp_path, data, name="q.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def run(path, *args) -> str:
    out = StringIO()
    call_command("import_questionnaire", str(path), *args, stdout=out)
    return out.getvalue()


def snapshot():
    return (
        list(ProcedureCode.objects.values().order_by("code")),
        list(DocumentationElement.objects.values().order_by("key")),
        list(CodeElement.objects.values().order_by("pk")),
        CatalogVersion.objects.count(),
    )


def item(q, key):
    return questions_by_link_id(q)[key]


def test_every_code_round_trips_to_the_catalog_file_entries(catalog):
    shipped = parse_catalog(settings.CATALOG_FILE)
    current = from_database()
    for code in shipped.codes:
        imported = catalog_entries(questionnaire(code, shipped), current)
        assert comparable_code(imported.code) == comparable_code(code), code["code"]
        for key, element in imported.elements.items():
            assert element == shipped.elements[key], key
        for key, source in imported.sources.items():
            assert source == shipped.sources[key]


def test_importing_the_exported_files_changes_nothing(catalog, tmp_path):
    call_command("export_questionnaires", str(tmp_path), stdout=StringIO())
    before = snapshot()
    for path in sorted(tmp_path.glob("*.json")):
        assert "already in the catalog, nothing changed" in run(path)
    assert snapshot() == before


def test_an_edited_questionnaire_loads_under_a_new_catalog_version(catalog, tmp_path):
    q = exported("64640")
    item(q, "rf_device")["text"] = "RF generator make and model"
    item(q, "time_out")["required"] = True
    item(q, "time_out")["extension"][0]["valueCode"] = "required"
    path = write(tmp_path, q)
    active = ProcedureCode.objects.filter(active=True).count()

    with pytest.raises(CommandError, match="--catalog-version"):
        run(path)
    assert DocumentationElement.objects.get(key="rf_device").label != "RF generator make and model"

    output = run(path, "--catalog-version", "2025.1-local.1")
    assert "element rf_device: label 'RF generator and probe type" in output
    assert "-> 'RF generator make and model'" in output
    assert "code 64640: time_out requirement 'recommended' -> 'required'" in output
    # rf_device is shared: every other code asking it is named, none summarised in counts.
    askers = sorted(
        c.code.code
        for c in CodeElement.objects.filter(element__key="rf_device").select_related("code")
        if c.code.code != "64640"
    )
    assert f"code {askers[0]}: checklist changes through rf_device" in output
    assert len([x for x in output.splitlines() if "checklist changes through" in x]) == len(askers)
    assert "catalog file stays the source of truth" in output
    assert DocumentationElement.objects.get(key="rf_device").label == "RF generator make and model"
    assert CodeElement.objects.get(code__code="64640", element__key="time_out").requirement == (
        "required"
    )
    assert CatalogVersion.current().version == "2025.1-local.1"
    assert ProcedureCode.objects.filter(active=True).count() == active


def test_a_missing_section_is_reported_element_by_element(catalog, tmp_path):
    q = exported("64640")
    dropped = [i["linkId"] for i in q["item"][-1]["item"] if not i["linkId"].endswith(".na")]
    q["item"] = q["item"][:-1]
    output = run(write(tmp_path, q), "--catalog-version", "x", "--dry-run")
    reported = [line.strip() for line in output.splitlines() if "no longer asks" in line]
    assert reported == [f"code 64640: no longer asks {key}" for key in dropped]
    assert len(reported) > 3


def test_a_dry_run_reports_and_changes_nothing(catalog, tmp_path):
    q = exported("64681")
    q["title"] = "Superior hypogastric plexus neurolysis (edited)"
    before = snapshot()
    output = run(write(tmp_path, q), "--catalog-version", "x", "--dry-run")
    assert "Dry run, nothing changed" in output
    assert (
        "code 64681: title " in output
        and "-> 'Superior hypogastric plexus neurolysis (edited)'" in output
    )
    assert snapshot() == before


def test_the_toml_entries_are_a_loadable_catalog_fragment(catalog, tmp_path):
    toml = tmp_path / "entries.toml"
    run(write(tmp_path, exported("64640")), "--toml", str(toml))
    text = toml.read_text()
    assert "[[codes]]" in text and "[elements.neurolytic_agent]" in text
    catalog_file = tmp_path / "catalog.toml"
    catalog_file.write_text('[catalog]\nversion = "t"\ncpt_year = 2025\ntitle = "T"\n\n' + text)
    parsed = parse_catalog(catalog_file)
    shipped = parse_catalog(settings.CATALOG_FILE)
    code = [c for c in shipped.codes if c["code"] == "64640"][0]
    # The fragment has no [billing] table: a Questionnaire carries no billing facts, and
    # the catalog file keeps the code's own.
    assert parsed.codes[0]["billing"] == {}
    assert comparable_code(parsed.codes[0]) == comparable_code(code) | {"billing": {}}


def similar_questionnaire():
    """A hand-made Questionnaire for a code we know, without any of our extensions."""
    help_item = {
        "linkId": "h",
        "type": "display",
        "text": "Why we ask.",
        "extension": [
            {
                "url": ITEM_CONTROL,
                "valueCodeableConcept": {
                    "coding": [{"system": ITEM_CONTROL_SYSTEM, "code": "help"}]
                },
            }
        ],
    }
    return {
        "resourceType": "Questionnaire",
        "status": "active",
        "code": [{"system": CPT, "code": "64681", "display": "ignored"}],
        "item": [
            {
                "linkId": "g1",
                "type": "group",
                "text": "Pre-procedure",
                "item": [
                    {
                        "linkId": "informed_consent",
                        "type": "boolean",
                        "text": "Consent",
                        "required": True,
                    }
                ],
            },
            {
                "linkId": "g2",
                "type": "group",
                "text": "Procedure",
                "item": [
                    {
                        "linkId": "fluoroscopy_time",
                        "type": "decimal",
                        "text": "Fluoroscopy time",
                        "extension": [
                            {
                                "url": UNIT,
                                "valueCoding": {
                                    "system": "http://unitsofmeasure.org",
                                    "code": "min",
                                },
                            }
                        ],
                        "item": [help_item],
                    }
                ],
            },
        ],
    }


def test_a_similar_questionnaire_for_a_known_code_becomes_its_checklist(catalog, tmp_path):
    before = ProcedureCode.objects.get(code="64681")
    output = run(write(tmp_path, similar_questionnaire()), "--catalog-version", "2025.1-b")
    assert "element fluoroscopy_time" in output
    code = ProcedureCode.objects.get(code="64681")
    assert (code.title, code.global_days, code.family) == (
        before.title,
        before.global_days,
        before.family,
    )
    links = list(code.links.select_related("element").order_by("order"))
    assert [(link.element.key, link.requirement) for link in links] == [
        ("informed_consent", "required"),
        ("fluoroscopy_time", "recommended"),
    ]
    element = links[1].element
    assert (element.input_type, element.unit, element.help_text) == (
        "number",
        "min",
        "Why we ask.",
    )
    # An element we already had keeps its help when the Questionnaire gives none.
    assert links[0].element.help_text and links[0].element.label == "Consent"


def broken(change):
    q = exported("64640")
    change(q)
    return q


def _without_unit(q):
    question = item(q, "neurolytic_volume")
    question["extension"] = [e for e in question["extension"] if "unitOption" not in e["url"]]


def _unknown_code_without_facts(q):
    q["code"] = [{"system": CPT, "code": "64999"}]
    q["extension"] = [e for e in q["extension"] if not e["url"].endswith("procedure-code")]


REFUSALS = [
    (lambda q: item(q, "technique").update(answerValueSet="http://x/vs"), "from a value set"),
    (lambda q: item(q, "technique").update(type="attachment"), "type 'attachment' cannot be"),
    (lambda q: item(q, "diagnosis").update(linkId="1.2"), "linkId must be a catalog key"),
    (
        lambda q: item(q, "contrast_agent.group")["enableWhen"][0].update(operator="!="),
        "enableWhen operator '!=' cannot be mapped",
    ),
    (
        lambda q: item(q, "contrast_agent.group").update(enableBehavior="all"),
        "enableBehavior 'any'",
    ),
    (
        # A not-applicable reason asked only when an unknown question is answered.
        lambda q: item(q, "prognostic_block_date.na").update(
            enableWhen=[{"question": "no_such_item", "operator": "exists", "answerBoolean": True}]
        ),
        "item 'prognostic_block_date.na': enableWhen names linkId 'no_such_item', which is no "
        "question of this Questionnaire",
    ),
    (
        # One of several conditions unknown: the message names it, not "several questions".
        lambda q: item(q, "contrast_agent.group")["enableWhen"].append(
            {"question": "imaging_modality_x", "operator": "=", "answerCoding": {"code": "ct"}}
        ),
        "enableWhen names linkId 'imaging_modality_x', which is no question",
    ),
    (
        lambda q: item(q, "prognostic_block_date").update(enableWhen=[]),
        "is followed by 'prognostic_block_date.na' but is not disabled by it alone",
    ),
    (
        lambda q: q["item"][0]["item"].insert(
            0, {"linkId": "ghost.na", "type": "string", "text": "Ghost: not done, because"}
        ),
        "item 'ghost.na': is a not-applicable item with no question 'ghost' right before it",
    ),
    (
        lambda q: item(q, "contrast_agent.group")["item"].pop(),
        "group 'contrast_agent.group': must hold exactly 'contrast_agent' and "
        "'contrast_agent.na', in that order; found contrast_agent",
    ),
    (_without_unit, "a quantity needs its unit"),
    (
        lambda q: item(q, "diagnosis")["item"].append(
            {"linkId": "diagnosis_code", "type": "string", "text": "ICD-10"}
        ),
        "questions nested under a question cannot be mapped",
    ),
    (
        lambda q: q["item"].insert(0, {"linkId": "loose", "type": "string", "text": "Loose"}),
        "must sit in a pre-procedure, procedure or post-procedure group",
    ),
    (lambda q: q.update(code=[]), "must hold exactly one CPT code"),
    (_unknown_code_without_facts, "64999 is not in the catalog"),
    (
        # Valid FHIR, but the catalog only lets choices and yes/no drive a condition.
        lambda q: item(q, "images_stored").update(
            enableWhen=[{"question": "diagnosis", "operator": "=", "answerString": "x"}]
        ),
        "(as catalog entries): code 64640, field 'elements[21].when.element': diagnosis is not "
        "a choice or yes/no element",
    ),
]


@pytest.mark.parametrize("change, message", REFUSALS)
def test_it_refuses_what_it_cannot_map_and_changes_nothing(catalog, tmp_path, change, message):
    path = write(tmp_path, broken(change))
    before = snapshot()
    with pytest.raises(CommandError) as error:
        run(path, "--catalog-version", "new")
    assert "Questionnaire not imported, nothing changed." in str(error.value)
    assert message in str(error.value)
    assert snapshot() == before


def test_it_refuses_a_file_that_is_not_a_questionnaire(catalog, tmp_path):
    with pytest.raises(CommandError, match="is not a FHIR Questionnaire"):
        run(write(tmp_path, {"resourceType": "Patient"}))
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(CommandError, match="is not JSON"):
        run(tmp_path / "bad.json")


def test_export_then_import_survives_a_json_round_trip_of_non_fhir_facts(catalog):
    q = copy.deepcopy(exported("64634"))  # an add-on: its primary code is a fact too
    imported = catalog_entries(json.loads(json.dumps(q)), from_database())
    assert imported.code["addon_of"] == ["64633"]
    assert imported.code["global_days"] == "ZZZ"
