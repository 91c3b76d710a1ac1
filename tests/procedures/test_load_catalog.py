from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from procedures.catalog_file import CatalogError, parse_catalog
from procedures.models import CatalogVersion, CodeElement, DocumentationElement, ProcedureCode

MINI = Path(__file__).parent / "files" / "mini.toml"


def load(path) -> str:
    out = StringIO()
    call_command("load_catalog", str(path), stdout=out)
    return out.getvalue()


def snapshot():
    return (
        list(ProcedureCode.objects.values().order_by("code")),
        list(DocumentationElement.objects.values().order_by("key")),
        list(CodeElement.objects.values().order_by("pk")),
        CatalogVersion.objects.count(),
    )


@pytest.fixture
def broken(tmp_path):
    def write(old, new):
        text = MINI.read_text()
        assert old in text
        path = tmp_path / "broken.toml"
        path.write_text(text.replace(old, new, 1))
        return path

    return write


def test_it_loads_the_shipped_catalog_twice_without_changing_anything(catalog):
    before = snapshot()
    output = load(settings.CATALOG_FILE)
    assert "already loaded, nothing changed" in output
    assert snapshot() == before


def test_it_reports_what_a_new_file_adds_and_changes(db, broken):
    output = load(MINI)
    assert "Added" in output and "code 64681" in output
    output = load(broken('label = "Pain after"', 'label = "Pain score after"'))
    assert "Changed (1): element pain_after (label)" in output
    assert DocumentationElement.objects.get(key="pain_after").label == "Pain score after"


def test_it_deactivates_codes_that_a_new_file_drops(catalog):
    assert ProcedureCode.objects.filter(code="64600", active=True).exists()
    output = load(MINI)
    assert "Deactivated" in output
    assert not ProcedureCode.objects.get(code="64600").active
    assert ProcedureCode.objects.get(code="64681").active


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'requirement = "recommended"',
            'requirement = "mandatory"',
            "code 64681, field 'elements[3].requirement': 'mandatory' is not one of",
        ),
        (
            'input = "number"',
            'input = "slider"',
            "element agent_volume, field 'input': 'slider' is not one of",
        ),
        ('key = "pain_after"', 'key = "pain_afterwards"', "'pain_afterwards' is not defined"),
        ('in = ["chemical"]', 'in = ["laser"]', "'laser' is not a choice of technique"),
        ('unit = "mL"\n', "", "element agent_volume, field 'unit': is required"),
        ('sources = ["cms-pfs-2025"]', 'sources = ["nowhere"]', "'nowhere' is not defined"),
        ("max = 50", "max = -1", "element agent_volume, field 'min': 0 is above max -1"),
        ('global_days = "000"', 'global_days = "ZZZ"', "code 64642, field 'addon_of'"),
        ('title = "Mini catalog"', 'title = "Mini catalog', "is not valid TOML"),
        (
            'bilateral_indicator = 0\nlaterality = "none"\nimaging = "in_code"',
            'bilateral_indicator = 0\nlaterality = "none"\nimaging = "in_code"\ncolour = "red"',
            "code 64681, field 'colour': is not a known field",
        ),
        ("max = 50", 'max = "50"', "element agent_volume, field 'max': must be a number"),
        (
            "[elements.agent_volume]",
            "[elements.Agent-Volume]",
            "element Agent-Volume, field 'key'",
        ),
        (
            'bilateral_indicator = 0\nlaterality = "none"',
            'bilateral_indicator = 0\nmax_units = "1"\nlaterality = "none"',
            "code 64681, field 'max_units': must be a whole number",
        ),
        (
            'kind = "cms"',
            'kind = "rumour"',
            "source cms-pfs-2025, field 'kind': 'rumour' is not one of",
        ),
    ],
)
def test_it_refuses_a_malformed_file_naming_file_code_and_field(broken, old, new, message):
    path = broken(old, new)
    with pytest.raises(CatalogError) as excinfo:
        parse_catalog(path)
    assert str(path) in str(excinfo.value)
    assert message in str(excinfo.value)


def test_a_refused_file_leaves_the_old_catalog_intact(catalog, broken):
    before = snapshot()
    path = broken('requirement = "recommended"', 'requirement = "mandatory"')
    with pytest.raises(CommandError, match="Catalog not loaded, nothing changed"):
        load(path)
    assert snapshot() == before


def test_a_failure_while_writing_rolls_everything_back(catalog, monkeypatch):
    from procedures import catalog_loader

    before = snapshot()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(catalog_loader, "_sync_links", explode)
    with pytest.raises(RuntimeError):
        load(MINI)
    assert snapshot() == before


def test_the_catalog_version_is_stored_and_shown_in_the_footer(clinician_client):
    version = CatalogVersion.current()
    assert version.version and version.cpt_year == 2025
    response = clinician_client.get("/codes/")
    assert f"Catalog {version.version}" in response.text
