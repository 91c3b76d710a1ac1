"""The notes a user may open; the rules themselves are practice.access's."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from review.selectors import with_open_query_count

from .models import Note


def readable_notes(user):
    return Note.objects.readable_by(user)


def get_note_for_user(request, pk, *, edit=False, open_query_count=False) -> Note:
    """The note, or 404 when the user may not see it, 403 when they may see but not edit.
    With `open_query_count`, the note carries its number of open documentation queries
    (read in the same query), so a page that shows them skips their query when none is open.
    """
    notes = (
        # Every note page reads the lines several times (title, checks, body): once here.
        readable_notes(request.user)
        .select_related("patient", "clinician", "signed_by")
        .with_snapshot_kept()
        .prefetch_related("lines")
    )
    if open_query_count:
        notes = with_open_query_count(notes)
    note = get_object_or_404(notes, pk=pk)
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
