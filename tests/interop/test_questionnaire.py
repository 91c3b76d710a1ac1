import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import resolve

from interop.catalog_data import from_database
from interop.questionnaire import questionnaire
from interop.terms import (
    CPT,
    ELEMENT_HELP,
    MAX_QUANTITY,
    MAX_VALUE,
    MIN_QUANTITY,
    MIN_VALUE,
    UCUM,
    UNIT,
    UNIT_OPTION,
    answer_system,
)
from procedures.models import CatalogVersion, ProcedureCode

from .fhir_rules import check_questionnaire, element_link_ids, questions_by_link_id


def export(code: str) -> dict:
    catalog = from_database([code])
    return questionnaire(catalog.codes[0], catalog)


def extension(item, url):
    found = [e for e in item.get("extension", []) if e["url"] == url]
    return found[0] if found else None


def test_every_exported_questionnaire_is_valid_fhir_r4(catalog):
    data = from_database()
    assert len(data.codes) == ProcedureCode.objects.active().count() > 20
    for code in data.codes:
        check_questionnaire(questionnaire(code, data))


def test_item_link_ids_are_the_element_keys_in_form_order(catalog):
    data = from_database(["64640"])
    q = questionnaire(data.codes[0], data)
    keys = [link["key"] for link in data.codes[0]["links"]]
    assert element_link_ids(q) == keys
    assert [group["linkId"] for group in q["item"]] == [
        "section-pre",
        "section-procedure",
        "section-post",
    ]
    assert [group["text"] for group in q["item"]] == [
        "Pre-procedure",
        "Procedure",
        "Post-procedure",
    ]


def test_it_names_the_code_url_and_catalog_version(catalog, settings):
    settings.FHIR_BASE_URL = "http://fhir.test/fhir"
    q = export("64640")
    assert q["code"] == [{"system": CPT, "code": "64640"}]
    assert q["url"] == "http://fhir.test/fhir/Questionnaire/64640"  # settings.FHIR_BASE_URL
    assert q["version"] == CatalogVersion.current().version
    assert q["status"] == "active"
    assert q["title"].startswith("Neurolysis of a named peripheral nerve")


def test_required_flags_follow_the_catalog_requirement(catalog):
    data = from_database(["64640"])
    questions = questions_by_link_id(questionnaire(data.codes[0], data))
    for link in data.codes[0]["links"]:
        assert questions[link["key"]]["required"] is (link["requirement"] == "required")
    assert questions["informed_consent"]["required"] is True
    assert questions["time_out"]["required"] is False


def test_conditional_elements_of_64640_have_enable_when(catalog):
    questions = questions_by_link_id(export("64640"))

    agent = questions["neurolytic_agent"]
    labels = {o["valueCoding"]["code"]: o for o in questions["technique"]["answerOption"]}
    assert agent["enableBehavior"] == "any"
    assert agent["enableWhen"] == [
        {
            "question": "technique",
            "operator": "=",
            "answerCoding": labels["chemical"]["valueCoding"],
        }
    ]
    assert labels["chemical"]["valueCoding"]["system"] == answer_system("technique")
    phenol = questions["phenol_concentration"]["enableWhen"]
    assert [c["answerCoding"]["code"] for c in phenol] == [
        "phenol_aqueous",
        "phenol_glycerin",
        "phenol_contrast",
    ]
    assert {c["question"] for c in phenol} == {"neurolytic_agent"}
    rf = questions["rf_temperature"]["enableWhen"]
    assert [c["answerCoding"]["code"] for c in rf] == ["thermal_rf", "cooled_rf"]
    # An element that may be "not applicable" sits in a group that carries its condition.
    group = questions["contrast_agent.group"]
    assert [c["answerCoding"]["code"] for c in group["enableWhen"]] == ["fluoroscopy", "ct"]
    assert [item["linkId"] for item in group["item"]] == ["contrast_agent", "contrast_agent.na"]
    # A multi-choice condition: any listed complication enables the details.
    details = questions["complication_details"]["enableWhen"]
    link = [
        x for x in from_database(["64640"]).codes[0]["links"] if x["key"] == "complication_details"
    ]
    assert [c["answerCoding"]["code"] for c in details] == link[0]["condition"]["in"]
    assert {c["question"] for c in details} == {"complications"}
    assert questions["complications"]["repeats"] is True
    # Unconditional elements have none.
    assert "enableWhen" not in questions["technique"]
    assert "enableWhen" not in questions["informed_consent"]


def test_item_types_match_the_input_types(catalog):
    questions = questions_by_link_id(export("64640"))
    expected = {
        "diagnosis": "choice",
        "indication": "text",
        "technique": "choice",
        "conservative_care_tried": "choice",
        "informed_consent": "boolean",
        "neurolytic_volume": "quantity",
        "prognostic_block_date": "date",
        "pain_score_pre": "integer",
        "prognostic_block_relief": "decimal",
    }
    assert {key: questions[key]["type"] for key in expected} == expected
    assert questions["conservative_care_tried"]["repeats"] is True
    assert "repeats" not in questions["technique"]
    # Diagnoses: several codes, from the whole of ICD-10-CM.
    assert questions["diagnosis"]["repeats"] is True
    assert questions["diagnosis"]["answerValueSet"] == "http://hl7.org/fhir/sid/icd-10-cm?fhir_vs"


def test_numbers_carry_ucum_units_and_plausible_ranges(catalog):
    questions = questions_by_link_id(export("64640"))
    volume = questions["neurolytic_volume"]
    assert extension(volume, UNIT_OPTION)["valueCoding"] == {
        "system": UCUM,
        "code": "mL",
        "display": "mL",
    }
    assert extension(volume, MIN_QUANTITY)["valueQuantity"]["code"] == "mL"
    temperature = questions["rf_temperature"]
    assert extension(temperature, UNIT_OPTION)["valueCoding"]["code"] == "Cel"
    assert extension(temperature, UNIT_OPTION)["valueCoding"]["display"] == "°C"
    assert extension(questions["cannula_gauge"], UNIT_OPTION)["valueCoding"]["code"] == "{gauge}"
    pain = questions["pain_score_pre"]
    assert extension(pain, MIN_VALUE) == {"url": MIN_VALUE, "valueInteger": 0}
    assert extension(pain, MAX_VALUE) == {"url": MAX_VALUE, "valueInteger": 10}
    relief = questions["prognostic_block_relief"]
    assert extension(relief, UNIT)["valueCoding"]["code"] == "%"
    assert extension(relief, MAX_VALUE)["valueDecimal"] == 100
    assert extension(relief, MAX_QUANTITY) is None


def test_toxin_units_are_arbitrary_units_not_enzyme_units(catalog):
    questions = questions_by_link_id(export("64642"))
    coding = extension(questions["toxin_dose_units"], UNIT_OPTION)["valueCoding"]
    assert coding == {"system": UCUM, "code": "[arb'U]", "display": "U"}


def test_help_is_a_child_item_and_not_applicable_a_sibling_that_disables_the_question(catalog):
    q = export("64640")
    questions = questions_by_link_id(q)
    indication = questions["indication"]
    help_item = indication["item"][0]
    assert help_item["linkId"] == "indication.help" and help_item["type"] == "display"
    assert help_item["text"].startswith("NCD 160.1 covers nerve destruction")  # this code's why
    assert extension(indication, ELEMENT_HELP)  # the element's own help travels along
    pre = [item["linkId"] for item in q["item"][0]["item"]]
    position = pre.index("prognostic_block_date")
    assert pre[position + 1] == "prognostic_block_date.na"
    block = questions["prognostic_block_date"]
    assert block["enableWhen"] == [
        {"question": "prognostic_block_date.na", "operator": "exists", "answerBoolean": False}
    ]
    na = questions["prognostic_block_date.na"]
    assert na["type"] == "open-choice" and "enableWhen" not in na and "required" not in na
    assert "Not done: patient declined" in [o["valueString"] for o in na["answerOption"]]
    assert "diagnosis.na" not in questions


def test_the_questionnaire_url_wins_over_the_code_page(catalog):
    assert resolve("/codes/64640/questionnaire.json").view_name == "interop:code-questionnaire"
    assert resolve("/codes/64640/").view_name == "procedures:code-detail"


def test_the_questionnaire_json_needs_a_login(client, catalog):
    response = client.get("/codes/64640/questionnaire.json")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_a_signed_in_user_downloads_the_questionnaire(
    clinician_client, catalog, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = clinician_client.get("/codes/64640/questionnaire.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert 'filename="questionnaire-64640.json"' in response["Content-Disposition"]
    data = json.loads(response.content)
    check_questionnaire(data)
    assert data == export("64640")


def test_an_unknown_code_is_404(clinician_client, catalog):
    assert clinician_client.get("/codes/99999/questionnaire.json").status_code == 404


def test_export_questionnaires_writes_one_valid_file_per_code(catalog, tmp_path):
    out = StringIO()
    call_command("export_questionnaires", str(tmp_path / "fhir"), stdout=out)
    files = sorted((tmp_path / "fhir").glob("questionnaire-*.json"))
    count = ProcedureCode.objects.active().count()
    assert len(files) == count
    version = CatalogVersion.current().version
    assert f"Wrote {count} Questionnaire(s) of catalog {version}" in out.getvalue()
    for path in files:
        data = json.loads(path.read_text())
        check_questionnaire(data)
        assert path.name == f"questionnaire-{data['code'][0]['code']}.json"


def test_export_questionnaires_refuses_an_unknown_code(catalog, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Not in the catalog: 99999"):
        call_command("export_questionnaires", str(tmp_path), "--code", "99999", "--code", "64640")
