"""Opening and closing documentation queries. Each change leaves an audit event.

A manager asks; only the clinician's own work answers: documenting the named elements in
the draft, signing it (for a query that names no element), or an addendum on a signed note.
Nothing here writes the note itself: managers never edit clinical content.
"""

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from checklists.completeness import applicable_elements
from checklists.models import Note, NoteGap

from .models import DocumentationQuery

Resolution = DocumentationQuery.Resolution


def askable_elements(note) -> list[dict]:
    """Elements a query may name, as the note's snapshot labels them.

    On a draft, the required and recommended elements still missing: documenting them is
    the answer. On a signed note, any element that applies: the answer is an addendum.
    """
    elements = applicable_elements(note.definitions.get("elements", []), note.answers or {})
    if note.is_signed:
        return [e for e in elements if e["requirement"] != "information"]
    missing = set(NoteGap.objects.filter(note=note).values_list("element_key", flat=True))
    return [e for e in elements if e["key"] in missing]


@transaction.atomic
def open_query(*, note, manager, message: str, element_keys=(), request=None):
    labels = {e["key"]: e["label"] for e in note.definitions.get("elements", [])}
    unknown = [key for key in element_keys if key not in labels]
    if unknown:
        raise ValueError(f"not elements of note {note.pk}: {', '.join(unknown)}")
    query = DocumentationQuery.objects.create(
        note=note,
        opened_by=manager,
        message=message.strip(),
        elements=[{"key": key, "label": labels[key]} for key in element_keys],
    )
    AuditEvent.objects.record(
        "query.open",
        actor=manager,
        note=note,
        request=request,
        query=query.pk,
        elements=list(element_keys),
    )
    return query


def _close(query, *, by, resolution, note="", request=None):
    query.status = DocumentationQuery.Status.CLOSED
    query.closed_by = by
    query.closed_at = timezone.now()
    query.resolution = resolution
    query.resolution_note = note[:300]
    query.save(update_fields=["status", "closed_by", "closed_at", "resolution", "resolution_note"])
    AuditEvent.objects.record(
        "query.close",
        actor=by,
        note=query.note,
        request=request,
        query=query.pk,
        resolution=resolution,
    )


@transaction.atomic
def withdraw_query(query, *, manager, note="", request=None):
    if not query.is_open:
        return
    _close(query, by=manager, resolution=Resolution.WITHDRAWN, note=note, request=request)


def close_answered_queries(note) -> list[DocumentationQuery]:
    """After a save of `note` by its clinician: close the queries the note now answers.

    A query naming elements is answered once none of them is missing any more (documented,
    or no longer applicable); one naming none is answered when the note is signed.
    """
    queries = list(DocumentationQuery.objects.open().filter(note=note))
    if not queries:
        return []
    still_missing = set(NoteGap.objects.filter(note=note).values_list("element_key", flat=True))
    closed = []
    for query in queries:
        if query.element_keys:
            if still_missing.intersection(query.element_keys):
                continue
            resolution = Resolution.DOCUMENTED
        elif note.status != Note.Status.DRAFT:
            resolution = Resolution.SIGNED
        else:
            continue
        _close(query, by=note.clinician, resolution=resolution)
        closed.append(query)
    return closed


def close_with_addendum(addendum) -> list[DocumentationQuery]:
    """An addendum on a signed note answers every query opened before it."""
    queries = list(
        DocumentationQuery.objects.open().filter(
            note_id=addendum.note_id, opened_at__lte=addendum.created_at
        )
    )
    for query in queries:
        _close(
            query,
            by=addendum.author,
            resolution=Resolution.ADDENDUM,
            note=f"Addendum {addendum.pk}: {addendum.reason}",
        )
    return queries
