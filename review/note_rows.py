"""The dashboard's table of notes, its rows built in Python.

Fifty rows of nine cells, each a handful of template nodes, were most of the dashboard's
time once the figures came from the tallies; the same markup from format_html costs a
fraction of it, and the page's template work no longer grows with anything but the page.
"""

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

STATUS_BADGES = {
    "draft": mark_safe('<span class="badge text-bg-warning">Draft</span>'),
    "amended": mark_safe('<span class="badge text-bg-info">Signed, amended</span>'),
    "signed": mark_safe('<span class="badge text-bg-success">Signed</span>'),
}


def _status(note) -> SafeString:
    badge = STATUS_BADGES.get(note.status, STATUS_BADGES["signed"])
    count = note.open_query_count
    if count:
        badge = format_html(
            '{} <span class="badge rounded-pill text-bg-danger" title="Open documentation '
            'queries">{} quer{}</span>',
            badge,
            count,
            "y" if count == 1 else "ies",
        )
    warnings = note.coding_warnings_signed
    if warnings:
        badge = format_html(
            '{} <span class="badge rounded-pill text-bg-warning" title="Signed despite coding '
            'warnings, each with a reason (on the note)">{} coding warning{}</span>',
            badge,
            warnings,
            "" if warnings == 1 else "s",
        )
    return badge


def _missing(note) -> SafeString:
    required = (
        format_html(
            '<span class="text-danger-emphasis fw-semibold">{}</span>', note.required_missing
        )
        if note.required_missing
        else mark_safe("0")
    )
    if not note.recommended_missing:
        return required
    return format_html(
        '{}<div class="small text-body-secondary">+{} rec.</div>',
        required,
        note.recommended_missing,
    )


def _row(note, *, today, next_query) -> SafeString:
    clinician = note.clinician
    codes = format_html_join(
        "",
        '<span class="badge text-bg-light border">{}</span> ',
        ((c,) for c in (note.line_codes or "").split()),
    )
    complete = " is-complete" if note.required_missing == 0 else ""
    return format_html(
        "<tr>"
        '<td><span class="fw-semibold">{}, {}</span>'
        '<div class="small text-body-secondary">MRN {}</div></td>'
        '<td class="text-nowrap">{}</td>'
        "<td>{}</td>"
        '<td class="small">{}</td>'
        "<td>{}</td>"
        '<td><div class="d-flex align-items-center gap-2"><progress class="completeness{}" '
        'max="100" value="{}" aria-label="Completeness of note {}">{}%</progress>'
        '<span class="small">{}%</span></div></td>'
        '<td class="text-end">{}</td>'
        '<td class="text-end text-nowrap">{} d</td>'
        '<td class="text-end text-nowrap">'
        '<a class="btn btn-sm btn-outline-secondary" href="{}">Open</a> '
        '<a class="btn btn-sm btn-outline-danger" href="{}?{}">Query</a></td>'
        "</tr>\n",
        note.patient.last_name,
        note.patient.first_name,
        note.patient.mrn,
        note.date_of_service.strftime("%m/%d/%Y"),
        codes,
        clinician.get_full_name() or clinician.username,
        _status(note),
        complete,
        note.completeness,
        note.pk,
        note.completeness,
        note.completeness,
        _missing(note),
        (today - note.date_of_service).days,
        reverse("checklists:note-detail", args=[note.pk]),
        reverse("review:query-new", args=[note.pk]),
        next_query,
    )


def note_rows_html(notes, *, today, next_path: str) -> SafeString:
    """The <tr> rows of these notes (annotated by review.selectors.note_rows)."""
    next_query = urlencode({"next": next_path})
    return mark_safe("".join(_row(note, today=today, next_query=next_query) for note in notes))
