"""Who may see and change which note. Views call these; templates only mirror them."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Note


def can_read_notes(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.has_perm("checklists.view_note")


def readable_notes(user):
    if not can_read_notes(user):
        return Note.objects.none()
    return Note.objects.all()


def get_note_for_user(request, pk, *, edit=False) -> Note:
    """The note, or 404 when the user may not see it, 403 when they may see but not edit."""
    note = get_object_or_404(
        # Every note page reads the lines several times (title, checks, body): once here.
        readable_notes(request.user)
        .select_related("patient", "clinician", "signed_by", "snapshot")
        .prefetch_related("lines"),
        pk=pk,
    )
    if edit and (
        note.clinician_id != request.user.pk or not request.user.has_perm("checklists.change_note")
    ):
        raise PermissionDenied("Only the performing clinician can change this note.")
    return note


def can_edit(user, note) -> bool:
    return (
        note.clinician_id == user.pk
        and not note.is_signed
        and user.has_perm("checklists.change_note")
    )


def require_reader(request):
    if not can_read_notes(request.user):
        raise PermissionDenied("Your role does not give access to notes.")


def require(user, permission: str, message: str):
    if not user.has_perm(permission):
        raise PermissionDenied(message)
