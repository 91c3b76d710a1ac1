import pytest

from checklists.coding_checks import blocking, check_lines

CODES = {
    "64642": {
        "title": "Chemodenervation one extremity 1-4 muscles",
        "addon_of": [],
        "laterality": "none",
        "bilateral_indicator": 0,
        "max_units": 1,
        "unit_kind": "extremity",
        "unit_of_service": "One per extremity",
        "site_label": "Extremity",
        "techniques": ["chemodenervation"],
        "modifiers": ["52", "53", "59", "XS", "JW", "JZ"],
    },
    "64643": {
        "title": "Each additional extremity",
        "addon_of": ["64642", "64644"],
        "laterality": "none",
        "bilateral_indicator": 0,
        "max_units": 3,
        "unit_kind": "extremity",
        "unit_of_service": "Each additional extremity",
        "site_label": "Extremity",
        "techniques": ["chemodenervation"],
        "modifiers": ["JW", "JZ"],
    },
    "64635": {
        "title": "Lumbar facet RF first joint",
        "addon_of": [],
        "laterality": "bilateral_allowed",
        "bilateral_indicator": 1,
        "max_units": 1,
        "unit_kind": "joint",
        "unit_of_service": "One per joint",
        "site_label": "Facet joint level",
        "techniques": ["thermal_rf", "cooled_rf"],
        "modifiers": ["50", "LT", "RT", "59", "52", "53"],
    },
    "64640": {
        "title": "Other peripheral nerve",
        "addon_of": [],
        "laterality": "bilateral_allowed",
        "bilateral_indicator": 1,
        "max_units": 10,
        "unit_kind": "nerve",
        "unit_of_service": "Per nerve",
        "site_label": "Nerve or branch",
        "techniques": ["chemical", "thermal_rf", "cooled_rf"],
        "modifiers": ["50", "LT", "RT", "59"],
    },
    "64681": {
        "title": "Superior hypogastric plexus",
        "addon_of": [],
        "laterality": "none",
        "bilateral_indicator": 0,
        "max_units": 1,
        "unit_kind": "session",
        "unit_of_service": "One per session",
        "site_label": "",
        "techniques": ["chemical"],
        "modifiers": ["52", "53"],
    },
}


def line(code, **kw):
    return {"code": code, "units": 1, "modifiers": [], "side": "", "site": ""} | kw


def messages(lines, answers=None):
    return [p.message for p in check_lines(lines, CODES, answers or {})]


def test_a_clean_note_has_no_problem():
    lines = [
        line("64642", site="Left upper extremity"),
        line("64643", site="Right upper extremity"),
    ]
    assert check_lines(lines, CODES, {"technique": {"value": "chemodenervation"}}) == []


def test_an_addon_without_its_primary_is_refused():
    problems = check_lines([line("64643", site="Left lower extremity")], CODES, {})
    assert problems[0].message == (
        "64643 is an add-on code and needs its primary code 64642 or 64644 on the same note."
    )
    assert problems[0].fix == "Add 64642 or 64644, or remove 64643."
    assert blocking(problems) == problems


def test_a_code_that_needs_a_side_says_so():
    found = messages([line("64635", site="L4-L5")])
    assert "64635 needs a side." in found


def test_modifier_50_with_lt_or_rt_on_one_line():
    found = messages([line("64635", side="bilateral", modifiers=["50", "LT"], site="L4-L5")])
    assert "64635: modifier 50 and LT/RT on one line contradict each other." in found


def test_bilateral_needs_50_and_is_refused_where_the_indicator_forbids_it():
    assert "64635 is bilateral but has no modifier 50." in messages(
        [line("64635", side="bilateral", site="L4-L5")]
    )
    found = messages([line("64681", side="bilateral", modifiers=["50"])])
    assert "64681 cannot be reported bilaterally (CMS bilateral indicator 0)." in found
    assert "Modifier 50 does not apply to 64681." in found


def test_a_bilateral_facet_level_is_one_line_not_two():
    found = messages(
        [
            line("64635", side="left", modifiers=["LT"], site="L4-L5"),
            line("64635", side="right", modifiers=["RT"], site="L4-L5"),
        ]
    )
    assert "64635 appears twice, once per side." in found


def test_units_beyond_the_unit_of_service():
    found = messages(
        [line("64642", site="Left upper extremity"), line("64643", units=4, site="x")]
    )
    assert any(m.startswith("64643 allows at most 3 units per day") for m in found)
    assert any(
        m.startswith("64681 allows at most 1 unit per day")
        for m in messages([line("64681", units=2)])
    )


def test_per_nerve_codes_need_one_named_nerve_per_unit():
    found = messages([line("64640", side="left", units=2, site="suprascapular nerve")])
    assert "64640 is billed per nerve: 2 units but 1 named." in found
    assert (
        messages(
            [
                line(
                    "64640",
                    side="left",
                    units=2,
                    site="suprascapular nerve, lateral pectoral nerve",
                )
            ]
        )
        == []
    )


@pytest.mark.parametrize(
    ("technique", "fix"),
    [
        ("pulsed_rf", "Pulsed RF is not destructive: report the unlisted code 64999 instead."),
        ("cryo", "Medicare does not accept cryoneurolysis as 64640: use 0440T-0442T."),
        ("chemical", None),
    ],
)
def test_a_technique_the_code_does_not_cover(technique, fix):
    lines = [line("64640", side="left", site="genitofemoral nerve")]
    problems = check_lines(lines, CODES, {"technique": {"value": technique}})
    if fix is None:
        assert problems == []
    else:
        assert problems[0].message.startswith("64640 does not cover")
        assert problems[0].fix == fix


def test_chemical_facet_neurolysis_is_not_a_facet_code():
    lines = [line("64635", side="left", modifiers=["LT"], site="L4-L5")]
    problems = check_lines(lines, CODES, {"technique": {"value": "chemical"}})
    assert [p.message for p in problems] == ["64635 does not cover chemical neurolysis."]


def test_11_and_26_are_explained():
    found = messages([line("64681", modifiers=["11", "26"])])
    assert "11 is not a modifier: it is the place-of-service code for an office." in found
    assert "Modifier 26 does not apply to 64681 (no professional/technical split)." in found


def test_side_and_modifier_must_agree():
    found = messages([line("64635", side="left", modifiers=["RT"], site="L5-S1")])
    assert "64635: side is left but the modifier says RT." in found


def test_the_site_the_code_needs_must_be_named():
    assert "64635 must name the facet joint level." in messages(
        [line("64635", side="left", modifiers=["LT"])]
    )


@pytest.mark.parametrize(
    ("sides", "said", "expected"),
    [
        (["right"], "left", "Side treated says left, but the code lines say right."),
        (["left"], "bilateral", "Side treated says both sides, but the code lines say left."),
        (["bilateral"], "right", "Side treated says right, but the code lines say both sides."),
        (["left", "right"], "left", "Side treated says left, but the code lines say both sides."),
        (["left"], "midline", "Side treated says midline, but the code lines say left."),
    ],
)
def test_the_side_treated_must_be_the_side_billed(sides, said, expected):
    lines = [line("64635", side=side, site=f"L{n}-L{n + 1}") for n, side in enumerate(sides, 3)]
    problems = check_lines(lines, CODES, {"procedure_side": {"value": said}})
    problem = next(p for p in problems if p.field == "procedure_side")
    assert problem.message == expected
    assert problem.fix == "Correct the side treated, or the side (and LT/RT/50) on the code lines."
    assert blocking([problem]) == [problem]


@pytest.mark.parametrize(
    ("sides", "said"),
    [
        (["left"], "left"),
        (["left", "right"], "bilateral"),
        (["bilateral"], "bilateral"),
        ([], "midline"),
    ],
)
def test_a_side_treated_that_agrees_with_the_lines_is_no_problem(sides, said):
    lines = [line("64635", side=side) for side in sides] or [line("64681")]
    problems = check_lines(lines, CODES, {"procedure_side": {"value": said}})
    assert not [p for p in problems if p.field == "procedure_side"]
