"""'Not claim-ready' and 'fails rule X' for the review dashboard, from the stored results,
through the dashboard's own filters (review.filters.NoteFilter)."""

from checklists.models import Note
from review.filters import NoteFilter
from rules import selectors as rule_selectors
from tests.rules.history import DOS, block_note, days_before, rf_note


def notes_for(data):
    return set(NoteFilter(data, queryset=Note.objects.all(), clinicians=[], codes=[]).qs)


def test_not_claim_ready_and_fails_rule_x_narrow_the_dashboard(
    clinician, medicare_patient, django_assert_max_num_queries
):
    block = block_note(clinician, medicare_patient, days_before(60), 85)
    failing = rf_note(clinician, medicare_patient, days_before(30), side="right")
    cold = rf_note(
        clinician,
        medicare_patient,
        DOS,
        side="right",
        site="L5-S1",
        answers={"rf_temperature": "70"},
    )
    draft = rf_note(clinician, medicare_patient, DOS, sign=False)
    assert notes_for({"claim": "not_ready"}) == {failing, cold}
    blocks_rule = "medicare-facet-rf/two-diagnostic-blocks"
    temperature_rule = "medicare-facet-rf/lesion-temperature"
    assert notes_for({"fails_rule": temperature_rule}) == {cold}
    assert notes_for({"fails_rule": blocks_rule}) == {failing, cold}
    # A draft has no result yet: it is in neither list.
    assert notes_for({"claim": "ready"}) == {block}
    assert draft not in notes_for({"claim": "not_ready"}) | notes_for({"claim": "ready"})
    with django_assert_max_num_queries(1):
        list(rule_selectors.filter_failing_rule(Note.objects.all(), blocks_rule))


def test_the_rule_choices_name_pack_and_rule(packs):
    choices = dict(rule_selectors.rule_choices())
    assert choices["medicare-facet-rf/two-sessions-per-region"] == (
        "Medicare facet joint RF ablation: At most 2 RF sessions per spinal region in 12 months"
    )
    assert "medicare-morton-neuroma/three-per-site-in-6-months" in choices


def test_an_unknown_rule_is_a_form_error_not_a_crash(packs):
    filterset = NoteFilter(
        {"fails_rule": "no/such-rule"}, queryset=Note.objects.all(), clinicians=[], codes=[]
    )
    assert not filterset.is_valid() and "fails_rule" in filterset.errors
