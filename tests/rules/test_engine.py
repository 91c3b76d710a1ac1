"""The engine: which rules run, claim-ready, and eligibility of a planned procedure."""

import dataclasses
import datetime

from rules.checks import add_months
from rules.engine import NO_PAYER, NOT_READY, READY, eligibility, evaluate
from tests.rules.history import DOS, block, days_before, facts, line, pack, rf

FACET = pack("medicare-facet-rf")
PASSING = {
    "rf_temperature": "85",
    "imaging_modality": "fluoroscopy",
    "pain_duration_months": "6",
    "axial_pain_without_radiculopathy": "yes",
    "functional_scale_name": "odi",
    "conservative_care_failure": "Six months of physical therapy and NSAIDs, no change.",
    "diagnosis": [
        {
            "code": "M47.816",
            "description": "Spondylosis without myelopathy or radiculopathy, lumbar region",
        }
    ],
}


def test_only_rules_for_the_notes_codes_run_and_all_must_pass_to_be_claim_ready():
    blocks = [block(days_before(40), 85), block(days_before(20), 90)]
    evaluation = evaluate(rf(DOS, answers=PASSING), blocks, [FACET], payer="Medicare")
    assert evaluation.state == READY and evaluation.claim_ready
    assert {r.rule["id"] for r in evaluation.results} == {r["id"] for r in FACET["rules"]}
    assert set(evaluation.evidence_note_ids) == {b.id for b in blocks}
    chemo = evaluate(facts(DOS, line("64642")), [], [FACET], payer="Medicare")
    assert chemo.results == () and chemo.claim_ready


def test_a_failed_warning_does_not_stop_claim_ready_but_a_failed_required_rule_does():
    blocks = [block(days_before(40), 85), block(days_before(20), 90)]
    sedated = rf(DOS, answers=PASSING | {"sedation_level": "moderate"})
    evaluation = evaluate(sedated, blocks, [FACET], payer="Medicare")
    assert evaluation.state == READY
    assert [r.rule["id"] for r in evaluation.warnings] == ["sedation-reason"]
    cold = rf(DOS, answers=PASSING | {"rf_temperature": "70"})
    evaluation = evaluate(cold, blocks, [FACET], payer="Medicare")
    assert evaluation.state == NOT_READY
    assert [r.key for r in evaluation.failing] == ["medicare-facet-rf/lesion-temperature"]


def test_without_a_payer_no_note_is_claim_ready():
    evaluation = evaluate(rf(DOS, answers=PASSING), [], [], payer="")
    assert evaluation.state == NO_PAYER and not evaluation.claim_ready


def test_a_pack_and_a_rule_apply_only_from_their_effective_dates():
    before_lcd = datetime.date(2021, 4, 24)
    assert evaluate(rf(before_lcd), [], [FACET], payer="Medicare").results == ()
    hospital = rf(datetime.date(2023, 6, 30), answers=PASSING)
    hospital = dataclasses.replace(hospital, place_of_service="22")
    ids = {r.rule["id"] for r in evaluate(hospital, [], [FACET], payer="M").results}
    assert "opd-prior-authorization" not in ids  # the prior-authorization notice starts 2023-07-01
    later = dataclasses.replace(hospital, date=datetime.date(2023, 7, 1))
    result = next(
        r
        for r in evaluate(later, [], [FACET], payer="M").results
        if r.rule["id"] == "opd-prior-authorization"
    )
    assert result.status == "failed" and result.severity == "warning"


def test_a_planned_rf_is_eligible_from_the_day_the_oldest_session_leaves_the_window():
    first = rf(add_months(DOS, -11), side="right", site="L5-S1")
    blocks = [block(days_before(100), 85), block(days_before(80), 90)]
    second = rf(days_before(40))
    planned = facts(DOS, line("64635", "right", "L5-S1"))
    result = eligibility(planned, [first, *blocks, second], [FACET], payer="Medicare")
    # On its own date it would be the third lumbar session in 12 months: said first.
    assert not result.eligible
    assert result.date == add_months(first.date, 12)
    assert result.sentence() == (
        "Not eligible for 64635 L5-S1 right on 11/02/2026: 3 RF sessions in 12 months. "
        f"It would be eligible from {result.date:%m/%d/%Y}"
    )
    assert any(r.status == "to_document" for r in result.to_document)
    assert [r.status for r in result.later.failing] == []


def test_a_planned_rf_without_blocks_is_not_eligible_whatever_the_date():
    planned = facts(DOS, line("64635", "left", "L4-L5"))
    result = eligibility(planned, [block(days_before(30), 85)], [FACET], payer="Medicare")
    assert not result.eligible and result.date is None
    assert result.sentence() == (
        "Not eligible for 64635 L4-L5 left on 11/02/2026: 1 of 2 diagnostic medial branch "
        "blocks. No later date makes it eligible"
    )


def test_a_planned_rf_with_two_good_blocks_is_eligible_today_and_says_why():
    blocks = [block(days_before(40), 85), block(days_before(20), 90)]
    result = eligibility(facts(DOS, line("64635", "left", "L4-L5")), blocks, [FACET], payer="M")
    assert result.eligible and result.date == DOS
    assert result.sentence() == (
        "Eligible for 64635 L4-L5 left on 11/02/2026: two diagnostic medial branch blocks "
        "85 % and 90 %; 1 RF session in 12 months; no earlier RF; 1 facet level in the lumbar "
        "or sacral spine"
    )
