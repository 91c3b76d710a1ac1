"""Plausibility warnings: unusual values are pointed out beside the field and in the panel."""

import pytest

from checklists.plausibility import PlausibilityWarning, check
from checklists.snapshot import build_definitions
from tests.notes import make_note

pytestmark = pytest.mark.django_db


def phenol(concentration, volume="8", side="midline"):
    return {
        "technique": {"value": "chemical"},
        "neurolytic_agent": {"value": "phenol_aqueous"},
        "phenol_concentration": {"value": concentration},
        "neurolytic_volume": {"value": volume},
        "procedure_side": {"value": side},
    }


def test_usual_values_raise_nothing(catalog):
    assert check(build_definitions(["64681"]), phenol("6")) == ()


def test_aqueous_phenol_above_7_percent_and_too_much_volume(catalog):
    assert check(build_definitions(["64681"]), phenol("10", volume="14")) == (
        PlausibilityWarning(
            "phenol_concentration",
            "Aqueous phenol dissolves only up to about 7 %: 10 % needs glycerin or contrast as "
            "the vehicle. Check the concentration or the agent.",
        ),
        PlausibilityWarning(
            "neurolytic_volume",
            "14 mL of phenol is more than 10 mL per side at the superior hypogastric plexus "
            "(usual: 6-8 mL per side).",
        ),
    )


def test_the_boundaries_are_7_percent_and_10_ml_per_side(catalog):
    definitions = build_definitions(["64681"])
    assert check(definitions, phenol("7", volume="10")) == ()
    assert check(definitions, phenol("6", volume="20", side="bilateral")) == ()
    bilateral_needles = {"needle_approach_shp": {"value": "bilateral_posterior"}}
    assert check(definitions, phenol("6", volume="16") | bilateral_needles) == ()
    assert [w.key for w in check(definitions, phenol("7.1", volume="20.5", side="bilateral"))] == [
        "phenol_concentration",
        "neurolytic_volume",
    ]


def test_phenol_in_glycerin_may_be_stronger(catalog):
    answers = phenol("10") | {"neurolytic_agent": {"value": "phenol_glycerin"}}
    assert check(build_definitions(["64681"]), answers) == ()


def test_facet_rf_temperature_duration_threshold_and_block_relief(catalog):
    answers = {
        "technique": {"value": "thermal_rf"},
        "rf_temperature": {"value": "80"},
        "rf_duration": {"value": "30"},
        "sensory_threshold": {"value": "1.5"},
        "mbb1_relief": {"value": "80"},
        "mbb2_relief": {"value": "70"},
    }
    assert check(build_definitions(["64635"]), answers) == (
        PlausibilityWarning(
            "mbb2_relief", "Facet RF needs at least 80 % relief from each block; 70 % is less."
        ),
        PlausibilityWarning(
            "rf_temperature",
            "The facet LCDs require a lesion above 80 °C; 80 °C does not meet it.",
        ),
        PlausibilityWarning(
            "rf_duration",
            "30 s per lesion is outside the usual 60-90 s of a conventional lesion.",
        ),
        PlausibilityWarning(
            "sensory_threshold",
            "A sensory threshold of 1.5 V suggests the probe is not close to the nerve (usual: "
            "about 0.5 V).",
        ),
    )


def test_a_value_that_no_longer_applies_raises_nothing(catalog):
    # Technique switched to RF: the old phenol answers stay stored but are not asked.
    answers = phenol("12") | {"technique": {"value": "thermal_rf"}}
    assert check(build_definitions(["64640"]), answers) == ()


def test_warnings_show_beside_the_field_and_in_the_panel(clinician_client, clinician, patient):
    note = make_note(clinician, patient, "64681", answers=phenol("10"))
    page = clinician_client.get(f"/notes/{note.pk}/edit/").content.decode()
    assert 'id="warning-phenol_concentration-1"' in page
    assert "Worth a second look" in page
    assert page.count("Aqueous phenol dissolves only up to about 7 %") == 2
