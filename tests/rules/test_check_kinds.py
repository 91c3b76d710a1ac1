"""Every check kind on hand-built histories, just inside and just outside each window and
threshold, through the shipped packs' own rules (pure: no database)."""

import dataclasses
import datetime

from rules.checks import FAILED, MET, NOT_APPLICABLE, TO_DOCUMENT, add_months
from tests.rules.history import (
    DOS,
    block,
    days_before,
    facts,
    judge,
    line,
    morton,
    rf,
    rule,
)

FACET = "medicare-facet-rf"


# --- element_value -----------------------------------------------------------------------


def test_a_lesion_at_80_c_passes_and_at_79_9_c_fails():
    assert (
        judge(FACET, "lesion-temperature", rf(DOS, answers={"rf_temperature": "80"})).status == MET
    )
    outcome = judge(FACET, "lesion-temperature", rf(DOS, answers={"rf_temperature": "79.9"}))
    assert outcome.status == FAILED
    assert "79.9 C; at least 80 C is required" in outcome.detail
    assert outcome.elements == ("rf_temperature",)


def test_an_undocumented_value_fails_and_a_condition_not_met_does_not_apply():
    assert judge(FACET, "lesion-temperature", rf(DOS)).detail.endswith("is not documented.")
    cooled = rf(DOS, answers={"technique": "cooled_rf", "rf_temperature": "60"})
    assert judge(FACET, "lesion-temperature", cooled).status == NOT_APPLICABLE


def test_a_value_must_be_one_of_the_accepted_choices():
    fluoro = rf(DOS, answers={"imaging_modality": "fluoroscopy"})
    ultrasound = rf(DOS, answers={"imaging_modality": "ultrasound"})
    assert judge(FACET, "image-guidance", fluoro).status == MET
    assert judge(FACET, "image-guidance", ultrasound).status == FAILED


def test_includes_all_names_each_missing_measure():
    three = morton(
        DOS, answers={"conservative_care_tried": ["padding_orthotics", "footwear", "medication"]}
    )
    outcome = judge("anthem-morton-neuroma", "three-conservative-measures", three)
    assert outcome.status == FAILED and "activity modification" in outcome.detail
    four = morton(
        DOS,
        answers={
            "conservative_care_tried": [
                "padding_orthotics",
                "footwear",
                "medication",
                "activity_modification",
                "home_exercise",
            ]
        },
    )
    assert judge("anthem-morton-neuroma", "three-conservative-measures", four).status == MET


def test_the_first_documented_of_several_elements_counts():
    toxin = facts(DOS, line("64642"), answers={"toxin_dose_units_abo": "500"})
    assert judge("medicare-chemodenervation", "dose-in-units", toxin).status == MET
    none = facts(DOS, line("64642"))
    assert judge("medicare-chemodenervation", "dose-in-units", none).status == FAILED


def test_not_applicable_with_a_reason_counts_only_where_the_rule_accepts_it():
    first = dataclasses.replace(
        facts(DOS, line("64642")),
        answers={"prior_toxin_response": {"na_reason": "First treatment"}},
    )
    assert judge("medicare-chemodenervation", "earlier-response", first).status == MET
    no_reason = facts(DOS, line("64642"))
    assert judge("medicare-chemodenervation", "earlier-response", no_reason).status == FAILED


# --- sessions_in_window ------------------------------------------------------------------


def test_two_rf_sessions_in_12_months_pass_and_a_third_fails():
    earlier = rf(add_months(DOS, -6), side="right", site="L5-S1")
    assert judge(FACET, "two-sessions-per-region", rf(DOS), [earlier]).status == MET
    just_inside = rf(add_months(DOS, -12) + datetime.timedelta(days=1), site="L3-L4")
    outcome = judge(FACET, "two-sessions-per-region", rf(DOS), [earlier, just_inside])
    assert outcome.status == FAILED
    assert "3 RF sessions in the lumbar or sacral spine" in outcome.detail
    # The oldest session leaves the window on its anniversary.
    assert outcome.eligible_from == add_months(just_inside.date, 12)


def test_a_session_on_the_anniversary_12_months_back_is_outside_the_window():
    earlier = rf(add_months(DOS, -6), side="right", site="L5-S1")
    on_anniversary = rf(add_months(DOS, -12), site="L3-L4")
    assert (
        judge(FACET, "two-sessions-per-region", rf(DOS), [earlier, on_anniversary]).status == MET
    )


def test_sessions_in_another_spinal_region_do_not_count():
    neck = [rf(days_before(30), code="64633", site="C5-C6"), rf(days_before(60), code="64633")]
    assert judge(FACET, "two-sessions-per-region", rf(DOS), neck).status == MET


def test_two_notes_on_one_day_are_one_session():
    same_day = [rf(days_before(90), side="left"), rf(days_before(90), side="right")]
    outcome = judge(FACET, "two-sessions-per-region", rf(DOS), same_day)
    assert outcome.status == MET and outcome.short == "2 RF sessions in 12 months"


def test_a_count_can_be_limited_to_notes_with_a_purpose():
    def si(day, purpose):
        return facts(day, line("27096", "left"), answers={"block_purpose": purpose})

    history = [si(days_before(60), "diagnostic_first"), si(days_before(30), "therapeutic")]
    third = si(DOS, "diagnostic_confirmatory")
    assert judge("medicare-sacroiliac", "diagnostic-sessions", third, history).status == MET
    history.append(si(days_before(20), "diagnostic_confirmatory"))
    assert judge("medicare-sacroiliac", "diagnostic-sessions", third, history).status == FAILED
    assert (
        judge("medicare-sacroiliac", "diagnostic-sessions", si(DOS, "therapeutic"), history).status
        == NOT_APPLICABLE
    )


# --- the Morton's neuroma 6-month rule ---------------------------------------------------


def _three_in_six_months(first_day):
    return [morton(first_day), morton(days_before(60)), morton(days_before(30))]


def test_a_fourth_injection_at_one_site_in_6_months_needs_a_reason():
    history = _three_in_six_months(add_months(DOS, -6) + datetime.timedelta(days=1))
    outcome = judge("medicare-morton-neuroma", "three-per-site-in-6-months", morton(DOS), history)
    assert outcome.status == FAILED
    assert "4 injections at 3rd left in the 6 months" in outcome.detail
    assert "Justify it in the note" in outcome.detail
    assert outcome.eligible_from == add_months(history[0].date, 6)


def test_a_fourth_injection_passes_once_the_first_is_6_months_old():
    history = _three_in_six_months(add_months(DOS, -6))
    assert (
        judge("medicare-morton-neuroma", "three-per-site-in-6-months", morton(DOS), history).status
        == MET
    )


def test_a_documented_reason_justifies_the_fourth_injection():
    history = _three_in_six_months(days_before(100))
    justified = morton(DOS, answers={"repeat_injection_justification": "Pain halved after each."})
    outcome = judge("medicare-morton-neuroma", "three-per-site-in-6-months", justified, history)
    assert outcome.status == MET and "reason is documented" in outcome.detail


def test_injections_at_another_interspace_or_side_do_not_count():
    other_space = [morton(days_before(d), site="2nd") for d in (100, 60, 30)]
    other_side = [morton(days_before(d), side="right") for d in (100, 60, 30)]
    for history in (other_space, other_side):
        outcome = judge(
            "medicare-morton-neuroma", "three-per-site-in-6-months", morton(DOS), history
        )
        assert outcome.status == MET


# --- interval_since_last -----------------------------------------------------------------


def test_a_repeat_rf_at_the_same_level_and_side_waits_6_months():
    on_time = rf(add_months(DOS, -6))
    assert judge(FACET, "repeat-interval", rf(DOS), [on_time]).status == MET
    too_soon = rf(add_months(DOS, -6) + datetime.timedelta(days=1))
    outcome = judge(FACET, "repeat-interval", rf(DOS), [too_soon])
    assert outcome.status == FAILED
    assert outcome.eligible_from == add_months(too_soon.date, 6)
    assert outcome.evidence == (too_soon.id,)


def test_an_rf_at_another_side_or_level_is_not_a_repeat():
    assert (
        judge(FACET, "repeat-interval", rf(DOS), [rf(days_before(30), side="right")]).status == MET
    )
    assert (
        judge(FACET, "repeat-interval", rf(DOS), [rf(days_before(30), site="L5-S1")]).status == MET
    )
    outcome = judge(FACET, "repeat-interval", rf(DOS), [])
    assert outcome.detail == "No earlier RF at this side and level."


def test_an_interval_in_days_is_counted_in_days():
    earlier = facts(days_before(84), line("64642"))
    assert (
        judge(
            "medicare-chemodenervation", "frequency", facts(DOS, line("64644")), [earlier]
        ).status
        == MET
    )
    earlier = facts(days_before(83), line("64642"))
    outcome = judge("medicare-chemodenervation", "frequency", facts(DOS, line("64644")), [earlier])
    assert outcome.status == FAILED and outcome.eligible_from == days_before(-1)


# --- prerequisite_notes ------------------------------------------------------------------


def test_two_blocks_of_at_least_80_percent_14_days_apart_are_met():
    history = [block(days_before(40), 80), block(days_before(26), 95)]
    outcome = judge(FACET, "two-diagnostic-blocks", rf(DOS), history)
    assert outcome.status == MET
    assert outcome.short == "two diagnostic medial branch blocks 80 % and 95 %"
    assert outcome.evidence == tuple(b.id for b in history)


def test_a_block_of_79_percent_does_not_count():
    history = [block(days_before(40), 85), block(days_before(20), 79)]
    outcome = judge(FACET, "two-diagnostic-blocks", rf(DOS), history)
    assert outcome.status == FAILED
    assert "(79 %, below 80 %)" in outcome.detail and "(85 %)" in outcome.detail


def test_the_second_block_14_days_after_the_first_is_an_unconfirmed_warning():
    assert rule(FACET, "blocks-two-weeks-apart")[1]["severity"] == "warning"
    assert "UNCONFIRMED" in rule(FACET, "blocks-two-weeks-apart")[1]["statement"]
    close = [block(days_before(40), 90), block(days_before(27), 90)]
    assert judge(FACET, "two-diagnostic-blocks", rf(DOS), close).status == MET
    assert (
        judge(
            FACET,
            "blocks-two-weeks-apart",
            rf(DOS),
            [block(days_before(40), 90), block(days_before(26), 90)],
        ).status
        == MET
    )
    outcome = judge(FACET, "blocks-two-weeks-apart", rf(DOS), close)
    assert outcome.status == FAILED and "at least 14 days apart" in outcome.detail


def test_blocks_must_cover_the_side_level_and_region_ablated():
    good = [block(days_before(40), 90), block(days_before(20), 90)]
    assert judge(FACET, "two-diagnostic-blocks", rf(DOS, side="right"), good).status == FAILED
    assert judge(FACET, "two-diagnostic-blocks", rf(DOS, site="L5-S1"), good).status == FAILED
    neck = [block(d, 90, code="64490", site="L4-L5") for d in (days_before(40), days_before(20))]
    assert judge(FACET, "two-diagnostic-blocks", rf(DOS), neck).status == FAILED
    both_sides = [
        block(d, 90, side="bilateral", site="L4-5") for d in (days_before(40), days_before(20))
    ]
    assert judge(FACET, "two-diagnostic-blocks", rf(DOS), both_sides).status == MET


def test_therapeutic_injections_are_not_diagnostic_blocks():
    history = [block(days_before(40), 90), block(days_before(20), 90, purpose="therapeutic")]
    assert judge(FACET, "two-diagnostic-blocks", rf(DOS), history).status == FAILED


def test_a_repeat_rf_needs_no_new_blocks_and_after_2_years_only_a_warning_asks():
    redo = "repeat-blocks-after-two-years"
    assert rule(FACET, redo)[1]["severity"] == "warning"
    old_blocks = [block(add_months(DOS, -30), 90), block(add_months(DOS, -29), 90)]
    within = rf(add_months(DOS, -24))
    outcome = judge(FACET, redo, rf(DOS), [*old_blocks, within])
    assert outcome.status == MET and outcome.detail.startswith("Repeat procedure")
    beyond = rf(add_months(DOS, -24) - datetime.timedelta(days=1))
    blocking = judge(FACET, "two-diagnostic-blocks", rf(DOS), [*old_blocks, beyond])
    assert blocking.status == MET and blocking.detail.startswith("Repeat procedure")
    outcome = judge(FACET, redo, rf(DOS), [*old_blocks, beyond])
    assert outcome.status == FAILED and "only diagnostic medial branch blocks after it count" in (
        outcome.detail
    )
    new_blocks = [block(days_before(40), 90), block(days_before(20), 90)]
    assert judge(FACET, redo, rf(DOS), [*old_blocks, beyond, *new_blocks]).status == MET
    # A first ablation is not a repeat: the warning does not apply.
    assert judge(FACET, redo, rf(DOS), new_blocks).status == "not_applicable"


def test_a_prognostic_block_rule_only_asks_for_the_relief_to_be_documented():
    shp = facts(days_before(10), line("64517"), answers={"block_relief_percent": "40"})
    target = facts(DOS, line("64681"))
    assert (
        judge("medicare-plexus-neurolysis", "hypogastric-prognostic-block", target, [shp]).status
        == MET
    )
    assert (
        judge("medicare-plexus-neurolysis", "hypogastric-prognostic-block", target, []).status
        == FAILED
    )


# --- units_per_session and not_covered ---------------------------------------------------


def test_two_facet_levels_per_session_pass_and_three_fail():
    two = facts(DOS, line("64635", "left", "L4-L5"), line("64636", "left", "L5-S1"))
    assert judge(FACET, "two-levels-per-session", two).status == MET
    bilateral = facts(
        DOS, line("64635", "bilateral", "L4-L5"), line("64636", "bilateral", "L5-S1")
    )
    assert judge(FACET, "two-levels-per-session", bilateral).status == MET
    three = facts(
        DOS, line("64635", "left", "L3-L4"), line("64636", "left", "L4-L5, L5-S1", units=2)
    )
    outcome = judge(FACET, "two-levels-per-session", three)
    assert outcome.status == FAILED and "3 facet levels" in outcome.detail


def test_si_radiofrequency_is_never_covered_by_medicare():
    outcome = judge("medicare-sacroiliac", "rf-not-covered", facts(DOS, line("64625", "left")))
    assert outcome.status == FAILED and "do not cover" in outcome.detail


# --- planning ----------------------------------------------------------------------------


def test_a_planned_procedure_lists_documentation_rules_as_to_document():
    planned = facts(DOS, line("64635", "left", "L4-L5"))
    assert judge(FACET, "lesion-temperature", planned, planning=True).status == TO_DOCUMENT
