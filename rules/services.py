"""Writes: storing rule results, patient coverage, payers. Each change is audited."""

import logging

from django.db import transaction

from audit.models import AuditEvent
from checklists.models import Note

from .facts import NoteFacts
from .models import NoteRuleResult, NoteRuleStatus, PatientCoverage
from .selectors import rules_for_patient, signed_notes

logger = logging.getLogger(__name__)


@transaction.atomic
def refresh_patient(patient_id) -> int:
    """Re-evaluate and store the results of every signed note of the patient.

    A note's result depends on the patient's other notes (a block signed late, a second
    RF), the payer and the packs, so any of those changing re-checks all of them.
    """
    notes = list(signed_notes(patient_id))
    history = tuple(NoteFacts.from_note(note) for note in notes)
    context = rules_for_patient(patient_id, history=history)
    NoteRuleResult.objects.filter(note__patient_id=patient_id).delete()
    statuses, rows = [], []
    for note, facts in zip(notes, history, strict=True):
        evaluation = context.evaluate(facts)
        statuses.append(
            NoteRuleStatus(
                note=note,
                state=evaluation.state,
                payer_name=evaluation.payer,
                failing=len(evaluation.failing),
            )
        )
        rows += [
            NoteRuleResult(
                note=note,
                rule_key=result.key,
                title=result.title[:200],
                severity=result.severity,
                status=result.status,
                detail=result.outcome.detail,
            )
            for result in evaluation.results
        ]
    # One statement each, whatever the length of the patient's history (this runs on
    # every signature).
    NoteRuleStatus.objects.bulk_create(
        statuses,
        update_conflicts=True,
        unique_fields=["note"],
        update_fields=["state", "payer_name", "failing", "evaluated_at"],
    )
    NoteRuleResult.objects.bulk_create(rows)
    return len(notes)


def refresh_patient_safely(patient_id):
    """Refresh inside a savepoint: a rules problem must never stop a note being signed."""
    try:
        with transaction.atomic():
            refresh_patient(patient_id)
    except Exception:  # noqa: BLE001 - logged; `manage.py load_rule_packs` rebuilds them
        logger.exception("Payer rules could not be re-checked for patient %s", patient_id)


def refresh_all() -> int:
    patients = (
        Note.objects.exclude(status=Note.Status.DRAFT)
        .order_by()
        .values_list("patient_id", flat=True)
        .distinct()
    )
    return sum(refresh_patient(patient_id) for patient_id in list(patients))


@transaction.atomic
def set_coverage(patient, *, payer, member_id="", actor=None, request=None) -> PatientCoverage:
    coverage = PatientCoverage.objects.select_for_update().filter(patient=patient).first()
    before = {"payer": None, "member_id": ""}
    if coverage is None:
        coverage = PatientCoverage(patient=patient)
    else:
        before = {"payer": coverage.primary_payer.name, "member_id": coverage.member_id}
    coverage.primary_payer = payer
    coverage.member_id = member_id
    coverage.updated_by = actor
    coverage.save()
    AuditEvent.objects.record(
        "patient.coverage",
        actor=actor,
        request=request,
        object_type="patient",
        object_id=patient.pk,
        before=before,
        after={"payer": payer.name, "member_id": member_id},
    )
    refresh_patient(patient.pk)
    return coverage


@transaction.atomic
def save_payer(form, *, actor=None, request=None):
    """Save a PayerForm and re-check the notes of every patient it covers."""
    created = form.instance.pk is None
    payer = form.save()
    AuditEvent.objects.record(
        "payer.create" if created else "payer.update",
        actor=actor,
        request=request,
        object_type="payer",
        object_id=payer.pk,
        name=payer.name,
        kind=payer.kind,
        packs=sorted(payer.packs.values_list("key", flat=True)),
    )
    for patient_id in payer.coverages.values_list("patient_id", flat=True):
        refresh_patient(patient_id)
    return payer
