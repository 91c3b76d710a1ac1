"""Where a new draft can start from: the patient's last note of the same codes, or one of
the clinician's favourites. The rules of what is copied are in checklists.copy_forward."""

from dataclasses import dataclass, field

from .access import readable_notes
from .copy_forward import copy_answers
from .models import Favourite, Note
from .services import line_dicts


@dataclass
class Start:
    lines: list[dict]
    answers: dict = field(default_factory=dict)
    copied: dict = field(default_factory=dict)
    audit: dict = field(default_factory=dict)


def from_note(note) -> Start:
    """A start from the same patient's earlier note (the caller checked the patient)."""
    answers = copy_answers(
        note.definitions.get("elements", []), note.answers or {}, same_patient=True
    )
    where = f"Copied from note {note.pk} of {note.date_of_service:%m/%d/%Y}"
    return Start(
        lines=line_dicts(note),
        answers=answers,
        copied=dict.fromkeys(answers, where),
        audit={"copied_from_note": note.pk},
    )


def from_favourite(favourite) -> Start:
    where = f"From your favourite “{favourite.name}”"
    return Start(
        lines=[dict(line) for line in favourite.lines],
        answers=dict(favourite.answers),
        copied=dict.fromkeys(favourite.answers, where),
        audit={"favourite": favourite.pk},
    )


def source_from_post(user, data, header) -> Start | None:
    """The start a new-note POST asks for, or None with an error on the header form."""
    if not header.is_valid():
        return None
    patient = header.cleaned_data["patient"]
    if "from_favourite" in data:
        favourite = user.favourites.filter(pk=data["from_favourite"]).first()
        if favourite is None:
            header.add_error(None, "That favourite no longer exists.")
            return None
        return from_favourite(favourite)
    note = (
        readable_notes(user)
        .filter(pk=data.get("from_note") or 0)
        .select_related("snapshot")
        .first()
    )
    if note is None:
        header.add_error(None, "That note cannot be found.")
        return None
    if note.patient_id != patient.pk:
        # Patient-specific text never crosses patients.
        header.add_error("patient", "That earlier note is of another patient.")
        return None
    return from_note(note)


def last_notes(user, patient_id, limit=3) -> list[Note]:
    """The patient's most recent signed note for each distinct set of codes."""
    try:
        patient_id = int(patient_id)
    except (TypeError, ValueError):
        return []
    notes = _signed_newest_first(user, patient_id=patient_id).select_related("clinician")[:50]
    return _first_of_each(notes, key=lambda note: tuple(note.codes), limit=limit)


def recent_repeats(user, limit=5) -> list[Note]:
    """The clinician's own last signed note for each of their most recent patients: one
    click on the new-note page starts the patient's next note from it."""
    notes = _signed_newest_first(user, clinician=user).select_related("patient")[:100]
    return _first_of_each(notes, key=lambda note: note.patient_id, limit=limit)


def _signed_newest_first(user, **filters):
    """The signed (or amended) notes `user` may read that match `filters`, newest first,
    with their code lines and without their answers: what a start-from list shows."""
    return (
        readable_notes(user)
        .filter(**filters)
        .exclude(status=Note.Status.DRAFT)
        .prefetch_related("lines")
        .defer("answers")
        .order_by("-date_of_service", "-pk")
    )


def _first_of_each(notes, *, key, limit) -> list[Note]:
    """The first note (newest, as `notes` are ordered) of each distinct key, at most `limit`."""
    found, seen = [], set()
    for note in notes:
        if key(note) not in seen:
            seen.add(key(note))
            found.append(note)
        if len(found) == limit:
            break
    return found


def with_repeat_patient(user, data, *, today, place_of_service):
    """A new-note POST whose "Repeat" button (new-note page, notes list) names one of the
    clinician's own signed notes: the same POST with that note's patient and the note as
    the start (`from_note`); from the notes list, today's date and the practice's place of
    service, as the new-note page starts with."""
    if "repeat_note" not in data:
        return data
    data = data.copy()
    wanted = data.get("repeat_note")
    note = (
        readable_notes(user)
        .filter(clinician=user, pk=wanted if str(wanted).isdigit() else 0)
        .exclude(status=Note.Status.DRAFT)
        .first()
    )
    data["from_note"] = wanted
    data["header-patient"] = str(note.patient_id) if note else ""
    if "header-date_of_service" not in data:
        data["header-date_of_service"] = today.isoformat()
    if "header-place_of_service" not in data:
        data["header-place_of_service"] = place_of_service or ""
    for name, value in (("lines-TOTAL_FORMS", "0"), ("lines-INITIAL_FORMS", "0")):
        data.setdefault(name, value)
    return data


def save_favourite(note, *, name, clinician) -> Favourite:
    """The note's codes and procedure setup, with nothing of its patient."""
    lines = [
        {
            "code": line["code"],
            "units": line["units"],
            "modifiers": line["modifiers"],
            "side": "",
            "site": "",
            "technique": line["technique"],
        }
        for line in line_dicts(note)
    ]
    answers = copy_answers(
        note.definitions.get("elements", []), note.answers or {}, same_patient=False
    )
    favourite, _ = Favourite.objects.update_or_create(
        clinician=clinician, name=name, defaults={"lines": lines, "answers": answers}
    )
    return favourite
