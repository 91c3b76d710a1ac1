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


# --- element_value, exactly -------------------------------------------------------------------


def answered(answers, **more):
    note = facts(DOS, line("64640"))
    return dataclasses.replace(note, answers=answers, **more)


CHOICES = {
    "imaging_modality": {"fluoroscopy": "Fluoroscopy", "ct": "CT", "ultrasound": "Ultrasound"},
    "care": {"pad": "Padding", "shoe": "Footwear", "meds": "Medication"},
}


def value(check, answers, **more):
    return judge({"kind": "element_value", **check}, answered(answers, **more), codes=("64640",))


def test_element_value_ranges_with_units():
    check = {"element": ["phenol"], "max": 15, "unit": "%"}
    assert value(check, {"phenol": {"value": "15"}}) == Outcome(
        MET, "Phenol: 15 %.", short="phenol 15 %", elements=("phenol",)
    )
    assert value(check, {"phenol": {"value": "15.5"}}) == Outcome(
        FAILED, "Phenol is 15.5 %; at most 15 % is allowed.", elements=("phenol",)
    )
    assert value(check, {"phenol": {"value": "lots"}}) == Outcome(
        FAILED, "Phenol is not a number.", elements=("phenol",)
    )
    both = {"element": ["temp"], "min": 80, "in": ["90"]}
    assert value(both, {"temp": {"value": "70"}}) == Outcome(
        FAILED,
        "Temp is 70; at least 80 is required; Temp is 70; the policy accepts 90.",
        elements=("temp",),
    )


def test_element_value_choices_are_named_by_their_labels():
    check = {"element": ["imaging_modality"], "in": ["fluoroscopy", "ct"]}
    assert value(check, {"imaging_modality": {"value": "ultrasound"}}, choices=CHOICES) == Outcome(
        FAILED,
        "Imaging modality is Ultrasound; the policy accepts Fluoroscopy or CT.",
        elements=("imaging_modality",),
    )
    assert value(check, {"imaging_modality": {"value": "ct"}}, choices=CHOICES) == Outcome(
        MET, "Imaging modality: CT.", short="imaging modality CT", elements=("imaging_modality",)
    )
    care = {"element": ["care"], "includes_all": ["pad", "shoe", "meds"]}
    assert value(care, {"care": {"value": ["meds"]}}, choices=CHOICES) == Outcome(
        FAILED, "Care does not include: Padding; Footwear.", elements=("care",)
    )
    assert value(care, {"care": {"value": ["shoe", "meds", "pad"]}}, choices=CHOICES) == Outcome(
        MET,
        "Care: Footwear, Medication, Padding.",
        short="care Footwear, Medication, Padding",
        elements=("care",),
    )


def test_element_value_not_applicable_and_the_first_documented_element():
    reason = {"na_reason": "First treatment"}
    check = {"element": ["prior", "later"], "accept_not_applicable": True}
    assert value(check, {"later": reason}) == Outcome(
        MET, "Later: not applicable (First treatment).", elements=("later",)
    )
    strict = {"element": ["prior"], "accept_not_applicable": False}
    assert value(strict, {"prior": reason}, labels={"prior": "Response"}) == Outcome(
        FAILED, "Response is not documented.", elements=("prior",)
    )


def test_element_value_otherwise():
    check = {"element": ["care"], "includes_all": ["meds"], "otherwise": "why_not"}
    assert value(check, {"care": {"value": ["pad"]}}, choices=CHOICES) == Outcome(
        FAILED,
        "Care does not include: Medication. Or document why not.",
        elements=("care", "why_not"),
    )
    assert value(check, {"care": {"value": ["pad"]}, "why_not": {"value": "CKD"}}) == Outcome(
        MET, "Why not: CKD", short="why not", elements=("care", "why_not")
    )
    assert value(check, {"why_not": {"value": "CKD"}}) == Outcome(
        MET, "Why not: CKD", short="why not", elements=("care", "why_not")
    )
    assert value(check, {}) == Outcome(
        FAILED, "Care is not documented. Or document why not.", elements=("care", "why_not")
    )


def test_covered_diagnosis_lists_every_pattern():
    check = {"kind": "covered_diagnosis", "icd10": ["M47.81x", "M47.89x"], "list_source": "A1"}
    coded = facts(
        DOS,
        line("64635"),
        answers={
            "diagnosis": [
                {"code": "M54.50", "description": "x"},
                {"code": "M25.50", "description": "y"},
            ]
        },
    )
    assert judge(check, coded, codes=("64635",)) == Outcome(
        FAILED,
        "None of the note's diagnoses (M54.50, M25.50) is on the policy's list (A1): M47.81x, "
        "M47.89x.",
        elements=("diagnosis",),
    )
    free = facts(DOS, line("64635"), answers={"diagnosis": "facet pain"})
    assert judge(check, free, codes=("64635",)) == Outcome(
        FAILED,
        "The diagnosis is free text, not coded ('facet pain'): pick its ICD-10-CM code. "
        "Covered (A1): M47.81x, M47.89x.",
        elements=("diagnosis",),
    )


# --- interval_since_last: months and days ago, the first date allowed ------------------------

INTERVAL = {
    "kind": "interval_since_last",
    "codes": ["64635"],
    "months": 6,
    "match": [],
    "what": "RF",
}


def test_interval_since_last_at_six_months_to_the_day_and_a_day_short():
    on_day = rf(datetime.date(2026, 5, 2))
    assert judge(INTERVAL, rf(DOS), [on_day], codes=("64635",)) == Outcome(
        MET,
        "Last RF at L4-L5 left on 05/02/2026 (6 months ago).",
        short="last RF 6 months ago",
        evidence=(on_day.id,),
    )
    # A later day of the month: 5 whole months. Month end: November has no 31st, and on
    # 11/30 the window (after 05/30) still holds 05/31, so the first date is 12/01.
    short = rf(datetime.date(2026, 5, 31))
    assert judge(INTERVAL, rf(DOS), [short], codes=("64635",)) == Outcome(
        FAILED,
        "Last RF at L4-L5 left on 05/31/2026 (5 months ago); at least 6 months must pass, so not "
        "before 12/01/2026.",
        short="last RF 5 months ago",
        evidence=(short.id,),
        eligible_from=datetime.date(2026, 12, 1),
    )
    year = rf(datetime.date(2025, 11, 2))
    assert judge(INTERVAL, rf(DOS), [year], codes=("64635",)).short == "last RF 12 months ago"


def test_interval_since_last_in_days():
    check = {**INTERVAL, "months": None, "days": 84, "what": "treatment"}
    recent = rf(days_before(20))
    assert judge(check, rf(DOS), [recent], codes=("64635",)) == Outcome(
        FAILED,
        "Last treatment at L4-L5 left on 10/13/2026 (20 days ago); at least 84 days must pass, "
        "so not before 01/05/2027.",
        short="last treatment 20 days ago",
        evidence=(recent.id,),
        eligible_from=datetime.date(2027, 1, 5),
    )
    month = rf(days_before(31))
    assert judge(check, rf(DOS), [month], codes=("64635",)).short == "last treatment 1 month ago"


# --- sessions_in_window, exactly --------------------------------------------------------------

SESSIONS = {
    "kind": "sessions_in_window",
    "codes": ["64635", "64636"],
    "months": 12,
    "max": 2,
    "match": ["region"],
    "what": "RF session",
}


def test_sessions_in_window_met_with_a_same_day_session_and_evidence():
    same_day = rf(DOS, side="right", code="64636", site="L5-S1")
    assert judge(SESSIONS, rf(DOS), [same_day], codes=("64635",)) == Outcome(
        MET,
        "1 RF session in the lumbar or sacral spine in the 12 months up to 11/02/2026, this one "
        "included (at most 2); earlier: none.",
        short="1 RF session in 12 months",
        evidence=(same_day.id,),
    )


def test_sessions_in_window_picks_the_busiest_line_and_says_when_it_passes():
    neck = {**SESSIONS, "codes": ["64635", "64633"], "match": ["region", "site"]}
    a, b = rf(days_before(300)), rf(days_before(100))
    other = rf(days_before(50), site="L5-S1")
    target = facts(DOS, line("64635", "left", "L5-S1"), line("64635", "left", "L4-L5"))
    assert judge(neck, target, [a, b, other], codes=("64635",)) == Outcome(
        FAILED,
        "3 RF sessions at L4-L5 in the 12 months up to 11/02/2026, this one included (at most "
        "2); earlier: 01/06/2026, 07/25/2026.",
        short="3 RF sessions in 12 months",
        evidence=(a.id, b.id, other.id),
        eligible_from=datetime.date(2027, 1, 6),  # its anniversary is outside the window
    )


def test_sessions_in_window_with_a_documented_reason_and_without():
    check = {**SESSIONS, "match": [], "max": 1, "unless_documented": "why"}
    earlier = rf(days_before(30))
    because = facts(DOS, line("64635"), answers={"why": "Partial relief only"})
    assert judge(check, because, [earlier], codes=("64635",)) == Outcome(
        MET,
        "2 RF sessions in all in the 12 months up to 11/02/2026, this one included (at most 1); "
        "earlier: 10/03/2026. The reason is documented (Why).",
        short="2 RF sessions in 12 months",
        evidence=(earlier.id,),
        elements=("why",),
    )
    assert judge(check, facts(DOS, line("64635")), [earlier], codes=("64635",)) == Outcome(
        FAILED,
        "2 RF sessions in all in the 12 months up to 11/02/2026, this one included (at most 1); "
        "earlier: 10/03/2026. Justify it in the note (Why).",
        short="2 RF sessions in 12 months",
        evidence=(earlier.id,),
        elements=("why",),
        eligible_from=datetime.date(2027, 10, 3),
    )


def test_sessions_in_window_not_applicable():
    assert judge(SESSIONS, facts(DOS, line("64633")), codes=("64635",)) == Outcome(
        NOT_APPLICABLE, "The note has none of the codes this rule counts."
    )
    where = {**SESSIONS, "where": {"element": "purpose", "in": ["diagnostic"]}}
    assert judge(where, rf(DOS), codes=("64635",)) == Outcome(
        NOT_APPLICABLE, "Counts only notes where purpose is diagnostic."
    )


# --- conditions in words -----------------------------------------------------------------------


def test_a_rule_that_does_not_apply_says_when_it_would():
    pack = {"key": "p", "sources": SOURCE, "regions": {}, "rules": []}
    when = [
        {"element": "sedation", "in": ["moderate", "general"]},
        {"place_of_service": ["19", "22"]},
    ]
    rule = {
        "id": "r",
        "codes": ["64635"],
        "source": "s",
        "when": when,
        "check": {"kind": "element_value", "element": ["why"]},
    }
    target = dataclasses.replace(
        facts(DOS, line("64635"), answers={"sedation": "moderate"}, place="11"),
        choices={"sedation": {"moderate": "Moderate sedation", "general": "General"}},
    )
    assert run_rule(pack, rule, target, ()) == Outcome(
        NOT_APPLICABLE,
        "Applies only when sedation is Moderate sedation or General and place of service is 19 "
        "or 22.",
    )
    both = {**rule, "when": {"element": "sedation", "in": ["general"], "place_of_service": ["22"]}}
    assert run_rule(pack, both, target, ()) == Outcome(
        NOT_APPLICABLE, "Applies only when sedation is General and place of service is 22."
    )


# --- prerequisite_notes: one block, no threshold, a time limit --------------------------------

PROGNOSTIC = {
    "kind": "prerequisite_notes",
    "codes": ["64530"],
    "count": 1,
    "element": "relief",
    "min": None,
    "min_days_apart": 0,
    "match": [],
    "what": "prognostic block",
}


def celiac_block(day, relief=None):
    answers = {"relief": relief} if relief is not None else {}
    return facts(day, line("64530"), answers=answers)


def test_one_prognostic_block_with_its_relief_documented():
    good = celiac_block(days_before(10), "60")
    assert judge(PROGNOSTIC, facts(DOS, line("64680")), [good], codes=("64680",)) == Outcome(
        MET, "10/23/2026 (60 %).", short="one prognostic block 60 %", evidence=(good.id,)
    )
    blank = celiac_block(days_before(10))
    assert judge(PROGNOSTIC, facts(DOS, line("64680")), [blank], codes=("64680",)) == Outcome(
        FAILED,
        "Needs one prognostic block at 64680, with the relief documented. Found: 10/23/2026 "
        "(relief not documented).",
        short="0 of 1 prognostic blocks",
        evidence=(blank.id,),
    )


def test_a_block_without_an_element_to_judge_only_has_to_exist_within_the_months():
    check = {**PROGNOSTIC, "element": None, "within_months": 3, "count": 2, "min_days_apart": 7}
    inside = [celiac_block(days_before(14)), celiac_block(days_before(10))]
    assert judge(check, facts(DOS, line("64680")), inside, codes=("64680",)) == Outcome(
        FAILED,
        "Needs two prognostic blocks at 64680, at least 7 days apart. Found: 10/19/2026; "
        "10/23/2026.",
        short="1 of 2 prognostic blocks",
        evidence=tuple(n.id for n in inside),
    )
    apart = [celiac_block(days_before(27)), celiac_block(days_before(20))]
    assert judge(check, facts(DOS, line("64680")), apart, codes=("64680",)) == Outcome(
        MET,
        "10/06/2026; 10/13/2026, 7 days apart.",
        short="two prognostic blocks",
        evidence=tuple(n.id for n in apart),
    )
    # Three months before to the day is outside.
    old = [celiac_block(datetime.date(2026, 8, 2)), celiac_block(datetime.date(2026, 8, 10))]
    assert judge(check, facts(DOS, line("64680")), old, codes=("64680",)).evidence == (old[1].id,)


def test_a_repeat_within_its_months_waives_and_after_them_only_later_blocks_count():
    check = {**BLOCKS, "repeat": {"codes": ["64635"], "waive_within_months": 24}}
    last = rf(datetime.date(2024, 11, 2))
    assert judge(check, rf(DOS), [last], codes=("64635",)) == Outcome(
        MET,
        "Repeat procedure: the last one at L4-L5 left was on 11/02/2024, within 24 months, so "
        "the blocks need not be repeated (the repeat criteria apply instead).",
        short="repeat of 11/02/2024",
        evidence=(last.id,),
    )
    older = rf(datetime.date(2024, 11, 1))
    same_day_block = block(datetime.date(2024, 11, 1), 90)
    assert judge(check, rf(DOS), [older, same_day_block], codes=("64635",)) == Outcome(
        FAILED,
        "The last procedure at L4-L5 left was on 11/01/2024, more than 24 months ago: only "
        "blocks after it count. Needs two blocks at L4-L5 left, each with at least 80 % relief. "
        "Found: none.",
        short="0 of 2 blocks",
    )
