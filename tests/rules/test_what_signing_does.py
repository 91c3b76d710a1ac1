"""What one signature sets off, read from the rows it leaves (checklists/signing_effects.py).

Signing a Medicare patient's radiofrequency note, with a manager's query open on it and
another on the patient's signed block two weeks before: the note is signed, the query on
it is closed as answered by the signature, the block's query stays open, the payer rules
are checked and stored for both notes (one diagnostic block where Medicare wants two: the
RF is not ready), and the dashboard's tallies count both notes as signed.
"""

from review import queries
from review.models import DocumentationQuery, NoteTally
from rules.models import NoteRuleStatus
from tests.rules.history import DOS, block_note, days_before, rf_note


def test_signing_closes_the_notes_queries_rechecks_the_payer_rules_and_counts_it(
    clinician, manager, medicare_patient
):
    draft = rf_note(clinician, medicare_patient, DOS, sign=False)
    other = block_note(clinician, medicare_patient, days_before(14), 80)
    queries.open_query(note=draft, manager=manager, message="Please sign this.")
    queries.open_query(note=other, manager=manager, message="Which level was blocked?")
    NoteRuleStatus.objects.all().delete()  # what signing the block stored

    from checklists.services import sign_note

    signed = sign_note(draft, user=clinician, version=draft.version)

    assert signed.status == "signed"
    assert sorted(
        DocumentationQuery.objects.values_list("note_id", "message", "resolution", "closed_by")
    ) == sorted(
        [
            (draft.pk, "Please sign this.", "signed", clinician.pk),
            (other.pk, "Which level was blocked?", "", None),
        ]
    )
    assert sorted(NoteRuleStatus.objects.values_list("note_id", "state")) == sorted(
        [(other.pk, "ready"), (draft.pk, "not_ready")]
    )
    assert sorted(
        NoteTally.objects.filter(months=1)
        .filter(note_count__gt=0)
        .values_list("month", "status", "note_count")
    ) == [(days_before(14).replace(day=1), "signed", 1), (DOS.replace(day=1), "signed", 1)]
