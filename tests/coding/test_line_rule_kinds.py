"""Each line rule kind of coding.line_rules called directly on small hand-built claims (a
made-up catalog of three codes, no database), asserting the whole list of problems."""

from coding.claim import Claim, Line
from coding.line_rules import (
    effective_technique,
    laterality,
    modifiers,
    site_levels,
    site_named,
    site_side,
    technique,
    units,
)
from coding.problems import CodingProblem
from coding.scrub import scrub

CODES = {
    "A1": {  # one side per line, modifiers LT/RT/59/XS/GA/GZ
        "laterality": "side_required",
        "bilateral_indicator": 0,
        "modifiers": ["LT", "RT", "59", "XS", "GA", "GZ"],
        "techniques": ["chemical"],
    },
    "B2": {  # bilateral allowed with 50
        "laterality": "bilateral_allowed",
        "bilateral_indicator": 1,
        "modifiers": ["50", "LT", "RT"],
        "techniques": ["thermal_rf", "chemical"],
        "site_label": "Spinal level",
        "site_choices": ["L3-L4", "L4-L5", "L5-S1"],
        "billing": {
            "region": "lumbar or sacral",
            "strict_sites": True,
            "sites": "per_unit",
            "daily_units_fix": "FIX-B2",
            "daily_units_source": "SRC-B2",
        },
    },
    "C3": {  # no side
        "laterality": "none",
        "bilateral_indicator": 9,
        "modifiers": [],
        "techniques": ["chemodenervation"],
        "site_label": "Nerve",
        "site_choices": ["Tibial nerve", "Radial nerve"],
        "billing": {
            "region": "nerves",
            "sites": "one",
            "daily_units_fix": "FIX-C3",
            "daily_units_source": "SRC-C3",
        },
    },
    "D4": {  # up to two sites, not strict
        "laterality": "side_required",
        "modifiers": ["LT", "RT"],
        "techniques": ["cryo"],
        "billing": {
            "region": "knee",
            "sites": "up_to_two",
            "daily_units_fix": "FIX-D4",
            "daily_units_source": "SRC-D4",
        },
    },
    "64632": {"laterality": "side_required", "modifiers": ["LT", "RT"]},
    "C5": {
        "laterality": "side_required",
        "site_choices": ["C5-C6", "C6-C7"],
        "billing": {
            "region": "cervical",
            "strict_sites": True,
            "sites": "per_unit",
            "daily_units_source": "SRC-C5",
        },
    },
}
RULES = {
    "modifiers": {
        "LT": {"kind": "side", "meaning": "left side"},
        "RT": {"kind": "side", "meaning": "right side"},
        "50": {"kind": "bilateral", "meaning": "bilateral procedure"},
        "59": {"kind": "distinct", "meaning": "distinct procedure"},
        "XS": {"kind": "distinct", "meaning": "separate structure"},
        "GA": {"kind": "abn", "meaning": "ABN on file"},
        "GZ": {"kind": "abn", "meaning": "no ABN"},
        "KX": {"kind": "payer", "meaning": "requirements met"},
        "T1": {"kind": "digit", "meaning": "left foot second digit"},
        "JW": {"kind": "drug_line", "meaning": "drug wasted", "fix": "Put JW on the drug line."},
        "25": {"kind": "em_line", "meaning": "separate E/M", "fix": "Put 25 on the E/M line."},
        "AA": {"kind": "not_a_modifier", "meaning": "anesthesia", "fix": "FIX-AA"},
        "NA": {"kind": "not_applicable", "meaning": "n/a", "fix": ""},
    },
    "techniques": {"cryo": {"fix": "Use the cryo code.", "severity": "warning", "source": "S"}},
    "site_codes": {"C5-C6": ["C5", "Z9"]},
}


def claim(*lines, answers=None, rules=RULES):
    return Claim(
        lines=tuple(Line(**{"index": i, **line}) for i, line in enumerate(lines)),
        codes=CODES,
        rules=rules,
        answers={k: {"value": v} for k, v in (answers or {}).items()},
    )


def run(check, answers=None, rules=RULES, **line):
    made = claim(line, answers=answers, rules=rules)
    return check(made, made.lines[0])


def P(message, fix, field, rule, severity="error", line=0, source=""):
    return CodingProblem(message, fix, line, field, severity, rule, source)


def test_units_zero_negative_and_one():
    refused = P("A1: units must be at least 1.", "Enter 1 or more.", "units", "units")
    assert run(units, code="A1", units=0) == [refused]
    assert run(units, code="A1", units=-1) == [refused]
    assert run(units, code="A1", units=1) == []


def test_laterality_clean_lines():
    assert run(laterality, code="A1", side="left", modifiers=("LT",)) == []
    assert run(laterality, code="A1", side="right", modifiers=("RT",)) == []
    assert run(laterality, code="B2", side="bilateral", modifiers=("50",)) == []
    assert run(laterality, code="C3") == []
    assert run(laterality, code="A1", side="left") == []


def test_laterality_needs_a_side():
    assert run(laterality, code="A1") == [
        P("A1 needs a side.", "Choose left, right on the A1 line.", "side", "side")
    ]
    assert run(laterality, code="B2", modifiers=("50",)) == [
        P("B2 needs a side.", "Choose left, right or bilateral on the B2 line.", "side", "side")
    ]


def test_laterality_no_side_code_given_a_side():
    for side in ("left", "right", "bilateral"):
        assert run(laterality, code="C3", side=side) == [
            P(
                f"C3 has no side to report ({side} given).",
                "Clear the side on the line; record the side treated in the note.",
                "side",
                "side",
                "warning",
            )
        ]
    assert run(laterality, code="C3", side="midline") == []


def test_laterality_bilateral_on_a_one_side_code():
    assert run(laterality, code="A1", side="bilateral") == [
        P(
            "A1 cannot be reported bilaterally on one line (CMS bilateral indicator 0).",
            "Report one line per side, with LT on one and RT on the other.",
            "side",
            "side",
        )
    ]


def test_laterality_modifier_contradictions():
    assert run(laterality, code="B2", side="bilateral", modifiers=("50", "LT")) == [
        P(
            "B2: modifier 50 and LT/RT on one line contradict each other.",
            "Use 50 alone for both sides, or LT or RT alone for one side.",
            "modifiers",
            "side-modifiers",
        )
    ]
    assert run(laterality, code="B2", side="bilateral", modifiers=("LT", "RT")) == [
        P(
            "B2: LT and RT on one line.",
            "Use modifier 50 on one line for both sides.",
            "modifiers",
            "side-modifiers",
        ),
        P(
            "B2 is bilateral but has no modifier 50.",
            "Add modifier 50 (one line, one unit per level, for both sides).",
            "modifiers",
            "side-modifiers",
        ),
        P(
            "B2: the side is bilateral but the modifier says LT/RT.",
            "Use modifier 50 for both sides.",
            "modifiers",
            "side-modifiers",
        ),
    ]
    assert run(laterality, code="B2", side="bilateral") == [
        P(
            "B2 is bilateral but has no modifier 50.",
            "Add modifier 50 (one line, one unit per level, for both sides).",
            "modifiers",
            "side-modifiers",
        )
    ]


def test_laterality_wrong_side_modifier_and_50_on_one_side():
    assert run(laterality, code="A1", side="left", modifiers=("RT",)) == [
        P(
            "A1: the side is left but the modifier says RT.",
            "Use LT for the left side.",
            "modifiers",
            "side-modifiers",
        )
    ]
    assert run(laterality, code="A1", side="right", modifiers=("LT",)) == [
        P(
            "A1: the side is right but the modifier says LT.",
            "Use RT for the right side.",
            "modifiers",
            "side-modifiers",
        )
    ]
    assert run(laterality, code="B2", side="right", modifiers=("50",)) == [
        P(
            "B2: modifier 50 on a one-sided line.",
            "Remove 50, or set the side to bilateral.",
            "modifiers",
            "side-modifiers",
        )
    ]
    assert run(laterality, code="B2", side="left", modifiers=("50",)) == [
        P(
            "B2: modifier 50 on a one-sided line.",
            "Remove 50, or set the side to bilateral.",
            "modifiers",
            "side-modifiers",
        )
    ]


def refused(mod, meaning, fix, code="A1"):
    return P(f"Modifier {mod} ({meaning}) does not go on {code}.", fix, "modifiers", "modifier")


def test_modifiers_allowed_yield_nothing():
    assert run(modifiers, code="A1", modifiers=("LT", "XS", "GA")) == []
    assert run(modifiers, code="A1", modifiers=()) == []


def test_modifiers_unknown():
    assert run(modifiers, code="A1", modifiers=("ZZ",)) == [
        P(
            "Modifier ZZ is not one we know for A1.",
            "Check it with the payer; modifiers for A1: LT, RT, 59, XS, GA, GZ.",
            "modifiers",
            "modifier",
            "warning",
        )
    ]
    assert run(modifiers, code="C3", modifiers=("ZZ",), rules={}) == [
        P(
            "Modifier ZZ is not one we know for C3.",
            "Check it with the payer; modifiers for C3: none.",
            "modifiers",
            "modifier",
            "warning",
        )
    ]
    assert run(modifiers, code="C3", modifiers=("ZZ",), rules=None) == run(
        modifiers, code="C3", modifiers=("ZZ",), rules={}
    )


def test_modifiers_refused_kinds():
    assert run(modifiers, code="A1", modifiers=("JW",)) == [
        refused("JW", "drug wasted", "Put JW on the drug line.")
    ]
    assert run(modifiers, code="A1", modifiers=("25",)) == [
        refused("25", "separate E/M", "Put 25 on the E/M line.")
    ]
    assert run(modifiers, code="A1", modifiers=("AA",)) == [refused("AA", "anesthesia", "FIX-AA")]
    assert run(modifiers, code="A1", modifiers=("NA",)) == [refused("NA", "n/a", "")]
    assert run(modifiers, code="C3", modifiers=("LT",)) == [
        P("C3 has no side: modifier LT does not apply.", "Remove it.", "modifiers", "modifier")
    ]
    assert run(modifiers, code="C3", modifiers=("50",)) == [
        P(
            "Modifier 50 does not apply to C3 (CMS bilateral indicator 9).",
            "Report one line per side with LT and RT instead.",
            "modifiers",
            "modifier",
        )
    ]
    assert run(modifiers, code="A1", modifiers=("T1",)) == [
        P(
            "Modifier T1 names a finger or toe; A1 is not billed per digit.",
            "Remove it.",
            "modifiers",
            "modifier",
        )
    ]
    assert run(modifiers, code="64632", modifiers=("T1",)) == [
        P(
            "Digit modifier T1 on 64632: 64632 is billed per web space, and whether payers "
            "want toe modifiers on it is UNCONFIRMED.",
            "Use LT/RT and record the web space treated; keep the toe modifier only if the "
            "payer asks for it.",
            "modifiers",
            "modifier",
            "warning",
        )
    ]
    assert run(modifiers, code="A1", modifiers=("KX",)) == [
        P(
            "Modifier KX (requirements met) is not expected on A1.",
            "Keep it only if the payer asks for it; modifiers for A1: LT, RT, 59, XS, GA, GZ.",
            "modifiers",
            "modifier",
            "warning",
        )
    ]


DIGIT_WITH_SIDE = P(
    "64632: digit modifiers (TA, T1-T9, FA, F1-F9) cannot go with LT/RT or 59/X.",
    "Keep the digit modifier or the side modifier, not both.",
    "modifiers",
    "modifier",
)
DIGIT_64632 = run(modifiers, code="64632", modifiers=("T1",))[0]


def test_modifiers_combinations():
    assert run(modifiers, code="64632", modifiers=("T1", "LT")) == [DIGIT_64632, DIGIT_WITH_SIDE]
    assert run(modifiers, code="64632", modifiers=("LT", "T1")) == [DIGIT_64632, DIGIT_WITH_SIDE]
    assert run(modifiers, code="64632", modifiers=("T1", "XS"))[-1] == DIGIT_WITH_SIDE
    assert run(modifiers, code="64632", modifiers=("T1", "59"))[-1] == DIGIT_WITH_SIDE
    assert run(modifiers, code="A1", modifiers=("59", "XS")) == [
        P(
            "A1: 59 together with an X modifier.",
            "Use the X modifier (XE, XP, XS or XU) alone: it replaces 59.",
            "modifiers",
            "modifier",
            "warning",
        )
    ]
    assert run(modifiers, code="A1", modifiers=("59", "LT")) == []
    assert run(modifiers, code="A1", modifiers=("GA", "GZ")) == [
        P(
            "A1: GA (an ABN is on file) and GZ (no ABN) contradict each other.",
            "Keep GA if the patient signed an ABN, GZ if not.",
            "modifiers",
            "modifier",
        )
    ]
    assert run(modifiers, code="A1", modifiers=("GA",)) == []
    assert run(modifiers, code="A1", modifiers=("LT", "LT")) == [
        P("A1: a modifier is listed twice.", "List each modifier once.", "modifiers", "modifier")
    ]


def test_effective_technique():
    def eff(answer, *lines):
        made = claim(*lines, answers={"technique": answer} if answer else None)
        return effective_technique(made, made.lines[0])

    assert eff("chemical", {"code": "A1", "technique": "cryo"}) == "cryo"
    assert eff("chemical", {"code": "A1"}) == "chemical"
    assert eff(None, {"code": "A1"}) == ""
    # The answer is another line's: this line's only technique.
    assert eff("chemical", {"code": "C3"}, {"code": "A1"}) == "chemodenervation"
    # The other line has its own technique: it does not explain the answer.
    assert eff("chemical", {"code": "C3"}, {"code": "A1", "technique": "chemical"}) == "chemical"
    # No other line covers it.
    assert eff("cryo", {"code": "C3"}, {"code": "A1"}) == "cryo"
    # Two techniques on this code: no guess.
    assert eff("cryo", {"code": "B2"}, {"code": "D4"}) == "cryo"
    # The line itself does not explain its own answer.
    assert eff("chemical", {"code": "C3"}) == "chemical"


def test_technique():
    assert run(technique, code="A1", technique="chemical") == []
    assert run(technique, code="A1") == []
    assert run(technique, code="B2", technique="pulsed_rf") == [
        P(
            "B2 does not cover pulsed radiofrequency.",
            "B2 covers only: conventional (thermal) radiofrequency, chemical neurolysis. "
            "Choose the code that describes what was done.",
            "technique",
            "technique",
        )
    ]
    assert run(technique, code="A1", technique="cryo") == [
        P(
            "A1 does not cover cryoneurolysis.",
            "Use the cryo code.",
            "technique",
            "technique",
            "warning",
            source="S",
        )
    ]
    assert run(technique, code="A1", technique="laser", rules=None) == [
        P(
            "A1 does not cover laser.",
            "A1 covers only: chemical neurolysis. Choose the code that describes what was done.",
            "technique",
            "technique",
        )
    ]
    assert run(technique, code="64632", technique="cryo", rules={"techniques": {}}) == [
        P(
            "64632 does not cover cryoneurolysis.",
            "64632 covers only: . Choose the code that describes what was done.",
            "technique",
            "technique",
        )
    ]


def test_site_named():
    assert run(site_named, code="B2") == [
        P(
            "B2 must name the spinal level.",
            "Fill in “Spinal level” on the B2 line.",
            "site",
            "site",
        )
    ]
    assert run(site_named, code="B2", site="L4-L5") == []
    assert run(site_named, code="A1") == []


def test_site_levels_clean_and_per_unit_counts():
    assert run(site_levels, code="B2", units=2, site="L4-5, L5-S1") == []
    assert run(site_levels, code="B2", units=1, site="") == []
    assert run(site_levels, code="A1", units=1, site="anything") == []
    assert run(site_levels, code="B2", units=1, site="L4-L5, L5-S1") == [
        P(
            "B2 is billed per site: 1 unit but 2 named (L4-L5, L5-S1).",
            "Make the units the number of sites named, one per unit (with 50, one unit covers "
            "both sides of a site).",
            "units",
            "site-count",
            source="SRC-B2",
        )
    ]
    assert run(site_levels, code="B2", units=3, site="L4-L5") == [
        P(
            "B2 is billed per site: 3 units but 1 named (L4-L5).",
            "Make the units the number of sites named, one per unit (with 50, one unit covers "
            "both sides of a site).",
            "units",
            "site-count",
            source="SRC-B2",
        )
    ]
    assert run(site_levels, code="B2", units=0, site="L4-L5") == []


def test_site_levels_unit_kind_named():
    codes = {**CODES, "B2": {**CODES["B2"], "unit_kind": "joint_level"}}
    made = Claim(lines=(Line("B2", 2, site="L4-L5", index=0),), codes=codes, rules=RULES)
    assert site_levels(made, made.lines[0])[0].message == (
        "B2 is billed per joint level: 2 units but 1 named (L4-L5)."
    )


def test_site_levels_wrong_region_and_unknown_site():
    assert run(site_levels, code="B2", units=1, site="T7-T8") == [
        P(
            "T7-T8 is a thoracic level: B2 covers the lumbar or sacral.",
            "Check the level; B2 covers L3-L4 to L5-S1.",
            "site",
            "site-region",
        )
    ]
    assert run(site_levels, code="B2", units=1, site="C5-6") == [
        P(
            "C5-C6 is a cervical level: B2 covers the lumbar or sacral.",
            "Bill C5-C6 on C5 / Z9.",
            "site",
            "site-region",
            source="facet-code-structure",
        )
    ]
    assert run(site_levels, code="B2", units=2, site="knee, L4-L5") == [
        P(
            "“knee” is not a site B2 covers (lumbar or sacral).",
            "Name it as one of: L3-L4, L4-L5, L5-S1.",
            "site",
            "site-region",
            "warning",
        )
    ]
    assert run(site_levels, code="C3", units=1, site="Tibial") == []


def test_site_levels_site_counts_at_and_over_the_limit():
    assert run(site_levels, code="C3", units=1, site="Tibial nerve") == []
    assert run(site_levels, code="C3", units=1, site="Tibial nerve, Radial nerve") == [
        P(
            "C3 covers one site, but 2 are named (Tibial nerve, Radial nerve).",
            "FIX-C3",
            "site",
            "site-count",
            source="SRC-C3",
        )
    ]
    assert run(site_levels, code="D4", units=1, site="a, b") == []
    assert run(site_levels, code="D4", units=1, site="a, b, c") == [
        P(
            "D4 covers at most two sites, but 3 are named.",
            "FIX-D4",
            "site",
            "site-count",
            source="SRC-D4",
        )
    ]


def test_site_side():
    assert run(site_side, code="A1", side="left", site="Left knee") == []
    assert run(site_side, code="A1", side="left", site="knee") == []
    assert run(site_side, code="A1", side="", site="Left knee") == []
    assert run(site_side, code="A1", side="midline", site="Left knee") == []
    assert run(site_side, code="B2", side="bilateral", site="left and right knee") == []
    assert run(site_side, code="A1", side="left", site="Right knee") == [
        P(
            "A1: the line is left but the site says “Right knee”.",
            "Correct the site or the side (and its LT/RT) so they name the side treated.",
            "site",
            "site-side",
        )
    ]
    assert run(site_side, code="A1", side="right", site="left and right") == [
        P(
            "A1: the line is right but the site says “left and right”.",
            "Correct the site or the side (and its LT/RT) so they name the side treated.",
            "site",
            "site-side",
        )
    ]
    assert run(site_side, code="B2", side="bilateral", site="Right knee") == [
        P(
            "B2: the line is bilateral but the site names only the right side (“Right knee”).",
            "Name both sides in the site, or set the side to the one treated.",
            "site",
            "site-side",
        )
    ]


def test_scrub_goes_on_after_an_unknown_code_and_judges_the_claim_without_it():
    made = Claim(
        lines=(
            Line("Z9", 1, side="right", index=0),
            Line("A1", 0, ("LT",), side="left", index=1),
        ),
        codes=CODES,
        rules=RULES,
        answers={"procedure_side": {"value": "left"}},
    )
    assert scrub(made) == [
        P("Z9 is not in this note's catalog.", "Remove the line.", "code", "unknown-code"),
        P("A1: units must be at least 1.", "Enter 1 or more.", "units", "units", line=1),
    ]


def test_one_side_modifier_on_a_bilateral_line_is_named_alone():
    assert run(laterality, code="B2", side="bilateral", modifiers=("LT",)) == [
        P(
            "B2 is bilateral but has no modifier 50.",
            "Add modifier 50 (one line, one unit per level, for both sides).",
            "modifiers",
            "side-modifiers",
        ),
        P(
            "B2: the side is bilateral but the modifier says LT.",
            "Use modifier 50 for both sides.",
            "modifiers",
            "side-modifiers",
        ),
    ]


def test_every_modifier_is_judged_after_an_unknown_one():
    assert run(modifiers, code="A1", modifiers=("ZZ", "JW")) == [
        P(
            "Modifier ZZ is not one we know for A1.",
            "Check it with the payer; modifiers for A1: LT, RT, 59, XS, GA, GZ.",
            "modifiers",
            "modifier",
            "warning",
        ),
        refused("JW", "drug wasted", "Put JW on the drug line."),
    ]


def test_every_site_is_judged_after_a_matching_one():
    assert run(site_levels, code="B2", units=2, site="L4-L5, T7-T8") == [
        P(
            "T7-T8 is a thoracic level: B2 covers the lumbar or sacral.",
            "Check the level; B2 covers L3-L4 to L5-S1.",
            "site",
            "site-region",
        )
    ]


def test_strict_sites_with_one_choice_or_none():
    one = {"laterality": "none", "site_choices": ["L4-L5"], "billing": CODES["C5"]["billing"]}
    made = Claim(lines=(Line("E6", site="L2-L3", index=0),), codes={"E6": one}, rules={})
    assert site_levels(made, made.lines[0]) == [
        P(
            "L2-L3 is a lumbar level: E6 covers the cervical.",
            "Check the level; E6 covers L4-L5 to L4-L5.",
            "site",
            "site-region",
        )
    ]
    none = {**one, "site_choices": []}
    made = Claim(lines=(Line("E6", site="L2-L3", index=0),), codes={"E6": none}, rules={})
    assert site_levels(made, made.lines[0]) == [
        P(
            "“L2-L3” is not a site E6 covers (cervical).",
            "Name it as one of: .",
            "site",
            "site-region",
            "warning",
        )
    ]


def test_a_technique_without_a_name_is_shown_by_its_key():
    codes = {"E6": {"techniques": ["laser", "cryo"]}}
    made = Claim(lines=(Line("E6", technique="chemical", index=0),), codes=codes, rules={})
    assert technique(made, made.lines[0]) == [
        P(
            "E6 does not cover chemical neurolysis.",
            "E6 covers only: laser, cryoneurolysis. Choose the code that describes what was done.",
            "technique",
            "technique",
        )
    ]
