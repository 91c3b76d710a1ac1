"""PDF endpoints: the note PDF and the blank paper checklist of a code."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from audit.models import AuditEvent
from procedures.models import ProcedureCode

from . import signed_pdfs
from .access import get_note_for_user, readable_notes
from .models import Note
from .pdf.render import render_checklist_pdf, render_note_pdf


def _pdf_response(pdf: bytes, filename: str, *, private: bool) -> HttpResponse:
    # Filenames carry ids and codes only: no patient name in a URL or a saved file's name.
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@login_required
def note_pdf(request, pk):
    """A draft rendered now; a signed note's stored PDF (?version=1 is the note as signed,
    before any addendum; the default is the latest version)."""
    asked = request.GET.get("version", "")
    if asked and not asked.isdigit():
        raise Http404("No such version of this note's PDF.")
    # A signed note's stored PDF, with the access check, in one query: no note content
    # (decoding the catalog snapshot was once most of a stored download's time).
    stored = signed_pdfs.stored_for_reader(request.user, pk, int(asked) if asked else None)
    if stored is None:
        # Not readable (404), a draft (rendered now), no such version (404), or not stored
        # yet (the worker is behind: rendered and stored now).
        note = get_object_or_404(readable_notes(request.user).only("pk", "status"), pk=pk)
        if not note.is_signed:
            note = get_note_for_user(request, pk)
            pdf = render_note_pdf(note)
            AuditEvent.objects.record("note.pdf", actor=request.user, note=note, request=request)
            return _pdf_response(pdf, f"note-{note.pk}.pdf", private=True)
        if asked:
            raise Http404("No such version of this note's PDF.")
        stored = signed_pdfs.current(get_note_for_user(request, pk))
    pdf = signed_pdfs.read(stored)
    AuditEvent.objects.record(
        "note.pdf",
        actor=request.user,
        note=Note(pk=stored.note_id),  # the event needs the note's id only
        request=request,
        version=stored.version,
        sha256=stored.sha256,
    )
    name = f"note-{pk}-v{stored.version}.pdf" if asked else f"note-{pk}.pdf"
    return _pdf_response(pdf, name, private=True)


@require_safe
@login_required
def checklist_pdf(request, code):
    procedure = get_object_or_404(ProcedureCode, code=code)
    return _pdf_response(
        render_checklist_pdf(procedure), f"checklist-{procedure.code}.pdf", private=False
    )
