"""Writes that span several rows: creating, saving, signing and amending a note.

Each runs in one transaction and leaves an audit event. Drafts are protected against lost
updates by their version number; a signed note is never written again (corrections are
addenda).
"""

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from coding.for_note import claim_for_note
from coding.problems import blocking, warnings
from coding.scrub import scrub

from . import canonical, history_prefill, signed_pdfs, signing_effects
from .completeness import applicable_elements, assess
from .copy_forward import (
    carried_after,
    confirm_section,
    still_unconfirmed,
    unconfirmed_by_section,
)
from .models import Addendum, CodeLine, Note, NoteGap
from .snapshot import build_definitions, payer_kind_of
from .verification import text_digest

ATTESTATION = (
    "I personally performed or directly supervised this procedure. This note is accurate "
    "and complete to the best of my knowledge, and I sign it electronically."
)


class NoteLocked(Exception):
    """The note is signed: it can only get addenda."""


class StaleVersion(Exception):
    """Somebody saved the note since this form was opened."""

    def __init__(self, current: Note):
        super().__init__(f"note {current.pk} is at version {current.version}")
        self.current = current


class SigningRefused(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def line_dicts(note) -> list[dict]:
    return [
        {
            "code": line.code,
            "units": line.units,
            "modifiers": list(line.modifiers),
            "side": line.side,
            "site": line.site,
            "technique": line.technique,
        }
        for line in note.lines.all()
    ]


def claim_problems(note, lines=None, answers=None):
    """Every problem the claim scrubber finds on the note's date of service (coding/).

    Not `Note.coding_problems`, which stores how many of these block signing."""
    lines = line_dicts(note) if lines is None else lines
    return scrub(claim_for_note(note, lines, answers))


def assess_completeness(note):
    """What is documented and what is missing (completeness.Completeness). Not
    `Note.completeness`, which stores the percentage for the lists."""
    return assess(note.definitions.get("elements", []), note.answers or {})


def _store_results(note, lines):
    result = assess_completeness(note)
    note.required_total = result.required_total
    note.required_missing = result.required_missing
    note.recommended_total = result.recommended_total
    note.recommended_missing = result.recommended_missing
    note.completeness = result.percent
    note.coding_problems = len(blocking(claim_problems(note, lines)))
    note.element_status = result.element_status
    # Write only the gaps that changed: an autosave closes one or two of thirty, and each
    # gap row written also moves the dashboard's tallies (review/tally_triggers.py).
    wanted = {(g.key, g.label, g.requirement) for g in result.missing}
    stored = {
        (key, label, requirement): pk
        for pk, key, label, requirement in NoteGap.objects.filter(note=note).values_list(
            "pk", "element_key", "label", "requirement"
        )
    }
    closed = [pk for gap, pk in stored.items() if gap not in wanted]
    if closed:
        NoteGap.objects.filter(pk__in=closed).delete()
    NoteGap.objects.bulk_create(
        NoteGap(note=note, element_key=g.key, label=g.label, requirement=g.requirement)
        for g in result.missing
        if (g.key, g.label, g.requirement) not in stored
    )


def with_code_techniques(lines, definitions: dict) -> list[dict]:
    """The lines, each naming its technique when its code covers only one (64681 is
    chemical neurolysis, 64642 chemodenervation): choosing the code chose it."""
    codes = definitions.get("codes", {})
    result = []
    for line in lines:
        covered = codes.get(line["code"], {}).get("techniques", [])
        if not line.get("technique") and len(covered) == 1:
            line = {**line, "technique": covered[0]}
        result.append({"technique": "", **line})
    return result


def shared_technique(lines) -> str:
    """The technique every line names, or "" when lines differ or name none."""
    techniques = {line.get("technique") or "" for line in lines}
    return techniques.pop() if len(techniques) == 1 else ""


def with_line_technique(answers: dict, lines, definitions: dict) -> dict:
    """The answers with the technique element set from the lines when they share one.

    The form asks the technique once per line (the claim reads it there); the checklist's
    own technique question, which brings the agent or the RF settings, is then the same
    answer and is not asked again."""
    technique = shared_technique(lines)
    element = next((e for e in definitions.get("elements", []) if e["key"] == "technique"), None)
    if not technique or element is None:
        return answers
    if technique not in {pair[0] for pair in element.get("choices") or []}:
        return answers
    return {**answers, "technique": {"value": technique}}


def with_answer_technique(lines, answers: dict, definitions: dict, previous="") -> list[dict]:
    """The lines, following the checklist's technique answer when the line's code covers
    it: a line that names no technique, or the one the answer had before (`previous`),
    takes the answer (the claim reads it on the line). A line that names another technique
    keeps it."""
    technique = (answers.get("technique") or {}).get("value") or ""
    codes = definitions.get("codes", {})
    return [
        {**line, "technique": technique}
        if technique
        and line.get("technique", "") in ("", previous)
        and technique in codes.get(line["code"], {}).get("techniques", [])
        else line
        for line in lines
    ]


def _from_history(patient_id, definitions: dict, answers: dict, lines, day, exclude_pk=None):
    """{key: (answer, source)}: what the patient's earlier signed notes (but `exclude_pk`)
    fill among the checklist's elements still unanswered (checklists.history_prefill)."""
    keys = {e["key"] for e in definitions["elements"]} - set(answers)
    return history_prefill.prefill(
        element_keys=keys,
        codes=[line["code"] for line in lines],
        sites=[line.get("site", "") for line in lines],
        date=day,
        past=history_prefill.past_notes(patient_id, exclude_pk=exclude_pk),
    )


def _write_lines(note, lines):
    note.lines.all().delete()
    CodeLine.objects.bulk_create(
        CodeLine(note=note, position=position, **line)
        for position, line in enumerate(lines, start=1)
    )


@transaction.atomic
def create_note(
    *,
    clinician,
    patient,
    date_of_service,
    place_of_service,
    lines,
    answers=None,
    copied=None,
    from_history=False,
    request=None,
    **audit_detail,
) -> Note:
    """A new draft. `answers` and `copied` ({key: where from}) come from copy-forward; with
    `from_history` the patient's earlier signed notes fill what they can, marked as copied
    too (the new-note page asks for it). Nothing else is set."""
    codes = [line["code"] for line in lines]
    definitions = build_definitions(codes, payer_kind_of(patient))
    lines = with_code_techniques(lines, definitions)
    keys = {e["key"] for e in definitions["elements"]}
    answers = {k: v for k, v in (answers or {}).items() if k in keys}
    copied = {k: v for k, v in (copied or {}).items() if k in answers}
    found = {}
    if from_history:
        found = _from_history(patient.pk, definitions, answers, lines, date_of_service)
    for key, (answer, source) in found.items():
        answers[key] = answer
        copied[key] = f"From {source}"
    note = Note(
        clinician=clinician,
        patient=patient,
        date_of_service=date_of_service,
        place_of_service=place_of_service,
        catalog_version=definitions["catalog_version"],
        definitions=definitions,
        answers=with_line_technique(answers, lines, definitions),
        copied=copied,
    )
    note.save()
    _write_lines(note, lines)
    _store_results(note, lines)
    note.save()
    AuditEvent.objects.record(
        "note.create",
        actor=clinician,
        note=note,
        request=request,
        codes=note.codes,
        prefilled=sorted(copied),
        **audit_detail,
    )
    return note


def _locked(note) -> Note:
    """The note read afresh and locked for this transaction (its row only: the catalog
    snapshot it shares with other notes is read along, not locked)."""
    return Note.objects.select_for_update(of=("self",)).with_snapshot_kept().get(pk=note.pk)


def _changes(old: dict, new: dict) -> dict:
    keys = sorted(set(old) | set(new))
    return {k: [old.get(k), new.get(k)] for k in keys if old.get(k) != new.get(k)}


@transaction.atomic
def save_note(
    note, *, version, answers, lines=None, header=None, confirm=(), actor, request=None
) -> Note:
    """Replace the note's answers (and lines/header when given) if `version` is current.

    `confirm`: sections whose copied values the clinician confirmed."""
    current = _locked(note)
    if current.is_signed:
        raise NoteLocked()
    if current.version != version:
        raise StaleVersion(current)
    old_lines = line_dicts(current)
    line_changes = {}
    prefilled = {}
    if lines is not None:
        lines = with_code_techniques(lines, current.definitions)
    if lines is not None and lines != old_lines:
        line_changes["lines"] = [old_lines, lines]
        old_codes = [line["code"] for line in old_lines]
        new_codes = [line["code"] for line in lines]
        if old_codes != new_codes:
            # New codes bring their elements from today's catalog; answers are kept, and
            # the patient's history fills the new elements it can, marked as on a new note.
            current.definitions = build_definitions(new_codes, payer_kind_of(current.patient))
            current.catalog_version = current.definitions["catalog_version"]
            day = (header or {}).get("date_of_service") or current.date_of_service
            prefilled = _from_history(
                current.patient_id, current.definitions, answers, lines, day, current.pk
            )
            answers = answers | {key: answer for key, (answer, _) in prefilled.items()}
        lines = with_code_techniques(lines, current.definitions)
        if shared_technique(lines) != shared_technique(old_lines):
            answers = with_line_technique(answers, lines, current.definitions)
        _write_lines(current, lines)
    shown = lines if lines is not None else old_lines
    before = ((current.answers or {}).get("technique") or {}).get("value") or ""
    filled = with_answer_technique(shown, answers, current.definitions, previous=before)
    if filled != shown:
        lines = filled
        line_changes["lines"] = [old_lines, lines]
        _write_lines(current, lines)
    changes = {"answers": _changes(current.answers or {}, answers), **line_changes}
    for name, value in (header or {}).items():
        if getattr(current, name) != value:
            changes[name] = [str(getattr(current, name)), str(value)]
            setattr(current, name, value)
    copied = still_unconfirmed(current.copied or {}, current.answers or {}, answers)
    copied |= {key: f"From {source}" for key, (_, source) in prefilled.items()}
    if prefilled:
        changes["prefilled"] = sorted(prefilled)
    untouched = copied
    for section in confirm:
        copied = confirm_section(copied, current.definitions.get("elements", []), section)
    if copied != (current.copied or {}):
        changes["confirmed"] = sorted(set(current.copied or {}) - set(copied))
    current.carried = carried_after(
        current.carried or {}, untouched, copied, current.answers or {}, answers
    )
    current.copied = copied
    current.answers = answers
    _store_results(current, lines if lines is not None else old_lines)
    current.version += 1
    current.save()
    signing_effects.after_saving(current)
    if changes["answers"] or len(changes) > 1:
        AuditEvent.objects.record(
            "note.update", actor=actor, note=current, request=request, **changes
        )
    return current


def unexplained_warnings(problems, reasons: dict) -> list:
    """The warnings no one-line reason was given for."""
    return [p for p in warnings(problems) if not (reasons.get(p.key) or "").strip()]


def _who_and_state(note, user) -> list[str]:
    reasons = []
    if note.is_signed:
        reasons.append("This note is already signed.")
    if note.clinician_id != user.pk:
        reasons.append("Only the performing clinician can sign this note.")
    return reasons


def _coding(note, warning_reasons) -> list[str]:
    reasons = []
    problems = claim_problems(note)
    for problem in blocking(problems):
        reasons.append(f"{problem.message} {problem.fix}")
    if warning_reasons is not None:
        for problem in unexplained_warnings(problems, warning_reasons):
            reasons.append(f"Give a reason to sign despite the coding warning: {problem.message}")
    return reasons


def other_signing_problems(note, user, warning_reasons: dict | None = None) -> list[str]:
    """What stops signing besides missing elements and unconfirmed copies (which the sign
    page lists as links to their fields)."""
    return _who_and_state(note, user) + _coding(note, warning_reasons)


def signing_problems(note, user, warning_reasons: dict | None = None) -> list[str]:
    """Why the note cannot be signed. With `warning_reasons` (the signing form's), a warning
    without a reason counts too; without, only what no reason can fix."""
    reasons = _who_and_state(note, user)
    result = assess_completeness(note)
    if not result.is_complete:
        names = ", ".join(g.label for g in result.missing_required)
        reasons.append(f"Required elements missing: {names}.")
    reasons += _coding(note, warning_reasons)
    unconfirmed = unconfirmed_by_section(note.copied or {}, note.definitions.get("elements", []))
    if unconfirmed:
        names = ", ".join(f"{label} ({len(items)})" for _, label, items in unconfirmed)
        reasons.append(f"Copied or prefilled values not yet confirmed: {names}.")
    return reasons


@transaction.atomic
def sign_note(note, *, user, version, warning_reasons=None, request=None) -> Note:
    """Sign the note. Each coding warning needs a one-line reason in `warning_reasons`
    (keyed by the problem's key); the reasons are kept on the note and print on the PDF."""
    current = _locked(note)
    if current.version != version and not current.is_signed:
        raise StaleVersion(current)
    warning_reasons = warning_reasons or {}
    reasons = signing_problems(current, user, warning_reasons)
    if reasons:
        raise SigningRefused(reasons)
    current.coding_overrides = [
        {
            "message": p.message,
            "fix": p.fix,
            "rule": p.rule,
            "reason": " ".join(warning_reasons[p.key].split())[:200],
        }
        for p in warnings(claim_problems(current))
    ]
    current.coding_warnings_signed = len(current.coding_overrides)
    # What no longer applies (e.g. phenol fields after switching to RF) is not signed.
    applicable = {
        e["key"] for e in applicable_elements(current.definitions["elements"], current.answers)
    }
    current.answers = {k: v for k, v in current.answers.items() if k in applicable}
    current.status = Note.Status.SIGNED
    current.signed_by = user
    current.signed_at = timezone.now().replace(microsecond=0)
    current.attestation = ATTESTATION
    current.version += 1
    current.signature_format = canonical.FORMAT
    current.content_hash = canonical.content_hash(current)
    current.save(allow_signing=True)
    signing_effects.after_signing(current)
    AuditEvent.objects.record(
        "note.sign",
        actor=user,
        note=current,
        request=request,
        sha256=current.content_hash,
        format=current.signature_format,
        coding_warnings_signed=[[o["message"], o["reason"]] for o in current.coding_overrides],
    )
    signed_pdfs.store_after_commit(current)
    return current


@transaction.atomic
def add_addendum(note, *, author, reason, text, request=None) -> Addendum:
    current = _locked(note)
    if not current.is_signed:
        raise ValueError("Addenda are for signed notes; edit the draft instead.")
    addendum = Addendum.objects.create(note=current, author=author, reason=reason, text=text)
    signing_effects.after_addendum(addendum)
    # Status is bookkeeping outside the signed content; the hash still covers the original.
    Note.objects.filter(pk=current.pk).mark_amended()
    AuditEvent.objects.record(
        "note.addendum",
        actor=author,
        note=current,
        request=request,
        addendum=addendum.pk,
        reason=reason,
        text_sha256=text_digest(text),
    )
    signed_pdfs.store_after_commit(current)  # a new version; the earlier ones are kept
    return addendum
