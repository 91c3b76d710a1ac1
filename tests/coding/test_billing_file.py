"""The catalog file's [billing] section: refused with the section and field at fault, and
stored where the scrubber finds it."""

import pytest
from django.conf import settings

from procedures.catalog_file import CatalogError, parse_catalog
from procedures.models import CatalogVersion, ProcedureCode

SHIPPED = settings.CATALOG_FILE


@pytest.fixture
def edited(tmp_path):
    def write(old, new):
        text = SHIPPED.read_text()
        assert text.count(old) >= 1, old
        path = tmp_path / "catalog.toml"
        path.write_text(text.replace(old, new, 1))
        return path

    return write


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            '[billing.codes.64600]\nseries = "64600"\nregion = "trigeminal branches"\nsites = "per_unit"\nstrict_sites = true\ndaily_units = 8',
            '[billing.codes.64600]\nseries = "64600"\nregion = "trigeminal branches"\nsites = "per_unit"\nstrict_sites = true\ndaily_units = 0',
            "billing.codes.64600, field 'daily_units': Input should be greater than or equal to 1",
        ),
        (
            '[billing.codes.64605]\nseries = "trigeminal-foramen-ovale"',
            '[billing.codes.64605]\nmax_per_day = 1\nseries = "trigeminal-foramen-ovale"',
            "billing.codes.64605, field 'max_per_day': is not a known field",
        ),
        (
            'sites = "up_to_two"',
            'sites = "two"',
            "billing.codes.64628, field 'sites': 'two' is not one of 'one', 'per_unit', 'up_to_two' or 'any'",
        ),
        (
            'codes = ["64642", "64644"]\nkind = "exclusive"',
            'codes = ["64642", "99999"]\nkind = "exclusive"',
            "billing.pairs[0], field 'codes': '99999' is not a code of this catalog",
        ),
        (
            'codes = ["64646", "64647"]\nkind = "exclusive"',
            'codes = ["64646", "64646"]\nkind = "exclusive"',
            "billing.pairs[1], field '(entry)': a pair needs two different codes",
        ),
        (
            'codes = ["64605"]\nin = ["fluoroscopy", "ct"]',
            'codes = ["64605"]\nin = ["fluoroscopy", "ct"]\nnot_in = ["none"]',
            "billing.guidance[2], field '(entry)': give exactly one of 'in' and 'not_in'",
        ),
        (
            '[billing.modifiers.JW]\nkind = "drug_line"',
            '[billing.modifiers.JW]\nkind = "drug"',
            "billing.modifiers.JW, field 'kind': 'drug' is not one of 'side', 'bilateral', 'digit',",
        ),
        (
            'source = "chemodenervation-structure"\n\n[[billing.pairs]]\ncodes = ["64646", "64647"]',
            'source = "nowhere"\n\n[[billing.pairs]]\ncodes = ["64646", "64647"]',
            "billing.pairs[0], field 'source': 'nowhere' is not defined under [sources]",
        ),
    ],
)
def test_a_bad_billing_section_is_refused_naming_where(edited, old, new, message):
    with pytest.raises(CatalogError) as refused:
        parse_catalog(edited(old, new))
    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("modifiers", "message"),
    [
        ('"Q1"', "code 64681, field 'modifiers': 'Q1' is not under [billing.modifiers]"),
        ('"JW"', "code 64681, field 'modifiers': 'JW' never goes on a procedure line"),
        ('"LT"', "code 64681, field 'modifiers': 'LT' needs a code with a side"),
    ],
)
def test_a_code_lists_only_modifiers_the_table_allows_it(tmp_path, modifiers, message):
    text = SHIPPED.read_text()
    line = text.index("modifiers = [", text.index('code = "64681"'))
    end = text.index("\n", line)
    path = tmp_path / "catalog.toml"
    path.write_text(text[:line] + f"modifiers = [{modifiers}]" + text[end:])
    with pytest.raises(CatalogError) as refused:
        parse_catalog(path)
    assert message in str(refused.value)


def test_every_shipped_code_has_its_billing_facts():
    data = parse_catalog(SHIPPED)
    assert [c["code"] for c in data.codes if not c["billing"]] == []
    assert sorted(data.claim_rules) == [
        "addon_primaries",
        "caps",
        "guidance",
        "modifiers",
        "pairs",
        "reduced",
        "site_codes",
        "techniques",
    ]
    assert data.claim_rules["site_codes"]["L4-L5"] == ["64635", "64636", "64493", "64494", "64495"]


def test_the_loaded_catalog_keeps_the_rules(catalog):
    code = ProcedureCode.objects.get(code="64620")
    assert code.billing == {
        "series": "64620",
        "region": "intercostal nerves",
        "sites": "per_unit",
        "strict_sites": True,
        "daily_units": 5,
        "daily_units_confirmed": True,
        "daily_units_source": "cms-mue",
        "daily_units_fix": "Report at most five intercostal nerves a day in all, whatever the sides.",
    }
    rules = CatalogVersion.current().claim_rules
    assert rules["caps"] == [
        {
            "codes": ["64643", "64645"],
            "max": 3,
            "message": "additional extremities (64643 + 64645)",
            "fix": "Four extremities at most: one on 64642 or 64644 and at most three more on 64643 and 64645 together.",
            "source": "chemodenervation-structure",
            "confirmed": True,
        }
    ]
