"""The check kinds issue 15 added, each compared as a whole Outcome (status, detail, short,
evidence, elements, eligible_from): met, failed, at the boundary, and not applicable.

The rules are written here as plain pack documents (the shape rules.pack_file produces),
so each kind is judged alone.
"""

import dataclasses
import datetime

from rules.checks import FAILED, MET, NOT_APPLICABLE, Outcome, plural
from rules.engine import Evaluation, RuleResult, applies_in, run_rule
from tests.rules.history import DOS, block, days_before, facts, line, rf

SOURCE = {"s": {"key": "s", "policy": "P", "title": "T", "url": "https://x.invalid"}}
REGIONS = {
    "neck": {"label": "Cervical or thoracic spine", "codes": ["64633", "64490"]},
    "low": {"label": "Lumbar or sacral spine", "codes": ["64635", "64636", "64493"]},
}
NONE_OF_THE_CODES = "The note has none of the codes this rule applies to."


def judge(check, target, history=(), codes=("64628",)):
    pack = {"key": "p", "sources": SOURCE, "regions": REGIONS, "rules": []}
    rule = {"id": "r", "codes": list(codes), "source": "s", "when": None, "check": check}
    return run_rule(pack, rule, target, history)


def basi(day, site, modifiers=("KX",)):
    return facts(day, dataclasses.replace(line("64628", site=site), modifiers=tuple(modifiers)))


# --- lifetime_levels -------------------------------------------------------------------------

LIFETIME = {"kind": "lifetime_levels", "codes": ["64628"], "max": 4, "what": "vertebral body"}


def test_lifetime_levels_met_exactly_at_the_limit():
    earlier = basi(days_before(400), "L4, L5")
    assert judge(LIFETIME, basi(DOS, "L3, S1"), [earlier]) == Outcome(
        MET,
        "4 vertebral bodies treated in all, this session included (at most 4).",
        short="4 vertebral bodies treated in all, this session included (at most 4)",
        evidence=(earlier.id,),
    )


def test_lifetime_levels_one_body_is_singular():
    assert judge(LIFETIME, basi(DOS, "L4")) == Outcome(
        MET,
        "1 vertebral body treated in all, this session included (at most 4).",
        short="1 vertebral body treated in all, this session included (at most 4)",
    )


def test_lifetime_levels_over_the_limit():
    a, b = basi(days_before(400), "L3, L4"), basi(days_before(200), "L5, S1")
    assert judge(LIFETIME, basi(DOS, "L2"), [a, b]) == Outcome(
        FAILED,
        "5 vertebral bodies treated in all, this session included (at most 4).",
        short="5 vertebral bodies treated in all, this session included (at most 4)",
        evidence=(a.id, b.id),
    )


def test_lifetime_levels_a_body_treated_the_same_day_counts_as_already_treated():
    same_day = basi(DOS, "L5")
    draft = basi(days_before(30), "L4")
    draft = dataclasses.replace(draft, signed=False)
    assert judge(LIFETIME, basi(DOS, "L4, L5"), [draft, same_day]) == Outcome(
        FAILED,
        "Already treated: L4 on 10/03/2026 (draft); L5 on 11/02/2026. 2 vertebral bodies "
        "treated in all, this session included (at most 4).",
        short="2 vertebral bodies treated in all, this session included (at most 4)",
        evidence=(draft.id, same_day.id),
    )


def test_lifetime_levels_not_applicable_without_the_codes():
    assert judge(LIFETIME, facts(DOS, line("64635"))) == Outcome(NOT_APPLICABLE, NONE_OF_THE_CODES)


# --- failed_in_a_row -------------------------------------------------------------------------

STOP = {
    "kind": "failed_in_a_row",
    "codes": ["64642"],
    "element": "toxin_response",
    "failed": ["failed"],
    "max": 2,
    "what": "treatment",
}


def toxin(day, response, code="64642"):
    return facts(day, line(code, "left"), answers={"toxin_response": response})


def test_failed_in_a_row_met_below_the_limit():
    target = toxin(DOS, "failed")
    assert judge(STOP, target, [toxin(days_before(90), "partial")], codes=("64642",)) == Outcome(
        MET,
        "1 treatment in a row without a satisfactory response (recorded 11/02/2026); the "
        "policy stops after 2.",
        short="1 treatment in a row without a satisfactory response (recorded 11/02/2026)",
    )


def test_failed_in_a_row_none_failed():
    assert judge(STOP, toxin(DOS, "satisfactory"), codes=("64642",)) == Outcome(
        MET,
        "0 treatments in a row without a satisfactory response; the policy stops after 2.",
        short="0 treatments in a row without a satisfactory response",
    )


def test_failed_in_a_row_at_the_limit_fails_newest_first():
    older, last = toxin(days_before(180), "failed"), toxin(days_before(90), "failed")
    other_code = toxin(days_before(30), "satisfactory", code="64615")  # not counted
    assert judge(STOP, toxin(DOS, "failed"), [older, other_code, last], codes=("64642",)) == (
        Outcome(
            FAILED,
            "3 treatments in a row without a satisfactory response (recorded 11/02/2026, "
            "08/04/2026, 05/06/2026): after 2 failed adequate treatments the policy expects "
            "treatment to stop.",
            short="3 treatments in a row without a satisfactory response (recorded "
            "11/02/2026, 08/04/2026, 05/06/2026)",
            evidence=(last.id, older.id),
            elements=("toxin_response",),
        )
    )


def test_failed_in_a_row_not_applicable_without_the_codes():
    assert judge(STOP, toxin(DOS, "failed", code="64615"), codes=("64642",)) == Outcome(
        NOT_APPLICABLE, NONE_OF_THE_CODES
    )


# --- levels_within, line_modifier -----------------------------------------------------------

WITHIN = {
    "kind": "levels_within",
    "codes": ["64628"],
    "levels": ["L3", "L4", "L5", "S1"],
    "what": "vertebral body",
}
KX = {"kind": "line_modifier", "codes": ["64628"], "modifier": "kx", "what": "criteria met"}


def test_levels_within():
    assert judge(WITHIN, basi(DOS, "s1, L3")) == Outcome(MET, "L3, S1: within L3, L4, L5, S1.")
    assert judge(WITHIN, basi(DOS, "L2, L3, T12")) == Outcome(
        FAILED, "L2, T12 is outside the covered vertebral bodies (L3, L4, L5, S1)."
    )
    assert judge(WITHIN, basi(DOS, "")) == Outcome(
        FAILED,
        "A line names no vertebral body: record each one treated (covered: L3, L4, L5, S1).",
    )
    assert judge(WITHIN, facts(DOS, line("64635"))) == Outcome(NOT_APPLICABLE, NONE_OF_THE_CODES)


def test_line_modifier():
    assert judge(KX, basi(DOS, "L4", ["KX"])) == Outcome(MET, "Modifier KX on 64628.")
    assert judge(KX, basi(DOS, "L4", ["kx"])) == Outcome(MET, "Modifier KX on 64628.")
    assert judge(KX, basi(DOS, "L4", ["59"])) == Outcome(
        FAILED, "64628 without modifier KX (criteria met)."
    )
    plain = {**KX, "what": ""}
    assert judge(plain, basi(DOS, "L4", [])) == Outcome(FAILED, "64628 without modifier KX.")
    assert judge(KX, facts(DOS, line("64635"))) == Outcome(NOT_APPLICABLE, NONE_OF_THE_CODES)


def test_plural():
    assert [plural("vertebral body"), plural("level"), plural("day"), plural("body", 1)] == [
        "vertebral bodies",
        "levels",
        "days",
        "body",
    ]


# --- not_covered, covered_diagnosis -----------------------------------------------------------


def test_not_covered():
    check = {"kind": "not_covered", "reason": "SI RF is not covered."}
    assert judge(check, facts(DOS, line("64625"), line("64635")), codes=("64625",)) == Outcome(
        FAILED, "64625: SI RF is not covered.", short="not covered"
    )
    default = {"kind": "not_covered", "reason": ""}
    assert judge(default, facts(DOS, line("64625")), codes=("64625",)) == Outcome(
        FAILED, "64625: The policy does not cover this procedure.", short="not covered"
    )
    assert judge(check, facts(DOS, line("64635")), codes=("64625",)) == Outcome(
        NOT_APPLICABLE, NONE_OF_THE_CODES
    )


def test_covered_diagnosis_without_a_source_name():
    check = {"kind": "covered_diagnosis", "icd10": ["G57.6x"], "list_source": ""}
    coded = facts(
        DOS, line("64632"), answers={"diagnosis": [{"code": "G57.62", "description": "x"}]}
    )
    assert judge(check, coded, codes=("64632",)) == Outcome(
        MET, "G57.62 is on the policy's list.", short="diagnosis G57.62", elements=("diagnosis",)
    )


# --- units_per_session by region --------------------------------------------------------------

LEVELS = {
    "kind": "units_per_session",
    "codes": ["64633", "64635", "64636"],
    "max": 2,
    "count": "levels",
    "match": ["region"],
    "what": "facet level",
}


def test_levels_per_session_counted_per_region():
    one = facts(DOS, line("64635", "left", "L4-5"), line("64636", "right", "L4-L5"))
    assert judge(LEVELS, one, codes=("64635",)) == Outcome(
        MET,
        "1 facet level in the lumbar or sacral spine (L4-L5) in this session; at most 2 per "
        "region.",
        short="1 facet level in the lumbar or sacral spine",
    )
    unnamed = facts(DOS, line("64635", units=3))
    assert judge(LEVELS, unnamed, codes=("64635",)) == Outcome(
        FAILED,
        "3 facet levels in the lumbar or sacral spine in this session; at most 2 per region.",
        short="3 facet levels in the lumbar or sacral spine",
    )
    units = {**LEVELS, "count": "units", "match": [], "what": ""}
    assert judge(units, facts(DOS, line("64633", units=2)), codes=("64633",)) == Outcome(
        MET, "2 units in this session; at most 2.", short="2 units"
    )


# --- prerequisite chains and repeats -----------------------------------------------------------

BLOCKS = {
    "kind": "prerequisite_notes",
    "codes": ["64493"],
    "count": 2,
    "element": "block_relief_percent",
    "min": 80,
    "min_days_apart": 0,
    "match": ["side", "site"],
    "where": [{"element": "block_type", "in": ["medial_branch"]}],
    "what": "block",
}


def test_the_chain_is_the_two_newest_good_blocks_after_the_last_failed_one():
    old = block(days_before(90), 90)
    failed = block(days_before(60), 70)
    good = [block(days_before(40), 85), block(days_before(30), 95), block(days_before(20), 80)]
    assert judge(BLOCKS, rf(DOS), [old, failed, *good], codes=("64635",)) == Outcome(
        MET,
        "10/03/2026 (95 %); 10/13/2026 (80 %), 10 days apart.",
        short="two blocks 95 % and 80 %",
        evidence=(good[1].id, good[2].id),
    )


def test_a_failed_block_after_two_good_ones_resets_the_chain():
    history = [block(days_before(40), 85), block(days_before(30), 95), block(days_before(20), 10)]
    assert judge(BLOCKS, rf(DOS), history, codes=("64635",)) == Outcome(
        FAILED,
        "Needs two blocks at L4-L5 left, each with at least 80 % relief. Found: 09/23/2026 "
        "(85 %); 10/03/2026 (95 %); 10/13/2026 (10 %, below 80 %). The block of 10/13/2026 did "
        "not qualify and resets the count.",
        short="0 of 2 blocks",
        evidence=tuple(n.id for n in history),
    )


def test_a_repeat_waives_the_blocks_without_a_time_limit_and_only_repeats_skips_a_first():
    check = {**BLOCKS, "repeat": {"codes": ["64635"]}, "only_repeats": False}
    earlier = rf(datetime.date(2016, 11, 5))
    assert judge(check, rf(DOS), [earlier], codes=("64635",)) == Outcome(
        MET,
        "Repeat procedure: the last one at L4-L5 left was on 11/05/2016, so the blocks need not "
        "be repeated (the repeat criteria apply instead).",
        short="repeat of 11/05/2016",
        evidence=(earlier.id,),
    )
    first_only = {**check, "only_repeats": True}
    assert judge(first_only, rf(DOS), [], codes=("64635",)) == Outcome(
        NOT_APPLICABLE, "No earlier procedure at L4-L5 left: not a repeat."
    )


# --- engine: jurisdiction and the date rules would pass ---------------------------------------


def test_applies_in():
    assert applies_in({"states": ["CA"]}, "CA") is True
    assert applies_in({"states": ["CA"]}, "TX") is False
    assert applies_in({"states": []}, "TX") is True
    assert applies_in({}, "TX") is True
    assert applies_in({"states": ["CA"]}, "") is True


def result(severity, outcome):
    return RuleResult({"key": "p"}, {"id": "r", "severity": severity}, outcome)


def test_eligible_from_needs_every_blocking_failure_to_be_a_window():
    later, sooner = datetime.date(2027, 1, 5), datetime.date(2026, 12, 1)
    windows = Evaluation(
        (
            result("blocks", Outcome(FAILED, "", eligible_from=sooner)),
            result("blocks", Outcome(FAILED, "", eligible_from=later)),
            result("warning", Outcome(FAILED, "")),
        ),
        payer="M",
    )
    assert windows.eligible_from == later
    mixed = Evaluation(
        (
            result("blocks", Outcome(FAILED, "", eligible_from=later)),
            result("blocks", Outcome(FAILED, "")),
        ),
        payer="M",
    )
    assert mixed.eligible_from is None
    assert Evaluation((result("blocks", Outcome(MET, "")),), payer="M").eligible_from is None
