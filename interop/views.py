"""FHIR JSON endpoints: a code's Questionnaire and a note's Bundle."""

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache

from audit.models import AuditEvent
from checklists.access import get_note_for_user

from .catalog_data import from_database
from .fhir import note_bundle
from .questionnaire import questionnaire

FHIR_JSON = "application/fhir+json; charset=utf-8"


def fhir_json(resource: dict) -> str:
    return json.dumps(resource, indent=2, ensure_ascii=False) + "\n"


def _fhir_response(resource: dict, filename: str) -> HttpResponse:
    response = HttpResponse(fhir_json(resource), content_type=FHIR_JSON)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def code_questionnaire(request, code):
    catalog = from_database([code])
    if not catalog.codes:
        raise Http404("No such code in the catalog.")
    return _fhir_response(
        questionnaire(catalog.codes[0], catalog), f"questionnaire-{catalog.codes[0]['code']}.json"
    )


@never_cache
@login_required
def note_fhir(request, pk):
    note = get_note_for_user(request, pk)
    bundle = note_bundle(note)
    AuditEvent.objects.record("note.fhir", actor=request.user, note=note, request=request)
    return _fhir_response(bundle, f"note-{note.pk}-fhir.json")
