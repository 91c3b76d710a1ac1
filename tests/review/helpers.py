"""Helpers for the review tests: notes in known states, fast."""

import datetime

from checklists import services
from checklists.models import CodeLine, Note, NoteGap
from tests.notes import DOS, complete_answers, make_note


def required_keys(note, count=2) -> list[str]:
    """`count` required elements of the note that no condition hides."""
    keys = [
        e["key"]
        for e in note.definitions["elements"]
        if e["requirement"] == "required" and not e.get("condition") and e["key"] != "technique"
    ]
    return keys[:count]


def make_note_missing(clinician, patient, kind="64681", *, missing=(), **header):
    """A note documented completely except the `missing` element keys."""
    note = make_note(clinician, patient, kind, complete=True)
    if missing:
        answers = {k: v for k, v in note.answers.items() if k not in missing}
        note = services.save_note(note, version=note.version, answers=answers, actor=clinician)
    if header:
        Note.objects.filter(pk=note.pk).update(**header)
        note.refresh_from_db()
    return note


def clone_notes(template, count, *, start=None):
    """`count` copies of `template` (lines and gaps too) with bulk_create: for scale tests."""
    start = start or DOS
    lines = list(template.lines.all())
    gaps = list(template.gaps.all())
    notes = []
    for index in range(count):
        note = Note(
            patient_id=template.patient_id,
            clinician_id=template.clinician_id,
            date_of_service=start - datetime.timedelta(days=index % 90),
            place_of_service=template.place_of_service,
            status=Note.Status.DRAFT,
            catalog_version=template.catalog_version,
            definitions=template.definitions,
            answers=template.answers,
            required_total=template.required_total,
            required_missing=template.required_missing,
            recommended_total=template.recommended_total,
            recommended_missing=template.recommended_missing,
            completeness=template.completeness,
            element_status=template.element_status,
        )
        notes.append(note)
    Note.objects.bulk_create(notes)
    CodeLine.objects.bulk_create(
        CodeLine(
            note=note,
            position=line.position,
            code=line.code,
            units=line.units,
            modifiers=line.modifiers,
            side=line.side,
            site=line.site,
        )
        for note in notes
        for line in lines
    )
    NoteGap.objects.bulk_create(
        NoteGap(note=note, element_key=g.element_key, label=g.label, requirement=g.requirement)
        for note in notes
        for g in gaps
    )
    return notes


__all__ = ["make_note_missing", "clone_notes", "required_keys", "complete_answers", "make_note"]
