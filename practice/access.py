"""Who may read which notes and patients. Querysets apply these; views call them.

CLINICIAN_READ_SCOPE decides what a clinician reads: "practice" (every note, as a small
practice works) or "own" (minimum necessary: their own notes, the notes of patients they
have a note for, and patients nobody has a note for yet, so that a new patient can be
picked). Managers read the whole practice either way; other roles read no notes.
The rules are written against field names, so this app needs no import of the notes app.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q

PRACTICE, OWN = "practice", "own"


def can_read_notes(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.has_perm("checklists.view_note")


def reads_own_only(user) -> bool:
    """True when this user is held to their own notes and patients."""
    return (
        settings.CLINICIAN_READ_SCOPE == OWN
        and not user.is_superuser
        and not user.has_perm("checklists.review_notes")
    )


def _notes_of(patient_ref: str, **filters):
    from django.apps import apps

    Note = apps.get_model("checklists", "Note")
    return Exists(Note.objects.filter(patient=OuterRef(patient_ref), **filters))


def note_scope(user) -> Q | None:
    """The notes `user` may read as a filter (Q() for all), None for no note at all."""
    if not can_read_notes(user):
        return None
    if reads_own_only(user):
        return Q(clinician=user) | Q(_notes_of("patient", clinician=user))
    return Q()


def patient_scope(user) -> Q | None:
    """The patients `user` may read (and pick for a new note), None for none."""
    if not (can_read_notes(user) or user.has_perm("practice.view_patient")):
        return None
    if reads_own_only(user):
        return Q(_notes_of("pk", clinician=user)) | ~Q(_notes_of("pk"))
    return Q()


def require_reader(request):
    if not can_read_notes(request.user):
        raise PermissionDenied("Your role does not give access to notes.")


def require(user, permission: str, message: str):
    if not user.has_perm(permission):
        raise PermissionDenied(message)
