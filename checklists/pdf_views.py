"""PDF endpoints (placeholder until the PDF module lands)."""

from django.http import HttpResponse


def note_pdf(request, pk):  # replaced by the PDF implementation
    return HttpResponse(status=501)


def checklist_pdf(request, code):  # replaced by the PDF implementation
    return HttpResponse(status=501)
