"""The Medicare facet pack on real signed notes: blocks, the RF note, stored results."""

from rules.models import NoteRuleResult, NoteRuleStatus, Payer
from rules.selectors import evaluate_note
from rules.services import set_coverage
from tests.rules.history import DOS, block_note, days_before, line_dict, note_on, rf_note


def status_of(note):
    return NoteRuleStatus.objects.get(note=note)


def test_blocks_at_85_and_79_percent_leave_the_rf_not_claim_ready(clinician, medicare_patient):
    block_note(clinician, medicare_patient, days_before(40), 85)
    block_note(clinician, medicare_patient, days_before(20), 79, purpose="diagnostic_confirmatory")
    rf = rf_note(clinician, medicare_patient, DOS)
    evaluation = evaluate_note(rf)
    assert not evaluation.claim_ready
    assert [r.key for r in evaluation.failing] == ["medicare-facet-rf/two-diagnostic-blocks"]
    assert "79 %, below 80 %" in evaluation.failing[0].outcome.detail
    stored = status_of(rf)
    assert (stored.state, stored.failing, stored.payer_name) == ("not_ready", 1, "Medicare (test)")
    failed = NoteRuleResult.objects.get(note=rf, status="failed", severity="blocks")
    assert failed.rule_key == "medicare-facet-rf/two-diagnostic-blocks"


def test_blocks_at_85_and_90_percent_make_the_rf_claim_ready(clinician, medicare_patient):
    first = block_note(clinician, medicare_patient, days_before(40), 85)
    second = block_note(clinician, medicare_patient, days_before(20), 90)
    rf = rf_note(clinician, medicare_patient, DOS)
    evaluation = evaluate_note(rf)
    assert evaluation.claim_ready, [r.outcome.detail for r in evaluation.failing]
    blocks = next(r for r in evaluation.results if r.rule["id"] == "two-diagnostic-blocks")
    assert blocks.outcome.evidence == (first.pk, second.pk)
    assert status_of(rf).state == "ready"


def test_a_block_signed_after_the_rf_note_rechecks_it(clinician, medicare_patient):
    block_note(clinician, medicare_patient, days_before(40), 85)
    rf = rf_note(clinician, medicare_patient, DOS)
    assert status_of(rf).state == "not_ready"
    # The second block was done before the RF but documented late.
    block_note(clinician, medicare_patient, days_before(20), 90)
    assert status_of(rf).state == "ready"


def test_drafts_are_no_evidence_and_are_not_stored(clinician, medicare_patient):
    block_note(clinician, medicare_patient, days_before(40), 85)
    note_on(
        clinician,
        medicare_patient,
        days_before(20),
        [line_dict("64493", "left", "L4-L5")],
        {"block_relief_percent": "90"},
        sign=False,
    )
    rf = rf_note(clinician, medicare_patient, DOS, sign=False)
    assert not NoteRuleStatus.objects.filter(note=rf).exists()
    assert not evaluate_note(rf).claim_ready


def test_changing_the_payer_rechecks_the_patients_notes(clinician, medicare_patient):
    rf = rf_note(clinician, medicare_patient, DOS)
    assert status_of(rf).state == "not_ready"
    commercial = Payer.objects.create(name="Plain commercial", kind=Payer.Kind.COMMERCIAL)
    set_coverage(medicare_patient, payer=commercial)
    assert status_of(rf).state == "ready"


def test_a_patient_without_a_payer_is_not_checked(clinician, patient, packs):
    rf = rf_note(clinician, patient, DOS)
    assert status_of(rf).state == "no_payer"
    assert not NoteRuleResult.objects.filter(note=rf).exists()
