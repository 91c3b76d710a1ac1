"""The signed record checked against itself and against the audit trail (verify_audit).

For every signed note: its hash recomputed from its canonical JSON in the format it was
signed in, its `note.sign` event (present, same hash), its status (amended only with an
addendum). For every addendum: its `note.addendum` event (same note, reason and text).
For every catalog snapshot: its definitions against its SHA-256. Each mismatch is one
sentence naming the row.
"""

import hashlib

from audit.models import AuditEvent

from .canonical import FORMATS, content_hash
from .models import Addendum, CatalogSnapshot, Note


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _snapshots(using) -> tuple[dict, list[str]]:
    snapshots, problems = {}, []
    for snapshot in CatalogSnapshot.objects.using(using).iterator(chunk_size=50):
        if CatalogSnapshot.digest(snapshot.definitions) != snapshot.sha256:
            problems.append(
                f"Catalog snapshot {snapshot.pk}: its definitions do not match its SHA-256."
            )
        snapshots[snapshot.pk] = snapshot
    return snapshots, problems


def _note_problems(note, event) -> list[str]:
    problems = []
    name = f"Note {note.pk}"
    if note.signature_format not in FORMATS:
        problems.append(f"{name}: signed in an unknown format {note.signature_format!r}.")
    elif content_hash(note) != note.content_hash:
        problems.append(
            f"{name}: its content does not match its signed hash (changed after signing)."
        )
    if event is None:
        problems.append(f"{name}: is {note.status}, but no note.sign event records a signing.")
    elif event.get("sha256") != note.content_hash:
        problems.append(f"{name}: its hash is not the one its note.sign event recorded.")
    return problems


def signed_record_problems(using: str = "default") -> list[str]:
    events = AuditEvent.objects.using(using)
    signings = {}
    for note_id, detail in (
        events.filter(action="note.sign").order_by("pk").values_list("note_id", "detail")
    ):
        signings[note_id] = detail
    recorded_addenda = {}
    for event_id, note_id, detail in (
        events.filter(action="note.addendum").order_by("pk").values_list("pk", "note_id", "detail")
    ):
        recorded_addenda[detail.get("addendum")] = (event_id, note_id, detail)

    snapshots, problems = _snapshots(using)
    statuses = dict(Note.objects.using(using).values_list("pk", "status"))
    addenda = list(Addendum.objects.using(using).order_by("pk"))
    amended_with_addendum = {addendum.note_id for addendum in addenda}

    notes = (
        Note.objects.using(using)
        .signed()
        .select_related("patient", "clinician", "signed_by")
        .prefetch_related("lines")
        .order_by("pk")
    )
    for note in notes.iterator(chunk_size=500):
        note.snapshot = snapshots.get(note.snapshot_id)
        problems += _note_problems(note, signings.get(note.pk))
        if note.status == Note.Status.AMENDED and note.pk not in amended_with_addendum:
            problems.append(f"Note {note.pk}: is amended, but has no addendum.")
        if note.status == Note.Status.SIGNED and note.pk in amended_with_addendum:
            problems.append(f"Note {note.pk}: has an addendum, but is not marked amended.")
    for note_id in signings:
        if statuses.get(note_id) == Note.Status.DRAFT:
            problems.append(
                f"Note {note_id}: its note.sign event records a signing, but it is a draft."
            )
        elif note_id not in statuses:
            problems.append(
                f"Note {note_id}: its note.sign event records a signing, but it is gone."
            )

    for addendum in addenda:
        recorded = recorded_addenda.pop(addendum.pk, None)
        name = f"Addendum {addendum.pk} (note {addendum.note_id})"
        if recorded is None:
            problems.append(f"{name}: no note.addendum event records it.")
            continue
        _, note_id, detail = recorded
        if note_id != addendum.note_id or detail.get("reason") != addendum.reason:
            problems.append(f"{name}: differs from its note.addendum event.")
        elif "text_sha256" in detail and detail["text_sha256"] != text_digest(addendum.text):
            problems.append(f"{name}: its text is not the one its note.addendum event recorded.")
    for addendum_id, (event_id, note_id, _) in recorded_addenda.items():
        problems.append(
            f"Addendum {addendum_id} (note {note_id}): recorded by event {event_id}, but gone."
        )
    return problems
