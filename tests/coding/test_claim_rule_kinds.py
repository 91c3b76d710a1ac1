"""Each claim rule kind of coding.claim_rules called directly on small hand-built claims (a
made-up catalog, no database), asserting the whole list of problems."""

import datetime

from coding.claim import Claim, Line
from coding.claim_rules import (
    addon_primary,
    caps,
    cpt_year,
    daily_units,
    guidance,
    pairs,
    primary_and_addon_same_level,
    reduced,
    side_answer,
    sites_billed_twice,
)
from coding.problems import CodingProblem


def billing(limit, sites="per_unit", series="facet", **more):
    return {
        "daily_units": limit,
        "daily_units_fix": "Fix it.",
        "daily_units_source": "SRC",
        "sites": sites,
        "series": series,
        **more,
    }


CODES = {
    "P1": {"modifiers": ["50", "LT", "RT"], "billing": billing(1, sites="one")},
    "A2": {"addon_of": ["P1"], "modifiers": ["LT", "RT"], "billing": billing(4)},
    "A3": {"addon_of": ["P1", "P4"], "billing": billing(3, series="limb")},
    "P4": {"billing": billing(2, daily_units_confirmed=False, series="limb")},
    "N5": {"modifiers": ["LT", "RT"]},  # no billing facts
}
RULES = {
    "addon_primaries": [
        {
            "addon": "A3",
            "primary": "N5",
            "message": "A3 on N5 is doubtful.",
            "fix": "Check N5.",
            "severity": "warning",
            "source": "S-ADD",
        }
    ],
    "caps": [
        {
            "codes": ["A2", "A3"],
            "max": 3,
            "message": "add-on units",
            "fix": "Cap.",
            "source": "S-CAP",
        },
        {
            "codes": ["P4"],
            "max": 1,
            "message": "P4 units",
            "fix": "Cap P4.",
            "source": "S-C2",
            "confirmed": False,
        },
    ],
    "pairs": [
        {
            "codes": ["P1", "P4"],
            "kind": "exclusive",
            "message": "P1 excludes P4.",
            "fix": "Pick one.",
            "source": "S-P",
        },
        {
            "codes": ["P1", "N5"],
            "kind": "bundled",
            "message": "N5 bundles into P1.",
            "fix": "Add 59.",
            "source": "S-B",
        },
        {
            "codes": ["P4", "N5"],
            "kind": "bundled",
            "message": "N5 with P4.",
            "fix": "XS?",
            "source": "S-B2",
            "confirmed": False,
        },
    ],
    "guidance": [
        {
            "in": ["ultrasound"],
            "codes": ["P1", "A2"],
            "message": "{code} not {guidance}.",
            "fix": "G-fix",
            "severity": "error",
            "source": "S-G",
        },
        {
            "not_in": ["fluoroscopy", "ct"],
            "codes": ["P4"],
            "message": "{code} {guidance}.",
            "fix": "G2",
            "severity": "warning",
            "source": "S-G2",
        },
    ],
    "reduced": [
        {
            "codes": ["P4"],
            "element": "nerves",
            "count": ["a", "b", "c"],
            "min": 3,
            "message": "{count} nerves.",
            "fix": "Add 52.",
            "source": "S-R",
        },
    ],
}


def claim(*lines, answers=None, rules=RULES, day=None, year=None):
    """Lines as (code, units, side, site, modifiers, note) with defaults."""
    built, index = [], 0
    for spec in lines:
        code, units, side, site, mods, note = (*spec, *[None] * (6 - len(spec)))
        own = note is None
        built.append(
            Line(
                code,
                1 if units is None else units,
                tuple((mods or "").split()),
                side or "",
                site or "",
                index=index if own else None,
                note_id=note,
            )
        )
        index += own
    return Claim(
        lines=tuple(built),
        codes=CODES,
        rules=rules,
        answers={k: {"value": v} for k, v in (answers or {}).items()},
        date_of_service=day,
        cpt_year=year,
    )


def P(message, fix, line, field, rule, severity="error", source=""):
    return CodingProblem(message, fix, line, field, severity, rule, source)


def test_addon_primary():
    assert addon_primary(claim(("P1",), ("A2",))) == []
    assert addon_primary(claim(("A2",), ("P1", 1, "", "", "", 4))) == []
    assert addon_primary(claim(("P1",))) == []
    assert addon_primary(claim(("N5",), ("A2",))) == [
        P(
            "A2 is an add-on code and needs its primary code P1 on the same date of service.",
            "Add P1, or remove A2.",
            1,
            "code",
            "addon",
        )
    ]
    assert addon_primary(claim(("A3",))) == [
        P(
            "A3 is an add-on code and needs its primary code P1 or P4 or N5 on the same date "
            "of service.",
            "Add P1 or P4 or N5, or remove A3.",
            0,
            "code",
            "addon",
        )
    ]
    # The tolerated primary counts, with its warning; not when a real primary is there.
    assert addon_primary(claim(("A3",), ("N5",))) == [
        P("A3 on N5 is doubtful.", "Check N5.", 0, "code", "addon-primary", "warning", "S-ADD")
    ]
    assert addon_primary(claim(("A3",), ("N5",), ("P4",))) == []
    assert addon_primary(claim(("N5",), ("A3", 1, "", "", "", 3))) == []
    assert addon_primary(claim(("A3",), ("N5",), rules=None)) == [
        P(
            "A3 is an add-on code and needs its primary code P1 or P4 on the same date of "
            "service.",
            "Add P1 or P4, or remove A3.",
            0,
            "code",
            "addon",
        )
    ]


def test_daily_units_at_and_over_the_limit():
    assert daily_units(claim(("A2", 4))) == []
    assert daily_units(claim(("A2", 5))) == [
        P(
            "A2 is billed 5 units this date of service; it allows 4.",
            "Fix it.",
            0,
            "units",
            "daily-units",
            source="SRC",
        )
    ]
    assert daily_units(claim(("A2", 2), ("A2", 2))) == []
    assert daily_units(claim(("N5", 9), ("A2", 3), ("A2", 2, "", "", "", 8))) == [
        P(
            "A2 is billed 5 units on 2 lines (line 2, note 8) this date of service; it allows 4.",
            "Fix it.",
            1,
            "units",
            "daily-units",
            source="SRC",
        )
    ]
    # Negative units count as nothing; lines of other notes alone are not reported.
    assert daily_units(claim(("A2", 5), ("A2", -3))) == [
        P(
            "A2 is billed 5 units on 2 lines (line 1, line 2) this date of service; it allows 4.",
            "Fix it.",
            0,
            "units",
            "daily-units",
            source="SRC",
        )
    ]
    assert daily_units(claim(("N5",), ("A2", 9, "", "", "", 3))) == []
    assert daily_units(claim(("P4", 3))) == [
        P(
            "P4 is billed 3 units this date of service; it allows 2 (a practical ceiling, "
            "UNCONFIRMED).",
            "Fix it.",
            0,
            "units",
            "daily-units",
            "warning",
            "SRC",
        )
    ]


def test_daily_units_advice():
    both = claim(("P1", 1, "left", "L4-L5"), ("P1", 1, "right", "l4-5"))
    assert daily_units(both)[0].fix == (
        "Report both sides of L4-L5 on one P1 line with modifier 50 and 1 unit."
    )
    same_side = claim(("P1", 1, "left", "L4-L5"), ("P1", 1, "left", "L4-L5"))
    assert daily_units(same_side)[0].fix == "Fix it."
    moved = claim(("P1", 1, "left", "L4-L5"), ("P1", 1, "right", "L5-S1, L4-L5, L5-S1"))
    assert daily_units(moved)[0].fix == "Keep L4-L5 on P1 and move L5-S1: fix it."
    three = claim(("P1", 1, "left", "L4-L5"), ("P1", 1, "right", "L4-L5"), ("P1", 1, "", "L4-L5"))
    assert daily_units(three)[0].fix == "Fix it."
    unnamed = claim(("P1", 1, "left", ""), ("P1", 1, "right", ""))
    assert daily_units(unnamed)[0].fix == "Fix it."
    no_50 = claim(("A2", 3, "left", "L4-L5"), ("A2", 2, "right", "L4-L5"))
    assert daily_units(no_50)[0].fix == "Fix it."
    per_unit = claim(("A2", 3, "left", "L4-L5"), ("A2", 2, "left", "L5-S1"))
    assert daily_units(per_unit)[0].fix == "Fix it."


def test_caps_at_and_over():
    assert caps(claim(("P1",), ("A2", 2), ("A3", 1))) == []
    assert caps(claim(("P1",), ("A2", 2), ("A3", 2))) == [
        P(
            "4 add-on units on this date of service; at most 3.",
            "Cap.",
            1,
            "units",
            "cap",
            source="S-CAP",
        )
    ]
    assert caps(claim(("P1",), ("A2", 2), ("A3", -1))) == []
    assert caps(claim(("P1",), ("A2", 4, "", "", "", 2))) == []
    assert caps(claim(("P4", 2))) == [
        P(
            "2 P4 units on this date of service; at most 1.",
            "Cap P4.",
            0,
            "units",
            "cap",
            "warning",
            "S-C2",
        )
    ]
    assert caps(claim(("P4", 2), rules=None)) == []


def test_pairs():
    assert pairs(claim(("P1",))) == []
    assert pairs(claim(("P1",), ("P4",))) == [
        P("P1 excludes P4.", "Pick one.", 1, "code", "pair-exclusive", source="S-P")
    ]
    assert pairs(claim(("P1",), ("P4", 1, "", "", "", 5))) == [
        P("P1 excludes P4.", "Pick one.", 0, "code", "pair-exclusive", source="S-P")
    ]
    # P1 and P4 on other notes only: their exclusive pair is not this note's.
    assert pairs(claim(("N5",), ("P1", 1, "", "", "", 5), ("P4", 1, "", "", "", 6))) == [
        P("N5 bundles into P1.", "Add 59.", 0, "modifiers", "pair-bundled", source="S-B"),
        P("N5 with P4.", "XS?", 0, "modifiers", "pair-bundled", "warning", "S-B2"),
    ]
    assert pairs(claim(("P1",), ("N5", 1, "", "", "XS"))) == []
    assert pairs(claim(("P1",), ("N5", 1, "", "", "59"), ("N5", 1, "", "", "LT"))) == [
        P("N5 bundles into P1.", "Add 59.", 1, "modifiers", "pair-bundled", source="S-B")
    ]
    assert pairs(claim(("P4",), ("N5",))) == [
        P("N5 with P4.", "XS?", 1, "modifiers", "pair-bundled", "warning", "S-B2")
    ]
    assert pairs(claim(("P4",), ("N5",), rules=None)) == []


def test_sites_billed_twice():
    assert sites_billed_twice(claim(("P1", 1, "left", "L4-L5"), ("A2", 1, "left", "L5-S1"))) == []
    assert sites_billed_twice(claim(("P1", 1, "left", "L4-L5"), ("A2", 1, "right", "L4-L5"))) == []
    assert sites_billed_twice(claim(("N5", 1, "left", "X"), ("N5", 1, "left", "X"))) == []
    # Another series: the same name is another site.
    assert sites_billed_twice(claim(("P1", 1, "left", "L4-L5"), ("P4", 1, "left", "L4-L5"))) == []
    assert sites_billed_twice(claim(("P1", 1, "left", "L4-L5"), ("A2", 1, "left", "l4-5"))) == [
        P(
            "l4-5 left billed twice: P1 (line 1) and A2 (line 2).",
            "Bill each site once: remove it from one line.",
            1,
            "site",
            "site-twice",
            source="facet-code-structure",
        )
    ]
    assert sites_billed_twice(
        claim(("P1", 1, "bilateral", "L4-L5"), ("A2", 2, "right", "L4-L5, L5-S1"))
    ) == [
        P(
            "L4-L5 right billed twice: P1 (line 1) and A2 (line 2).",
            "Bill each site once: remove it from one line.",
            1,
            "site",
            "site-twice",
            source="facet-code-structure",
        )
    ]
    # Either line on another note: reported on the note's own line.
    assert sites_billed_twice(claim(("A2", 1, "", "L4-L5"), ("P1", 1, "", "L4-L5", "", 7))) == [
        P(
            "L4-L5 billed twice: A2 (line 1) and P1 (note 7).",
            "Bill each site once: remove it from one line.",
            0,
            "site",
            "site-twice",
            source="facet-code-structure",
        )
    ]
    assert sites_billed_twice(claim(("P1", 1, "", "L4-L5", "", 7), ("A2", 1, "", "L4-L5"))) == [
        P(
            "L4-L5 billed twice: P1 (note 7) and A2 (line 1).",
            "Bill each site once: remove it from one line.",
            0,
            "site",
            "site-twice",
            source="facet-code-structure",
        )
    ]
    assert (
        sites_billed_twice(
            claim(("A2",), ("P1", 1, "", "L4-L5", "", 7), ("A2", 1, "", "L4-L5", "", 8))
        )
        == []
    )
    assert sites_billed_twice(claim(("A2", 2, "left", "L4-L5, l4-5, L4-L5"))) == [
        P("A2 names L4-L5 left twice.", "Name each site once.", 0, "site", "site-twice")
    ]
    assert (
        sites_billed_twice(claim(("A2", 2, "left", "L4-L5"), ("A2", 1, "", "L4-L5, L4-L5", "", 3)))
        == []
    )


def test_primary_and_addon_same_level():
    message = (
        "A2 (right) bills the level P1 (left) already bills: both sides of one level are one "
        "joint level with modifier 50, not an additional joint."
    )
    fix = "Report that level on one P1 line with modifier 50 and remove it from A2."
    expected = [P(message, fix, 1, "site", "addon-same-level", source="facet-code-structure")]
    assert (
        primary_and_addon_same_level(
            claim(("P1", 1, "left", "L4-L5"), ("A2", 1, "right", "l4-5, L5-S1"))
        )
        == expected
    )
    assert (
        primary_and_addon_same_level(claim(("P1", 1, "left", "L4-L5"), ("A2", 1, "left", "L4-L5")))
        == []
    )
    assert (
        primary_and_addon_same_level(
            claim(("P1", 1, "left", "L4-L5"), ("A2", 1, "right", "L5-S1"))
        )
        == []
    )
    assert (
        primary_and_addon_same_level(
            claim(("P1", 1, "bilateral", "L4-L5"), ("A2", 1, "right", "L4-L5"))
        )
        == []
    )
    assert (
        primary_and_addon_same_level(
            claim(("P1", 1, "left", "L4-L5"), ("A2", 1, "bilateral", "L4-L5"))
        )
        == []
    )
    assert (
        primary_and_addon_same_level(claim(("P1", 1, "left", "L4-L5"), ("A2", 1, "", "L4-L5")))
        == []
    )
    assert (
        primary_and_addon_same_level(claim(("P1", 1, "", "L4-L5"), ("A2", 1, "right", "L4-L5")))
        == []
    )


def test_guidance():
    assert guidance(claim(("P1",), ("A2",))) == []
    assert guidance(claim(("P1",), ("A2",), answers={"imaging_modality": "fluoroscopy"})) == []
    assert guidance(
        claim(("N5",), ("P1",), ("A2",), answers={"imaging_modality": "ultrasound"})
    ) == [
        P("P1 not under ultrasound.", "G-fix", 1, "imaging_modality", "guidance", "error", "S-G"),
        P("A2 not under ultrasound.", "G-fix", 2, "imaging_modality", "guidance", "error", "S-G"),
    ]
    assert (
        guidance(claim(("P1", 1, "", "", "", 4), answers={"imaging_modality": "ultrasound"})) == []
    )
    assert guidance(claim(("P4",), answers={"imaging_modality": "none"})) == [
        P("P4 without imaging.", "G2", 0, "imaging_modality", "guidance", "warning", "S-G2")
    ]
    assert guidance(claim(("P4",), answers={"imaging_modality": "emg"}))[0].message == (
        "P4 under needle EMG."
    )
    assert (
        guidance(claim(("P4",), answers={"imaging_modality": "electrical_stimulation"}))[0].message
        == "P4 under electrical stimulation."
    )
    assert guidance(claim(("P4",), answers={"imaging_modality": "ct"})) == []
    assert guidance(claim(("P4",), answers={"imaging_modality": "mri"}))[0].message == (
        "P4 under mri."
    )
    assert guidance(claim(("P4",), answers={"imaging_modality": "none"}, rules=None)) == []


def test_reduced():
    def run(nerves, mods=""):
        answers = {"nerves": nerves} if nerves is not None else None
        return reduced(claim(("N5",), ("P4", 1, "", "", mods), answers=answers))

    two = [P("2 nerves.", "Add 52.", 1, "modifiers", "reduced", "warning", "S-R")]
    assert run(["a", "b", "z"]) == two
    assert run(["a", "b", "b"]) == two
    assert run(["a", "b", "c"]) == []
    assert run(["a", "b", "z"], "52") == []
    assert run(None) == []
    assert run("a") == []
    assert reduced(claim(("P4",), answers={"nerves": []}, rules=None)) == []


def test_side_answer():
    wrong = P(
        "Side treated says left, but the code lines say both sides.",
        "Correct the side treated, or the side (and LT/RT/50) on the code lines.",
        None,
        "procedure_side",
        "side-answer",
    )
    assert side_answer(
        claim(("P1", 1, "left"), ("A2", 1, "right"), answers={"procedure_side": "left"})
    ) == [wrong]
    assert side_answer(claim(("P1", 1, "bilateral"), answers={"procedure_side": "left"})) == [
        wrong
    ]
    assert side_answer(claim(("P1", 1, "left"), answers={"procedure_side": "left"})) == []
    assert side_answer(claim(("P1", 1, "left"), answers={"procedure_side": "other"})) == []
    assert side_answer(claim(("P1", 1, "left"))) == []
    assert side_answer(claim(("P1",), answers={"procedure_side": "left"})) == []
    assert (
        side_answer(
            claim(
                ("P1", 1, "left"),
                ("P1", 1, "right", "", "", 3),
                answers={"procedure_side": "left"},
            )
        )
        == []
    )
    assert side_answer(claim(("P1", 1, "right"), answers={"procedure_side": "bilateral"})) == [
        P(
            "Side treated says both sides, but the code lines say right.",
            "Correct the side treated, or the side (and LT/RT/50) on the code lines.",
            None,
            "procedure_side",
            "side-answer",
        )
    ]


def test_cpt_year():
    day = datetime.date(2026, 1, 1)
    assert cpt_year(claim(("P1",), day=day, year=2025)) == [
        CodingProblem(
            "This note is dated 2026, but the catalog's codes were checked against CPT 2025.",
            "Check each code against your 2026 CPT book before billing.",
            None,
            "",
            "notice",
            "cpt-year",
            "cms-pfs-2025",
        )
    ]
    assert cpt_year(claim(("P1",), day=datetime.date(2025, 12, 31), year=2025)) == []
    assert cpt_year(claim(("P1",), day=None, year=2025)) == []
    assert cpt_year(claim(("P1",), day=day, year=None)) == []


TWICE = "Bill each site once: remove it from one line."


def test_more_sites_billed_twice():
    # A bilateral line bills the left side too; a line without billing facts is passed by.
    assert sites_billed_twice(
        claim(
            ("N5", 1, "left", "L4-L5"), ("P1", 1, "bilateral", "L4-L5"), ("A2", 1, "left", "L4-L5")
        )
    ) == [
        P(
            "L4-L5 left billed twice: P1 (line 2) and A2 (line 3).",
            TWICE,
            2,
            "site",
            "site-twice",
            source="facet-code-structure",
        )
    ]
    assert sites_billed_twice(
        claim(
            ("A2", 2, "left", "L4-L5, L5-S1, L4-L5, L5-S1"),
            ("P1", 1, "left", "L3-L4"),
            ("A2", 1, "left", "L3-L4"),
        )
    ) == [
        P(
            "A2 names L4-L5 left, L5-S1 left twice.",
            "Name each site once.",
            0,
            "site",
            "site-twice",
        ),
        P(
            "L3-L4 left billed twice: P1 (line 2) and A2 (line 3).",
            TWICE,
            2,
            "site",
            "site-twice",
            source="facet-code-structure",
        ),
    ]


def test_addon_on_the_left_of_a_right_primary():
    assert primary_and_addon_same_level(
        claim(("P1", 1, "right", "L4-L5"), ("A2", 1, "left", "L4-L5"))
    ) == [
        P(
            "A2 (left) bills the level P1 (right) already bills: both sides of one level are "
            "one joint level with modifier 50, not an additional joint.",
            "Report that level on one P1 line with modifier 50 and remove it from A2.",
            1,
            "site",
            "addon-same-level",
            source="facet-code-structure",
        )
    ]


def test_zero_units_count_nothing_in_a_cap_and_later_sites_are_all_named():
    assert caps(claim(("P1",), ("A2", 3), ("A3", 0))) == []
    moved = claim(("P1", 1, "left", "L4-L5"), ("P1", 1, "right", "L5-S1, L3-L4"))
    assert daily_units(moved)[0].fix == "Keep L4-L5 on P1 and move L5-S1, L3-L4: fix it."
