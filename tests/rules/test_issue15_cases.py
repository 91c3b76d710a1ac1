"""The cases issue 15 found, each with its exact verdict, and the new check kinds: a history
that meets each rule, one that fails it and one at the boundary.

Histories are built by hand (tests/rules/history.py); nothing here calls production code to
make its expectations.
"""

import dataclasses
import datetime
import glob

import pytest

from rules.checks import FAILED, MET, NOT_APPLICABLE, add_months, icd10_matches
from rules.engine import applies_in, eligibility, evaluate
from rules.pack_file import parse_pack
from tests.rules.history import DOS, block, days_before, facts, judge, line, morton, pack, rf

MORTON, ANTHEM, FACET = "medicare-morton-neuroma", "anthem-morton-neuroma", "medicare-facet-rf"
BASI, CHEMO = "medicare-basivertebral", "medicare-chemodenervation"
G57_62 = [{"code": "G57.62", "description": "Lesion of plantar nerve, left lower limb"}]
M47_816 = [
    {"code": "M47.816", "description": "Spondylosis without myelopathy or radiculopathy, lumbar"}
]


def draft(note):
    return dataclasses.replace(note, signed=False)


def statuses(evaluation):
    return [(r.rule["id"], r.status) for r in evaluation.results]


# --- Morton's neuroma: the history is counted by web space, not by wording -----------------


def left_third(day, site):
    return morton(day, site=site, answers={"interspace_treated": ["left_3"]})


FOUR_EARLIER = [
    left_third(days_before(150), "3rd"),
    left_third(days_before(110), "third interspace"),
    left_third(days_before(70), "3/4"),
    left_third(days_before(30), ""),
]


def test_four_earlier_left_injections_worded_differently_are_counted_at_one_web_space():
    target = morton(
        DOS,
        site="3rd web space",
        answers={"interspace_treated": ["left_3"], "diagnosis": G57_62},
    )
    evaluation = evaluate(target, FOUR_EARLIER, [pack(MORTON)], payer="Medicare")
    assert evaluation.state == "not_ready"
    assert statuses(evaluation) == [
        ("three-per-site-in-6-months", FAILED),
        ("covered-diagnosis", MET),
        ("interspace-recorded", MET),
    ]
    outcome = evaluation.results[0].outcome
    assert outcome.detail == (
        "5 injections at web space 3 left in the 6 months up to 11/02/2026, this one included "
        "(at most 3); earlier: 06/05/2026, 07/15/2026, 08/24/2026, 10/03/2026. Justify it in "
        "the note (Repeat injection justification)."
    )
    assert outcome.eligible_from == datetime.date(2027, 1, 15)


def test_another_web_space_is_another_site():
    target = morton(DOS, site="3rd", answers={"interspace_treated": ["left_2"]})
    outcome = judge(MORTON, "three-per-site-in-6-months", target, FOUR_EARLIER)
    assert (outcome.status, outcome.short) == (MET, "1 injection in 6 months")


def test_three_at_one_site_is_the_limit_and_a_fourth_with_a_reason_passes():
    target = left_third(DOS, "3rd")
    assert judge(MORTON, "three-per-site-in-6-months", target, FOUR_EARLIER[2:]).status == MET
    four = judge(MORTON, "three-per-site-in-6-months", target, FOUR_EARLIER[1:])
    assert four.status == FAILED
    justified = morton(
        DOS,
        answers={
            "interspace_treated": ["left_3"],
            "repeat_injection_justification": "Partial response; a fourth is planned.",
        },
    )
    assert judge(MORTON, "three-per-site-in-6-months", justified, FOUR_EARLIER).status == MET


def test_an_injection_six_months_ago_to_the_day_is_outside_the_window():
    history = [left_third(add_months(DOS, -6), "3rd"), *FOUR_EARLIER[1:]]
    outcome = judge(MORTON, "three-per-site-in-6-months", left_third(DOS, "3rd"), history)
    assert (outcome.status, outcome.short) == (FAILED, "4 injections in 6 months")
    inside = [left_third(add_months(DOS, -6) + datetime.timedelta(days=1), "3rd")]
    outcome = judge(MORTON, "three-per-site-in-6-months", left_third(DOS, "3rd"), inside)
    assert outcome.short == "2 injections in 6 months"


# --- Covered diagnoses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("diagnosis", "status", "detail"),
    [
        (G57_62, MET, "G57.62 is on the policy's list (CG-SURG-25)."),
        (
            [{"code": "G57.63", "description": "b"}, {"code": "M79.671", "description": "f"}],
            MET,
            "G57.63 is on the policy's list (CG-SURG-25).",
        ),
        (
            [{"code": "G57.70", "description": "causalgia"}],
            FAILED,
            "None of the note's diagnoses (G57.70) is on the policy's list (CG-SURG-25): "
            "G57.60-G57.63.",
        ),
        (
            "Morton's neuroma, left foot",
            FAILED,
            'The diagnosis is free text, not coded ("Morton\'s neuroma, left foot"): pick its '
            "ICD-10-CM code. Covered (CG-SURG-25): G57.60-G57.63.",
        ),
        (None, FAILED, "No ICD-10-CM diagnosis is recorded. Covered (CG-SURG-25): G57.60-G57.63."),
    ],
)
def test_covered_diagnosis_is_met_only_by_a_listed_code(diagnosis, status, detail):
    answers = {"diagnosis": diagnosis} if diagnosis is not None else {}
    outcome = judge(
        ANTHEM, "covered-diagnosis", facts(DOS, line("64632", "left"), answers=answers)
    )
    assert (outcome.status, outcome.detail) == (status, detail)


@pytest.mark.parametrize(
    ("code", "pattern", "matches"),
    [
        ("M47.816", "M47.81x", True),
        ("M47.812", "M47.81x", True),
        ("M47.896", "M47.81x", False),
        ("M47.816", "M47.816", True),
        ("M47.816", "M47.8", True),
        ("G57.60", "G57.60-G57.63", True),
        ("G57.63", "G57.60-G57.63", True),
        ("G57.70", "G57.60-G57.63", False),
        ("G57.6", "G57.60-G57.63", False),  # a category is not in a range of codes
        ("M53.2X8", "M53.2X8", True),  # an upper-case X is the code set's placeholder
        ("M53.218", "M53.2X8", False),
    ],
)
def test_icd10_patterns(code, pattern, matches):
    assert icd10_matches(code, pattern) is matches


# --- Facet RF: consecutive medial branch blocks, per-region levels ---------------------------


def test_a_failed_block_between_two_good_ones_resets_the_count():
    history = [block(days_before(60), 90), block(days_before(40), 50), block(days_before(20), 90)]
    outcome = judge(FACET, "two-diagnostic-blocks", rf(DOS), history)
    assert (outcome.status, outcome.detail) == (
        FAILED,
        "Needs two diagnostic medial branch blocks at L4-L5 left, each with at least 80 % relief. "
        "Found: 09/03/2026 (90 %); 09/23/2026 (50 %, below 80 %); 10/13/2026 (90 %). The "
        "diagnostic medial branch block of 09/23/2026 did not qualify and resets the count.",
    )
    after = [*history, block(days_before(10), 80)]
    outcome = judge(FACET, "two-diagnostic-blocks", rf(DOS), after)
    assert (outcome.status, outcome.evidence) == (MET, (history[2].id, after[3].id))


def test_a_block_without_relief_recorded_does_not_count_and_resets():
    history = [
        block(days_before(60), 90),
        block(days_before(40), None),
        block(days_before(20), 95),
    ]
    assert judge(FACET, "two-diagnostic-blocks", rf(DOS), history).status == FAILED


def test_an_intra_articular_injection_is_not_a_medial_branch_block():
    history = [block(days_before(60), 90), block(days_before(40), 90, kind="intra_articular")]
    outcome = judge(FACET, "two-diagnostic-blocks", rf(DOS), history)
    assert (outcome.status, outcome.short) == (FAILED, "1 of 2 diagnostic medial branch blocks")
    both = [*history, block(days_before(20), 90)]
    assert judge(FACET, "two-diagnostic-blocks", rf(DOS), both).status == MET


def test_blocks_on_the_same_day_as_the_ablation_do_not_count():
    history = [block(days_before(40), 90), block(DOS, 90)]
    assert judge(FACET, "two-diagnostic-blocks", rf(DOS), history).status == FAILED


def test_levels_per_session_are_counted_per_region_not_per_unit():
    four = facts(
        DOS,
        line("64633", "left", "C5-C6"),
        line("64634", "left", "C6-C7"),
        line("64635", "left", "L4-L5"),
        line("64636", "left", "L5-S1", units=2),  # units are not levels
    )
    outcome = judge(FACET, "two-levels-per-session", four)
    assert (outcome.status, outcome.detail) == (
        MET,
        "2 facet levels in the cervical or thoracic spine (C5-C6, C6-C7); 2 facet levels in the "
        "lumbar or sacral spine (L4-L5, L5-S1) in this session; at most 2 per region.",
    )
    three = facts(DOS, line("64635", "left", "L3-L4"), line("64636", "left", "L4-L5, L5-S1"))
    outcome = judge(FACET, "two-levels-per-session", three)
    assert (outcome.status, outcome.short) == (
        FAILED,
        "3 facet levels in the lumbar or sacral spine",
    )


def test_sessions_are_counted_per_region_and_two_regions_in_one_note_each_count():
    neck = rf(add_months(DOS, -3), code="64633", site="C5-C6")
    low = rf(add_months(DOS, -3))
    both = facts(DOS, line("64633", "left", "C5-C6"), line("64635", "left", "L4-L5"))
    outcome = judge(FACET, "two-sessions-per-region", both, [neck])
    assert (outcome.status, outcome.short) == (MET, "2 RF sessions in 12 months")
    outcome = judge(FACET, "two-sessions-per-region", both, [neck, low, rf(add_months(DOS, -6))])
    assert (outcome.status, outcome.short) == (FAILED, "3 RF sessions in 12 months")


def test_every_rule_no_policy_text_confirms_is_a_warning_never_a_block():
    unconfirmed = []
    for path in sorted(glob.glob("rules/packs/*.toml")):
        for rule in parse_pack(path).rules:
            if "UNCONFIRMED" in rule["title"] + rule["statement"] + str(rule["check"]):
                unconfirmed.append(rule["severity"])
    assert len(unconfirmed) >= 10 and set(unconfirmed) <= {"warning", "information"}


# --- Eligibility: the note's own date first, drafts counted ---------------------------------


def test_a_draft_that_would_be_a_third_session_is_not_eligible_on_its_own_date():
    first = rf(add_months(DOS, -11), side="right", site="L5-S1")
    other_draft = draft(rf(days_before(40)))
    planned = draft(facts(DOS, line("64635", "right", "L5-S1")))
    result = eligibility(planned, [first, other_draft], [pack(FACET)], payer="Medicare")
    assert (result.eligible, result.date) == (False, datetime.date(2026, 12, 2))
    assert result.sentence() == (
        "Not eligible for 64635 L5-S1 right on 11/02/2026: 3 RF sessions in 12 months. "
        "It would be eligible from 12/02/2026"
    )
    sessions = next(
        r for r in result.evaluation.results if r.rule["id"] == "two-sessions-per-region"
    )
    assert sessions.outcome.detail == (
        "3 RF sessions in the lumbar or sacral spine in the 12 months up to 11/02/2026, this one "
        "included (at most 2); earlier: 12/02/2025, 09/23/2026 (draft)."
    )
    assert [r.rule["id"] for r in result.later.failing] == []


def test_a_leap_day_session_leaves_the_window_on_the_last_day_of_february():
    leap = rf(datetime.date(2024, 2, 29), side="right", site="L5-S1")
    second = rf(datetime.date(2024, 6, 1))
    planned = facts(datetime.date(2024, 12, 1), line("64635", "right", "L5-S1"))
    result = eligibility(planned, [leap, second], [pack(FACET)], payer="Medicare")
    assert (result.eligible, result.date) == (False, datetime.date(2025, 3, 1))


def test_an_eligible_date_is_stated_as_such():
    blocks = [block(days_before(40), 85), block(days_before(20), 90)]
    result = eligibility(facts(DOS, line("64635", "left", "L4-L5")), blocks, [pack(FACET)])
    assert (result.eligible, result.date, result.later) == (True, DOS, None)


# --- Jurisdiction -----------------------------------------------------------------------------


def test_a_contractors_pack_applies_only_in_its_states():
    facet, morton_pack = pack(FACET), pack(MORTON)
    assert facet["contractor"] == "Noridian Healthcare Solutions"
    assert facet["jurisdiction"] == "JE"
    assert (applies_in(facet, "CA"), applies_in(facet, "NV"), applies_in(facet, "TX")) == (
        True,
        True,
        False,
    )
    assert applies_in(morton_pack, "TX")  # names no states: applies everywhere
    assert applies_in(facet, "")  # a practice with no state recorded gets every pack


def test_packs_for_a_payer_leave_out_other_jurisdictions(db, packs, medicare):
    from rules.selectors import packs_for_payer

    keys = {p["key"] for p in packs_for_payer(medicare, state="TX")}
    assert FACET not in keys and MORTON in keys
    assert FACET in {p["key"] for p in packs_for_payer(medicare, state="CA")}


# --- Anthem: medication unless contraindicated -------------------------------------------------


def test_anthem_accepts_a_recorded_contraindication_instead_of_medication():
    three = ["padding_orthotics", "activity_modification", "footwear"]
    rule = "medication-unless-contraindicated"
    without = facts(DOS, line("64632", "left"), answers={"conservative_care_tried": three})
    outcome = judge(ANTHEM, rule, without)
    assert (outcome.status, outcome.detail) == (
        FAILED,
        "Conservative care tried does not include: medication. Or document medication "
        "contraindication.",
    )
    reason = "Chronic kidney disease stage 4: NSAIDs contraindicated."
    excused = facts(
        DOS,
        line("64632", "left"),
        answers={"conservative_care_tried": three, "medication_contraindication": reason},
    )
    assert judge(ANTHEM, rule, excused).status == MET
    tried = facts(
        DOS, line("64632", "left"), answers={"conservative_care_tried": [*three, "medication"]}
    )
    assert judge(ANTHEM, rule, tried).status == MET
    assert judge(ANTHEM, "three-conservative-measures", excused).status == MET


# --- Basivertebral ---------------------------------------------------------------------------


def basi(day, site, *, modifiers=("KX",), answers=None):
    return facts(
        day,
        dataclasses.replace(line("64628", site=site), modifiers=tuple(modifiers)),
        answers=answers,
    )


def test_basivertebral_levels_must_be_l3_to_s1():
    assert judge(BASI, "levels-l3-s1", basi(DOS, "L4, L5")).status == MET
    assert judge(BASI, "levels-l3-s1", basi(DOS, "L3, S1")).status == MET
    outcome = judge(BASI, "levels-l3-s1", basi(DOS, "L2, L3"))
    assert (outcome.status, outcome.detail) == (
        FAILED,
        "L2 is outside the covered vertebral bodies (L3, L4, L5, S1).",
    )
    assert judge(BASI, "levels-l3-s1", basi(DOS, "")).status == FAILED


def test_basivertebral_needs_kx_and_modic_changes():
    assert judge(BASI, "kx-modifier", basi(DOS, "L4")).status == MET
    outcome = judge(BASI, "kx-modifier", basi(DOS, "L4", modifiers=()))
    assert (outcome.status, outcome.detail) == (
        FAILED,
        "64628 without modifier KX (the coverage requirements are met).",
    )
    modic = basi(DOS, "L4", answers={"mri_modic_changes": "modic_2"})
    assert judge(BASI, "modic-changes", modic).status == MET
    none = basi(DOS, "L4", answers={"mri_modic_changes": "none"})
    assert judge(BASI, "modic-changes", none).status == FAILED


def test_basivertebral_lifetime_limit_and_no_body_twice():
    history = [basi(add_months(DOS, -30), "L4, L5")]
    outcome = judge(BASI, "lifetime-four-bodies", basi(DOS, "L3, S1"), history)
    assert (outcome.status, outcome.short) == (
        MET,
        "4 vertebral bodies treated in all, this session included (at most 4)",
    )
    outcome = judge(
        BASI, "lifetime-four-bodies", basi(DOS, "S1"), [*history, basi(days_before(9), "L3")]
    )
    assert outcome.status == MET
    outcome = judge(BASI, "lifetime-four-bodies", basi(DOS, "L5, S1"), history)
    assert (outcome.status, outcome.detail) == (
        FAILED,
        "Already treated: L5 on 05/02/2024. 3 vertebral bodies treated in all, this session "
        "included (at most 4).",
    )
    five = [basi(add_months(DOS, -30), "L3, L4"), basi(add_months(DOS, -20), "L5, S1")]
    outcome = judge(BASI, "lifetime-four-bodies", basi(DOS, "L2"), five)
    assert (outcome.status, outcome.short) == (
        FAILED,
        "5 vertebral bodies treated in all, this session included (at most 4)",
    )


# --- Chemodenervation: stop after two failed adequate treatments -----------------------------


def toxin(day, response):
    return facts(day, line("64642", "left"), answers={"toxin_response": response})


def test_two_failed_treatments_in_a_row_warn_and_a_good_one_between_resets():
    rule = "stop-after-two-failures"
    once = judge(CHEMO, rule, toxin(DOS, "failed"), [toxin(days_before(90), "satisfactory")])
    assert (once.status, once.short) == (
        MET,
        "1 treatment in a row without a satisfactory response (recorded 11/02/2026)",
    )
    twice = judge(CHEMO, rule, toxin(DOS, "failed"), [toxin(days_before(90), "failed")])
    assert twice.status == FAILED and twice.detail.endswith(
        "after 2 failed adequate treatments the policy expects treatment to stop."
    )
    reset = [toxin(days_before(180), "failed"), toxin(days_before(90), "partial")]
    assert judge(CHEMO, rule, toxin(DOS, "failed"), reset).status == MET
    assert judge(CHEMO, rule, toxin(DOS, "first")).status == MET


def test_chemodenervation_sooner_than_twelve_weeks_is_a_warning():
    result = judge(
        CHEMO, "frequency", toxin(DOS, "satisfactory"), [toxin(days_before(83), "first")]
    )
    assert result.status == FAILED and result.eligible_from == days_before(
        83
    ) + datetime.timedelta(days=84)
    assert (
        judge(CHEMO, "frequency", toxin(DOS, "x"), [toxin(days_before(84), "first")]).status == MET
    )


# --- Packs with an end date, and a rule that does not match before one that does ------------


def test_a_pack_past_its_end_date_is_not_applied():
    ended = pack(FACET) | {"effective_to": "2026-11-01"}
    assert evaluate(rf(DOS), [], [ended], payer="M").results == ()
    last_day = pack(FACET) | {"effective_to": "2026-11-02"}
    assert evaluate(rf(DOS), [], [last_day], payer="M").results != ()


def test_only_rules_whose_codes_the_note_carries_run_in_pack_order():
    evaluation = evaluate(
        facts(DOS, line("64632", "left"), answers={"diagnosis": G57_62}),
        [],
        [pack(FACET), pack(ANTHEM)],
        payer="Anthem",
    )
    assert [r.rule["id"] for r in evaluation.results] == [
        "three-conservative-measures",
        "medication-unless-contraindicated",
        "covered-diagnosis",
        "conservative-care-failure",
    ]
    assert evaluation.results[2].status == MET


def test_a_first_ablation_is_not_a_repeat_for_the_two_year_warning():
    outcome = judge(FACET, "repeat-blocks-after-two-years", rf(DOS), [])
    assert outcome.status == NOT_APPLICABLE


@pytest.mark.parametrize(
    ("pack_key", "code", "listed", "near_miss"),
    [
        (FACET, "64635", "M47.816", "M47.26"),
        (FACET, "64633", "M47.892", "M47.22"),
        (MORTON, "64632", "G57.61", "G57.70"),
        (ANTHEM, "64632", "G57.63", "G57.80"),
        (CHEMO, "64642", "G24.3", "G25.0"),
        (CHEMO, "64643", "I69.351", "I63.9"),
        ("medicare-sacroiliac", "27096", "M53.2X8", "M53.2X7"),
        (BASI, "64628", "M51.360", "M51.26"),
    ],
)
def test_each_packs_covered_diagnosis_rule(pack_key, code, listed, near_miss):
    def with_code(icd):
        answers = {"diagnosis": [{"code": icd, "description": "synthetic"}]}
        return facts(DOS, line(code, "left", "L4"), answers=answers)

    assert judge(pack_key, "covered-diagnosis", with_code(listed)).status == MET
    assert judge(pack_key, "covered-diagnosis", with_code(near_miss)).status == FAILED
    # The primary need not be the covered one: any listed code on the note counts.
    both = facts(
        DOS,
        line(code, "left", "L4"),
        answers={
            "diagnosis": [
                {"code": near_miss, "description": "synthetic"},
                {"code": listed, "description": "synthetic"},
            ]
        },
    )
    assert judge(pack_key, "covered-diagnosis", both).status == MET


def test_each_line_takes_the_web_spaces_of_its_own_side():
    spaces = {"interspace_treated": ["left_3", "right_2", "right_4"]}
    note = facts(
        DOS,
        line("64632", "left", "3rd"),
        line("64632", "right", "whatever"),
        line("64635", "left", "L4-L5"),
        answers=spaces,
    )
    assert [(ln.site, ln.side) for ln in note.lines] == [
        ("web space 3", "left"),
        ("web space 2, web space 4", "right"),
        ("L4-L5", "left"),  # not a web-space code: its own site
    ]
    unsided = facts(DOS, line("64632"), answers={"interspace_treated": ["right_1"]})
    assert [(ln.site, ln.side) for ln in unsided.lines] == [("web space 1", "right")]
    no_answer = facts(DOS, line("64632", "left", "3rd"))
    assert [(ln.site, ln.side) for ln in no_answer.lines] == [("3rd", "left")]
