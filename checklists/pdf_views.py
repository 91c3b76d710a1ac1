"""PDF endpoints: the note PDF and the blank paper checklist of a code."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from audit.models import AuditEvent
from procedures.models import ProcedureCode

from .access import get_note_for_user
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
    note = get_note_for_user(request, pk)
    pdf = render_note_pdf(note)
    AuditEvent.objects.record("note.pdf", actor=request.user, note=note, request=request)
    return _pdf_response(pdf, f"note-{note.pk}.pdf", private=True)


@require_safe
@login_required
def checklist_pdf(request, code):
    procedure = get_object_or_404(ProcedureCode, code=code)
    return _pdf_response(
        render_checklist_pdf(procedure), f"checklist-{procedure.code}.pdf", private=False
    )
