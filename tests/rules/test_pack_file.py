"""Rule pack files: the shipped ones load, a bad one is refused naming file, rule and field."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from rules.models import RulePack
from rules.pack_file import PackError, parse_pack, parse_packs
from rules.pack_schema import CHECK_KINDS
from tests.rules.history import PACKS

GOOD = """
[pack]
key = "test-pack"
version = "1"
title = "Test pack"
policy = "LCD L00000"
payer_kinds = ["medicare"]

[sources.lcd]
policy = "LCD L00000"
title = "A test policy"
url = "https://example.test/lcd"

[regions.lumbar]
label = "Lumbar"
codes = ["64635", "64493"]

[[rules]]
id = "temperature"
title = "Hot enough"
codes = ["64635"]
statement = "At least 80 C."
severity = "blocks"
source = "lcd"
check = { kind = "element_value", element = "rf_temperature", min = 80 }
"""


def write(tmp_path, text, name="pack.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def refused(tmp_path, text) -> str:
    path = write(tmp_path, text)
    with pytest.raises(PackError) as error:
        parse_pack(path)
    message = str(error.value)
    assert message.startswith(str(path)), message
    return message


def test_every_shipped_pack_parses_with_only_known_check_kinds():
    packs = parse_packs(sorted(PACKS.glob("*.toml")))
    assert {p.key for p in packs} >= {
        "medicare-facet-rf",
        "medicare-sacroiliac",
        "medicare-morton-neuroma",
        "medicare-chemodenervation",
        "medicare-plexus-neurolysis",
        "anthem-morton-neuroma",
    }
    for pack in packs:
        for rule in pack.rules:
            assert rule["check"]["kind"] in CHECK_KINDS
            assert rule["source"] in pack.sources
    plexus = next(p for p in packs if p.key == "medicare-plexus-neurolysis")
    assert plexus.information_only and {r["severity"] for r in plexus.rules} == {"information"}


def test_a_good_file_gets_the_defaults_of_its_check_kind(tmp_path):
    text = GOOD + (
        '\n[[rules]]\nid = "sessions"\ntitle = "t"\ncodes = ["64635"]\nstatement = "s"\n'
        'severity = "warning"\nsource = "lcd"\n'
        'check = { kind = "sessions_in_window", codes = ["64635"], months = 12, max = 2 }\n'
    )
    pack = parse_pack(write(tmp_path, text))
    assert pack.rules[1]["check"] == {
        "kind": "sessions_in_window",
        "codes": ["64635"],
        "months": 12,
        "max": 2,
        "match": [],
        "what": "session",
    }


def test_an_unknown_check_kind_is_refused_naming_file_rule_and_field(tmp_path):
    message = refused(tmp_path, GOOD.replace('kind = "element_value"', 'kind = "run_python"'))
    assert "rule temperature, field 'check.kind'" in message
    assert "'run_python' is not a known kind (known: 'element_value', " in message


@pytest.mark.parametrize(
    "check, field, says",
    [
        (
            '{ kind = "element_value", element = "rf_temperature", min = "80" }',
            "check.min",
            "must be a number",
        ),
        (
            '{ kind = "element_value", element = "rf_temperature", min = 90, max = 80 }',
            "check.min",
            "above max",
        ),
        (
            '{ kind = "element_value", element = "RF temp" }',
            "check.element",
            "is not an element key",
        ),
        (
            '{ kind = "element_value", element = "x", maximum = 3 }',
            "check.maximum",
            "is not a known field",
        ),
        (
            '{ kind = "sessions_in_window", codes = ["64635"], max = 2 }',
            "check.months",
            "exactly one of months or days",
        ),
        (
            '{ kind = "sessions_in_window", codes = ["64635"], months = 12, days = 365, max = 2 }',
            "check.months",
            "exactly one of months or days",
        ),
        (
            '{ kind = "sessions_in_window", codes = ["64635"], months = 0, max = 2 }',
            "check.months",
            "between 1 and 240",
        ),
        (
            '{ kind = "sessions_in_window", codes = ["646"], months = 12, max = 2 }',
            "check.codes[0]",
            "'646' is not a five-character CPT/HCPCS code",
        ),
        (
            '{ kind = "sessions_in_window", codes = ["64635"], months = 12 }',
            "check.max",
            "is missing",
        ),
        (
            '{ kind = "interval_since_last", codes = ["64635"], months = 6, match = ["level"] }',
            "check.match[0]",
            "'level' is not one of 'region', 'side' or 'site'",
        ),
        (
            '{ kind = "prerequisite_notes", codes = ["64493"], min = 80 }',
            "check.min",
            "needs check.element",
        ),
        (
            '{ kind = "prerequisite_notes", codes = ["64493"], count = true }',
            "check.count",
            "whole number",
        ),
        (
            '{ kind = "prerequisite_notes", codes = ["64493"], '
            'repeat = { codes = ["64635"], waive_within_months = 0 } }',
            "check.repeat.waive_within_months",
            "whole number",
        ),
        (
            '{ kind = "prerequisite_notes", codes = ["64493"], where = { element = "x" } }',
            "check.where.in",
            "non-empty list",
        ),
        (
            '{ kind = "units_per_session", codes = ["64635"], max = 2, count = "joints" }',
            "check.count",
            "'joints' is not one of 'units' or 'levels'",
        ),
        ('"element_value"', "check", "must be a table"),
    ],
)
def test_a_malformed_parameter_is_refused_naming_file_rule_and_field(tmp_path, check, field, says):
    message = refused(
        tmp_path,
        GOOD.replace(
            'check = { kind = "element_value", element = "rf_temperature", min = 80 }',
            f"check = {check}",
        ),
    )
    assert f"rule temperature, field '{field}'" in message
    assert says in message


@pytest.mark.parametrize(
    "old, new, where, says",
    [
        (
            'severity = "blocks"',
            'severity = "fatal"',
            "rule temperature, field 'severity'",
            "not one of",
        ),
        (
            'source = "lcd"',
            'source = "lcd-x"',
            "rule temperature, field 'source'",
            "not defined under [sources]",
        ),
        ('id = "temperature"', 'id = "Temperature!"', "field 'id'", "lower-case slug"),
        (
            'codes = ["64635"]\nstatement',
            "codes = []\nstatement",
            "rule temperature, field 'codes'",
            "must not be empty",
        ),
        (
            'statement = "At least 80 C."',
            'statment = "typo"',
            "rule temperature, field 'statment'",
            "not a known field",
        ),
        (
            'payer_kinds = ["medicare"]',
            'payer_kinds = ["medicare", "aliens"]',
            "[pack], field 'payer_kinds[1]'",
            "'aliens' is not one of 'medicare', ",
        ),
        (
            'url = "https://example.test/lcd"',
            'url = "ftp://x"',
            "source lcd, field 'url'",
            "https://",
        ),
        (
            'codes = ["64635", "64493"]',
            'codes = ["64635", "64635"]',
            "region lumbar, field 'codes'",
            "twice",
        ),
    ],
)
def test_other_mistakes_name_where_they_are(tmp_path, old, new, where, says):
    assert old in GOOD
    message = refused(tmp_path, GOOD.replace(old, new, 1))
    assert where in message and says in message


def test_match_on_region_needs_regions_and_information_packs_only_inform(tmp_path):
    no_regions = GOOD.replace(
        '[regions.lumbar]\nlabel = "Lumbar"\ncodes = ["64635", "64493"]\n', ""
    )
    message = refused(
        tmp_path,
        no_regions.replace(
            'check = { kind = "element_value", element = "rf_temperature", min = 80 }',
            'check = { kind = "interval_since_last", codes = ["64635"], months = 6, '
            'match = ["region"] }',
        ),
    )
    assert "rule temperature, field 'check.match'" in message and "no [regions]" in message
    message = refused(
        tmp_path, GOOD.replace('payer_kinds = ["medicare"]', "information_only = true")
    )
    assert "rule temperature, field 'severity'" in message


def test_not_toml_and_duplicates_are_refused(tmp_path):
    assert "is not valid TOML" in refused(tmp_path, GOOD + "\n[[rules]\n")
    message = refused(tmp_path, GOOD + GOOD[GOOD.index("[[rules]]") :])
    assert "rule temperature, field 'id': is defined twice" in message
    first = write(tmp_path, GOOD, "a.toml")
    second = write(tmp_path, GOOD, "b.toml")
    with pytest.raises(PackError, match="already the key of"):
        parse_packs([first, second])


def test_the_command_loads_once_and_a_second_load_changes_nothing(catalog):
    out = StringIO()
    call_command("load_rule_packs", stdout=out)
    assert "Rule packs: loaded." in out.getvalue()
    assert RulePack.objects.filter(active=True).count() == len(list(PACKS.glob("*.toml")))
    event = AuditEvent.objects.filter(action="rules.load").get()
    assert "medicare-facet-rf" in event.detail["packs"]
    out = StringIO()
    call_command("load_rule_packs", stdout=out)
    assert "already loaded, nothing changed" in out.getvalue()
    assert AuditEvent.objects.filter(action="rules.load").count() == 1


def test_the_command_refuses_a_bad_file_and_changes_nothing(catalog, tmp_path):
    call_command("load_rule_packs", stdout=StringIO())
    before = list(RulePack.objects.values_list("key", "checksum", "active"))
    bad = write(tmp_path, GOOD.replace("min = 80", 'min = "hot"'), "bad.toml")
    with pytest.raises(CommandError) as error:
        call_command("load_rule_packs", str(PACKS), str(bad), stdout=StringIO())
    message = str(error.value)
    assert "nothing changed" in message
    assert f"{bad}: rule temperature, field 'check.min'" in message
    assert list(RulePack.objects.values_list("key", "checksum", "active")) == before


def test_packs_a_new_load_leaves_out_are_deactivated_not_deleted(catalog, tmp_path):
    call_command("load_rule_packs", stdout=StringIO())
    out = StringIO()
    call_command("load_rule_packs", str(write(tmp_path, GOOD)), stdout=out)
    assert "Deactivated (7)" in out.getvalue()
    assert RulePack.objects.filter(active=True).get().key == "test-pack"
    assert RulePack.objects.filter(active=False).count() == 7


CHECK = 'check = { kind = "element_value", element = "rf_temperature", min = 80 }'


@pytest.mark.parametrize(
    "old, new, says",
    [
        # wrong type
        (
            'title = "Hot enough"',
            "title = 80",
            "rule temperature, field 'title': must be text",
        ),
        (
            'payer_kinds = ["medicare"]',
            'payer_kinds = ["medicare"]\neffective_from = "2024-01-01"',
            "[pack], field 'effective_from': must be a date such as 2021-04-25 "
            "(no quotes, no time)",
        ),
        # unknown field, in a rule and in a check's `where` condition
        (
            'source = "lcd"',
            'source = "lcd"\nnote = "x"',
            "rule temperature, field 'note': is not a known field",
        ),
        (
            CHECK,
            'check = { kind = "sessions_in_window", codes = ["64635"], months = 12, max = 2, '
            'where = { element = "block_purpose", in = ["therapeutic"], colour = "red" } }',
            "rule temperature, field 'check.where.colour': is not a known field",
        ),
        # unknown check kind
        (
            CHECK,
            'check = { kind = "run_python", code = "import os" }',
            "rule temperature, field 'check.kind': 'run_python' is not a known kind (known: "
            "'element_value', 'sessions_in_window', 'interval_since_last', "
            "'prerequisite_notes', 'units_per_session', 'not_covered', 'failed_in_a_row', "
            "'levels_within', 'line_modifier', 'lifetime_levels', 'covered_diagnosis')",
        ),
        # a bad parameter of one kind
        (
            CHECK,
            'check = { kind = "lifetime_levels", codes = ["64635"], max = 51 }',
            "rule temperature, field 'check.max': must be a whole number between 1 and 50, not 51",
        ),
        (
            CHECK,
            'check = { kind = "failed_in_a_row", codes = ["64635"], element = "response", '
            "failed = [], max = 2 }",
            "rule temperature, field 'check.failed': must not be empty",
        ),
        (
            CHECK,
            'check = { kind = "covered_diagnosis", icd10 = ["M47.816", "lumbago"] }',
            "rule temperature, field 'check.icd10[1]': 'lumbago' is not an ICD-10-CM code, "
            "pattern (M47.81x) or range (M47.811-M47.817)",
        ),
        (
            CHECK,
            'check = { kind = "prerequisite_notes", codes = ["64493"], only_repeats = true }',
            "rule temperature, field 'check.only_repeats': needs check.repeat: what makes it "
            "a repeat",
        ),
        (
            CHECK,
            'check = { kind = "sessions_in_window", codes = ["64635"], days = 365, max = 2, '
            'where = [{ element = "block_purpose", in = ["therapeutic"] }, '
            '{ place_of_service = ["2"] }] }',
            "rule temperature, field 'check.where[1].place_of_service[0]': '2' is not a "
            "two-digit POS code",
        ),
        # a misspelt field is named, not the field it leaves missing
        (
            'statement = "At least 80 C."',
            'statment = "At least 80 C."',
            "rule temperature, field 'statment': is not a known field",
        ),
    ],
)
def test_a_malformed_pack_gets_one_line_naming_file_entry_and_field(tmp_path, old, new, says):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(PackError) as error:
        parse_pack(path)
    assert str(error.value) == f"{path}: {says}"


def test_a_check_given_a_list_of_conditions_keeps_them_as_a_list(tmp_path):
    text = GOOD.replace(
        CHECK,
        'check = { kind = "sessions_in_window", codes = ["64635"], days = 365, max = 4, '
        'where = [{ element = "block_purpose", in = ["therapeutic"] }, '
        '{ place_of_service = ["22", "24"] }] }',
    ).replace('source = "lcd"', 'source = "lcd"\nwhen = { place_of_service = ["11"] }')
    rule = parse_pack(write(tmp_path, text)).rules[0]
    assert rule["when"] == {"place_of_service": ["11"]}
    assert rule["check"] == {
        "kind": "sessions_in_window",
        "codes": ["64635"],
        "days": 365,
        "max": 4,
        "match": [],
        "where": [
            {"element": "block_purpose", "in": ["therapeutic"]},
            {"place_of_service": ["22", "24"]},
        ],
        "what": "session",
    }
