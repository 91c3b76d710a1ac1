"""Synthetic notes for the demo and for scale tests: `seed_demo --notes N`.

Mixed codes, clinicians, completeness, drafts and signed notes with clinically plausible
answers (checklists/demo_values.py), written with bulk_create
in batches so that 100,000 notes take minutes. Deterministic for a given N (seeded random).
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import reset_queries, transaction
from django.utils import timezone

from audit.models import AuditEvent
from coding.claim import build
from coding.problems import blocking
from coding.scrub import scrub
from coding.sides import side_answer_for
from practice.demo import HISTORY_PATIENTS
from practice.models import Patient
from practice.roles import CLINICIAN
from procedures.models import ProcedureCode

from .canonical import FORMAT, content_hash
from .completeness import applicable_elements, applies, assess
from .demo_values import demo_answers
from .models import CatalogSnapshot, CodeLine, Note, NoteGap
from .services import ATTESTATION
from .snapshot import build_definitions

# Realistic sessions: (codes, side, site) per line.
SESSIONS = [
    [("64681", "", "")],
    [("64680", "", "")],
    [("64640", "left", "suprascapular nerve")],
    [("64640", "right", "genitofemoral nerve")],
    [("64632", "left", "3rd")],
    [("64632", "right", "2nd")],
    [("64642", "", "Left upper extremity"), ("64643", "", "Left lower extremity")],
    [("64644", "", "Right upper extremity")],
    [("64635", "bilateral", "L4-L5"), ("64636", "bilateral", "L5-S1")],
    [("64633", "left", "C5-C6")],
    [("64625", "right", "")],
    [("64624", "left", "Left knee")],
    [("64493", "right", "L4-L5")],
    [("64493", "left", "L5-S1")],
]
SIDE_MODIFIER = {"left": ["LT"], "right": ["RT"], "bilateral": ["50"], "": []}
# Offices, ASCs and hospital outpatient departments, as a pain practice sees them.
PLACES = ["11", "11", "11", "24", "24", "22", "19"]


def _answers(definitions, lines, rng, fill, side, dos):
    answers = demo_answers(definitions, lines, rng, fill, dos, applies)
    if side and "procedure_side" in answers:
        answers["procedure_side"] = {"value": side}  # the side the code lines bill
    applicable = {e["key"] for e in applicable_elements(definitions["elements"], answers)}
    return {k: v for k, v in answers.items() if k in applicable}


def generate_notes(count: int, *, seed: int = 20261123, batch_size: int = 1000) -> int:
    rng = random.Random(seed)
    clinicians = list(get_user_model().objects.filter(groups__name=CLINICIAN))
    patients = list(Patient.objects.exclude(mrn__in=HISTORY_PATIENTS)) or list(
        Patient.objects.all()
    )
    if not clinicians or not patients:
        raise ValueError("Run seed_demo first: notes need clinicians and patients.")
    if not ProcedureCode.objects.filter(code__in={c for s in SESSIONS for c, _, _ in s}).exists():
        # Notes made without the catalog would ask for nothing and all count as complete.
        raise ValueError("Load the catalog first: python manage.py load_catalog")
    definitions_for = {}
    made = 0
    today = timezone.localdate()
    while made < count:
        size = min(batch_size, count - made)
        with transaction.atomic():
            notes, plans = [], []
            for _ in range(size):
                session = rng.choice(SESSIONS)
                codes = tuple(code for code, _, _ in session)
                if codes not in definitions_for:
                    definitions = build_definitions(list(codes))
                    definitions_for[codes] = (definitions, CatalogSnapshot.of(definitions))
                definitions, snapshot = definitions_for[codes]
                # Most notes are finished; some are drafts stopped halfway.
                fill = rng.choice([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.95, 0.8, 0.5])
                lines = [
                    {
                        "code": code,
                        "units": 1,
                        "modifiers": SIDE_MODIFIER[side],
                        "side": side,
                        "site": site,
                    }
                    for code, side, site in session
                ]
                dos = today - datetime.timedelta(days=rng.randint(0, 365))
                answers = _answers(definitions, lines, rng, fill, side_answer_for(lines), dos)
                result = assess(definitions["elements"], answers)
                claim = build(
                    lines,
                    definitions["codes"],
                    rules=definitions["claim_rules"],
                    answers=answers,
                )
                problems = blocking(scrub(claim))
                signable = result.is_complete and not problems
                clinician = rng.choice(clinicians)
                note = Note(
                    patient=rng.choice(patients),
                    clinician=clinician,
                    date_of_service=dos,
                    place_of_service=rng.choice(PLACES),
                    catalog_version=definitions["catalog_version"],
                    snapshot=snapshot,
                    answers=answers,
                    required_total=result.required_total,
                    required_missing=result.required_missing,
                    recommended_total=result.recommended_total,
                    recommended_missing=result.recommended_missing,
                    completeness=result.percent,
                    coding_problems=len(problems),
                    element_status=result.element_status,
                )
                if signable and rng.random() < 0.8:
                    # Written as a draft with its signature, signed once its lines are in
                    # (the database refuses lines added to a signed note).
                    note.sign_after_lines = True
                    note.signed_by = clinician
                    note.signed_at = timezone.make_aware(
                        datetime.datetime.combine(dos, datetime.time(17, 0))
                        + datetime.timedelta(days=rng.randint(0, 5))
                    )
                    note.attestation = ATTESTATION
                notes.append(note)
                plans.append((lines, result))
            Note.objects.bulk_create(notes)
            CodeLine.objects.bulk_create(
                CodeLine(note=note, position=position, **line)
                for note, (lines, _) in zip(notes, plans, strict=True)
                for position, line in enumerate(lines, start=1)
            )
            NoteGap.objects.bulk_create(
                NoteGap(note=note, element_key=g.key, label=g.label, requirement=g.requirement)
                for note, (_, result) in zip(notes, plans, strict=True)
                for g in result.missing
            )
            _hash_signed(notes)
        # With DEBUG on, Django keeps every query; bulk inserts would pile up in memory.
        reset_queries()
        made += size
    return made


def _hash_signed(notes):
    """Signed demo notes carry a real hash of their canonical JSON, like signed ones."""
    signed = [n for n in notes if getattr(n, "sign_after_lines", False)]
    if not signed:
        return
    lines = {}
    for line in CodeLine.objects.filter(note__in=signed).order_by("note_id", "position"):
        lines.setdefault(line.note_id, []).append(line)
    for note in signed:
        note._prefetched_objects_cache = {"lines": lines.get(note.pk, [])}
        note.status = Note.Status.SIGNED
        note.signature_format = FORMAT
        note.content_hash = content_hash(note)
    Note.objects.bulk_update(signed, ["status", "signature_format", "content_hash"])
    # Signed through the generator, not the signing service: its events say so.
    AuditEvent.objects.record_many(
        {
            "action": "note.sign",
            "actor": note.signed_by,
            "note": note,
            "username": "manage.py seed_demo",
            "sha256": note.content_hash,
            "format": note.signature_format,
        }
        for note in signed
    )
