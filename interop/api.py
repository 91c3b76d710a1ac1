"""The read-only FHIR R4 REST API under /fhir/ (docs/fhir.md).

`GET /fhir/metadata` is the CapabilityStatement; `GET /fhir/<Type>/<id>` reads and
`GET /fhir/<Type>?...` searches, answering a paged `searchset` Bundle. Every read and
search is audited ("fhir.read", "fhir.search") with its client (session or token).
"""

import json
import math
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone

from audit.models import AuditEvent
from checklists.access import readable_notes
from checklists.diagnoses import coded_diagnoses
from checklists.models import CodeLine
from practice.models import Patient

from .api_access import (
    FHIR_JSON,
    client_label,
    fhir_endpoint,
    may_read_patient_data,
    outcome,
)
from .documents import signed_pdf
from .fhir import (
    claim_resource,
    condition_resources,
    document_resource,
    encounter_resource,
    full_url,
    patient_resource,
    practitioner_resource,
    procedure_resource,
    response_resource,
)
from .models import PublishedQuestionnaire
from .published import served
from .search import SearchError, date_filter, ids, paging, reference_id
from .terms import NPI, fhir_base, identifier_base

NOTE_TYPES = (
    "QuestionnaireResponse",
    "Encounter",
    "Procedure",
    "Condition",
    "Claim",
    "DocumentReference",
)
COMMON = ("_count", "_page", "_format")
SEARCH_PARAMS = {
    "Questionnaire": {"_id": "token", "url": "uri", "version": "token", "_lastUpdated": "date"},
    "Patient": {"_id": "token", "identifier": "token", "_lastUpdated": "date"},
    "Practitioner": {"_id": "token", "identifier": "token"},
} | {
    kind: {"_id": "token", "patient": "reference", "date": "date", "_lastUpdated": "date"}
    for kind in NOTE_TYPES
}
# What `date` means per type: the date of service (the visit), for every note resource.
DATE_DOCS = "the date of service (Encounter.period, Procedure.performed, ...)"


def _json(resource: dict, status=200) -> HttpResponse:
    body = json.dumps(resource, indent=2, ensure_ascii=False) + "\n"
    return HttpResponse(body, status=status, content_type=FHIR_JSON)


# -- where each type's rows come from ----------------------------------------------------


class Rows:
    """A type's matching rows: counted in the database, built one page at a time."""

    def __init__(self, count, page):
        self.count, self.page = count, page


def _notes(request, params, kind):
    notes = (
        readable_notes(request.user)
        .select_related("patient", "clinician", "signed_by", "snapshot")
        .prefetch_related("lines", "addenda__author")
        .order_by("pk")
    )
    if kind == "DocumentReference":
        notes = notes.signed()
    if "patient" in params:
        wanted = [reference_id(v, "Patient", "patient") for v in ids(params["patient"])]
        notes = notes.filter(patient_id__in=[w for w in wanted if w.isdigit()])
    if "date" in params:
        notes = notes.filter(
            date_filter("date_of_service", params["date"], "date", date_only=True)
        )
    if "_lastUpdated" in params:
        notes = notes.filter(date_filter("updated_at", params["_lastUpdated"], "_lastUpdated"))
    return notes


def _split_ids(params, parts: int) -> list[tuple[str, ...]]:
    wanted = []
    for value in ids(params.get("_id", [])):
        pieces = tuple(value.split("-"))
        if len(pieces) == parts and all(p.isdigit() for p in pieces):
            wanted.append(pieces)
        else:
            wanted.append(("0",) * parts)  # matches nothing
    return wanted


def _per_note(request, params, kind) -> Rows:
    notes = _notes(request, params, kind)
    if "_id" in params:
        notes = notes.filter(pk__in=[w[0] for w in _split_ids(params, 1)])

    def build(note):
        lines = list(note.lines.all())
        addenda = list(note.addenda.all())
        if kind == "QuestionnaireResponse":
            return response_resource(note, lines, addenda)
        if kind == "Encounter":
            return encounter_resource(note, addenda)
        if kind == "Claim":
            return claim_resource(note, lines, addenda)
        return document_resource(note, signed_pdf(note), addenda)

    return Rows(
        notes.count,
        lambda offset, limit: [(build(n), n) for n in notes[offset : offset + limit]],
    )


def _procedures(request, params) -> Rows:
    lines = (
        CodeLine.objects.filter(note__in=_notes(request, params, "Procedure"))
        .select_related("note__patient", "note__clinician", "note__snapshot")
        .prefetch_related("note__addenda__author")
        .order_by("note_id", "position")
    )
    if "_id" in params:
        match = Q(pk=None)
        for note_id, position in _split_ids(params, 2):
            match |= Q(note_id=note_id, position=position)
        lines = lines.filter(match)

    def page(offset, limit):
        found = []
        for line in lines[offset : offset + limit]:
            addenda = list(line.note.addenda.all())
            found.append((procedure_resource(line.note, line, addenda=addenda), line.note))
        return found

    return Rows(lines.count, page)


def _conditions(request, params) -> Rows:
    notes = _notes(request, params, "Condition")
    wanted = set(_split_ids(params, 2)) if "_id" in params else None
    if wanted is not None:
        notes = notes.filter(pk__in=[w[0] for w in wanted])
    keys = [
        (pk, rank)
        for pk, answers in notes.values_list("pk", "answers")
        for rank in range(1, len(coded_diagnoses(answers or {})) + 1)
        if wanted is None or (str(pk), str(rank)) in wanted
    ]

    def page(offset, limit):
        chosen = keys[offset : offset + limit]
        by_pk = notes.in_bulk({pk for pk, _ in chosen})
        found = []
        for pk, rank in chosen:
            note = by_pk[pk]
            found.append((condition_resources(note)[rank - 1], note))
        return found

    return Rows(lambda: len(keys), page)


def _patients(request, params) -> Rows:
    patients = Patient.objects.readable_by(request.user).order_by("pk")
    if "_id" in params:
        patients = patients.filter(pk__in=[v for v in ids(params["_id"]) if v.isdigit()])
    if "_lastUpdated" in params:
        patients = patients.filter(
            date_filter("created_at", params["_lastUpdated"], "_lastUpdated")
        )
    for value in params.get("identifier", []):
        system, _, code = value.rpartition("|")
        if system and system != f"{identifier_base()}/mrn":
            patients = patients.none()
        patients = patients.filter(mrn=code)
    return Rows(
        patients.count,
        lambda offset, limit: [
            (patient_resource(p), None) for p in patients[offset : offset + limit]
        ],
    )


def _practitioners(request, params) -> Rows:
    notes = readable_notes(request.user)
    users = (
        get_user_model()
        .objects.filter(
            Q(pk__in=notes.values("clinician_id"))
            | Q(pk__in=notes.values("addenda__author_id"))
            | Q(pk__in=notes.values("signed_by_id"))
        )
        .order_by("pk")
    )
    if "_id" in params:
        users = users.filter(pk__in=[v for v in ids(params["_id"]) if v.isdigit()])
    for value in params.get("identifier", []):
        system, _, code = value.rpartition("|")
        match = Q(clinician_profile__npi=code) if system in ("", NPI) else Q(pk=None)
        if system in ("", f"{identifier_base()}/user"):
            match |= Q(username=code)
        users = users.filter(match)
    users = users.select_related("clinician_profile")
    return Rows(
        users.count,
        lambda offset, limit: [
            (practitioner_resource(u), None) for u in users[offset : offset + limit]
        ],
    )


def _questionnaires(request, params) -> Rows:
    rows = PublishedQuestionnaire.objects.order_by("code", "published_at", "pk")
    for value in params.get("url", []):
        base = f"{fhir_base()}/Questionnaire/"
        url, _, version = value.partition("|")
        rows = rows.filter(code=url[len(base) :] if url.startswith(base) else "")
        if version:
            rows = rows.filter(version=version)
    for value in params.get("version", []):
        rows = rows.filter(version__in=value.split(","))
    if "_id" in params:
        match = Q(pk=None)
        for value in ids(params["_id"]):
            code, _, version = value.partition("-")
            match |= Q(code=code, version=version)
        rows = rows.filter(match)
    if "_lastUpdated" in params:
        rows = rows.filter(date_filter("published_at", params["_lastUpdated"], "_lastUpdated"))
    return Rows(
        rows.count,
        lambda offset, limit: [(served(r), None) for r in rows[offset : offset + limit]],
    )


SOURCES = {
    "Questionnaire": _questionnaires,
    "Patient": _patients,
    "Practitioner": _practitioners,
    "Procedure": _procedures,
    "Condition": _conditions,
} | dict.fromkeys(("QuestionnaireResponse", "Encounter", "Claim", "DocumentReference"))


def _rows(request, kind, params) -> Rows:
    source = SOURCES[kind]
    if source is None:
        return _per_note(request, params, kind)
    return source(request, params)


def _allowed(request, kind) -> bool:
    return kind == "Questionnaire" or may_read_patient_data(request.user)


# -- views -------------------------------------------------------------------------------


def _record(request, action, kind, *, object_id="", note=None, found=()):
    AuditEvent.objects.record(
        action,
        actor=request.user,
        note=note,
        request=request,
        object_type=f"fhir:{kind}",
        object_id=object_id,
        client=client_label(request),
        query=request.GET.urlencode()[:500],
        results=[f"{r['resourceType']}/{r['id']}" for r in found][:100],
    )


@fhir_endpoint()
def search(request, kind):
    if kind not in SEARCH_PARAMS:
        return outcome(404, "not-found", f"This server has no {kind} resources.")
    if not _allowed(request, kind):
        return outcome(403, "forbidden", "Your role does not give access to patient data.")
    params = {k: request.GET.getlist(k) for k in request.GET}
    unknown = sorted(set(params) - set(SEARCH_PARAMS[kind]) - set(COMMON))
    if unknown:
        supported = ", ".join(SEARCH_PARAMS[kind])
        return outcome(
            400,
            "not-supported",
            f"{kind} cannot be searched by {', '.join(unknown)} (supported: {supported}).",
        )
    try:
        count, page = paging(params, default=_page_size())
        rows = _rows(request, kind, params)
        total = rows.count()
        found = rows.page((page - 1) * count, count)
    except SearchError as exc:
        return outcome(400, "invalid", str(exc))
    resources = [resource for resource, _ in found]
    _record(request, "fhir.search", kind, found=resources)
    return _json(_searchset(request, kind, params, resources, total, count, page))


def _page_size() -> int:
    from django.conf import settings

    return settings.FHIR_PAGE_SIZE


def _page_url(kind, params, count, page) -> str:
    query = [
        (k, v) for k, values in params.items() if k not in ("_page", "_count") for v in values
    ]
    query += [("_count", count), ("_page", page)]
    return f"{fhir_base()}/{kind}?{urlencode(query)}"


def _searchset(request, kind, params, resources, total, count, page) -> dict:
    last = max(1, math.ceil(total / count))
    links = [{"relation": "self", "url": _page_url(kind, params, count, page)}]
    links.append({"relation": "first", "url": _page_url(kind, params, count, 1)})
    if page > 1:
        links.append({"relation": "previous", "url": _page_url(kind, params, count, page - 1)})
    if page < last:
        links.append({"relation": "next", "url": _page_url(kind, params, count, page + 1)})
    links.append({"relation": "last", "url": _page_url(kind, params, count, last)})
    return {
        "resourceType": "Bundle",
        "meta": {"lastUpdated": timezone.now().isoformat()},
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": [
            {"fullUrl": full_url(r), "resource": r, "search": {"mode": "match"}} for r in resources
        ],
    }


@fhir_endpoint()
def read(request, kind, id):
    if kind not in SEARCH_PARAMS:
        return outcome(404, "not-found", f"This server has no {kind} resources.")
    if not _allowed(request, kind):
        return outcome(403, "forbidden", "Your role does not give access to patient data.")
    if kind == "Questionnaire" and "-" not in id:
        row = PublishedQuestionnaire.objects.filter(code=id).order_by("-published_at", "-pk")
        found = [(served(row[0], id=id), None)] if row else []
    else:
        found = _rows(request, kind, {"_id": [id]}).page(0, 2)
    if len(found) != 1:
        return outcome(404, "not-found", f"{kind}/{id} is not known, or not yours to read.")
    resource, note = found[0]
    _record(request, "fhir.read", kind, object_id=id, note=note, found=[resource])
    return _json(resource)


@fhir_endpoint()
def binary(request, id):
    """The signed PDF of a note (`Binary/note-<pk>-pdf`), as DocumentReference points to."""
    note_id = id.removeprefix("note-").removesuffix("-pdf")
    note = (
        readable_notes(request.user).signed().filter(pk=note_id).first()
        if note_id.isdigit() and may_read_patient_data(request.user)
        else None
    )
    if note is None:
        return outcome(404, "not-found", f"Binary/{id} is not known, or not yours to read.")
    pdf = signed_pdf(note)
    _record(request, "fhir.read", "Binary", object_id=id, note=note)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="note-{note.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@fhir_endpoint(public=True)
def metadata(request):
    return _json(capability_statement())


def capability_statement() -> dict:
    resources = []
    for kind, params in SEARCH_PARAMS.items():
        search_params = [
            {"name": name, "type": type_}
            | ({"documentation": DATE_DOCS} if name == "date" else {})
            for name, type_ in params.items()
        ]
        search_params.append(
            {"name": "_count", "type": "number", "documentation": "page size (at most 100)"}
        )
        search_params.append(
            {"name": "_page", "type": "number", "documentation": "page number, from 1"}
        )
        resources.append(
            {
                "type": kind,
                "interaction": [{"code": "read"}, {"code": "search-type"}],
                "searchParam": search_params,
            }
        )
    resources.append({"type": "Binary", "interaction": [{"code": "read"}]})
    return {
        "resourceType": "CapabilityStatement",
        "id": "neurolysis-checklist",
        "url": f"{fhir_base()}/metadata",
        "name": "NeurolysisChecklistFhirApi",
        "title": "Neurolysis Checklist read-only FHIR API",
        "status": "active",
        "date": "2026-11-29",
        "publisher": "Neurolysis Checklist",
        "kind": "instance",
        "software": {"name": "Neurolysis Checklist"},
        "implementation": {
            "description": "Procedure notes, their checklists and signed PDFs, read-only",
            "url": fhir_base(),
        },
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Read and search only; every access is audited.",
                "security": {
                    "cors": False,
                    "description": (
                        "A signed-in session, or 'Authorization: Bearer <token>' with a "
                        "token made by `manage.py fhir_token` for a user or a system "
                        "client. Tokens are read-only; the user's role decides what is read."
                    ),
                },
                "resource": resources,
            }
        ],
    }
