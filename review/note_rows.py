"""The dashboard's table of notes, its rows built in Python from plain tuples.

Fifty rows of nine cells, each a handful of template nodes, were most of the dashboard's
time once the figures came from the tallies. The rows are written with f-strings over the
columns review.selectors.note_rows reads (named tuples, not model instances), every value
escaped, and the two links per row from URL prefixes reversed once per page: the table's
cost no longer grows with anything but the page, and is a small part of it.
"""

from html import escape

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

STATUS_BADGES = {
    "draft": '<span class="badge text-bg-warning">Draft</span>',
    "amended": '<span class="badge text-bg-info">Signed, amended</span>',
    "signed": '<span class="badge text-bg-success">Signed</span>',
}
# Reversed with this id, then split around it: the URL of any note is prefix + id + suffix.
_SENTINEL = 987654321


def _url_parts(name: str) -> tuple[str, str]:
    prefix, _, suffix = reverse(name, args=[_SENTINEL]).partition(str(_SENTINEL))
    return escape(prefix), escape(suffix)


def _status(row) -> str:
    badge = STATUS_BADGES.get(row.status, STATUS_BADGES["signed"])
    count = row.open_query_count
    if count:
        badge += (
            ' <span class="badge rounded-pill text-bg-danger" title="Open documentation '
            f'queries">{count} quer{"y" if count == 1 else "ies"}</span>'
        )
    warnings = row.coding_warnings_signed
    if warnings:
        badge += (
            ' <span class="badge rounded-pill text-bg-warning" title="Signed despite coding '
            'warnings, each with a reason (on the note)">'
            f"{warnings} coding warning{'' if warnings == 1 else 's'}</span>"
        )
    return badge


def _missing(row) -> str:
    required = (
        f'<span class="text-danger-emphasis fw-semibold">{row.required_missing}</span>'
        if row.required_missing
        else "0"
    )
    if not row.recommended_missing:
        return required
    recommended = row.recommended_missing
    return f'{required}<div class="small text-body-secondary">+{recommended} rec.</div>'


def _clinician(row) -> str:
    name = f"{row.clinician__first_name} {row.clinician__last_name}".strip()
    return escape(name or row.clinician__username)


def note_rows_html(rows, *, today, next_path: str) -> SafeString:
    """The <tr> rows of these notes (the named tuples of review.selectors.note_rows)."""
    next_query = escape(urlencode({"next": next_path}))
    note_url, note_end = _url_parts("checklists:note-detail")
    query_url, query_end = _url_parts("review:query-new")
    html = []
    for row in rows:
        pk, completeness, day = row.pk, row.completeness, row.date_of_service
        codes = "".join(
            f'<span class="badge text-bg-light border">{escape(code)}</span> '
            for code in (row.line_codes or "").split()
        )
        complete = " is-complete" if row.required_missing == 0 else ""
        html.append(
            "<tr>"
            f'<td><span class="fw-semibold">{escape(row.patient__last_name)}, '
            f"{escape(row.patient__first_name)}</span>"
            f'<div class="small text-body-secondary">MRN {escape(row.patient__mrn)}</div></td>'
            f'<td class="text-nowrap">{day:%m/%d/%Y}</td>'
            f"<td>{codes}</td>"
            f'<td class="small">{_clinician(row)}</td>'
            f"<td>{_status(row)}</td>"
            f'<td><div class="d-flex align-items-center gap-2"><progress class="completeness'
            f'{complete}" max="100" value="{completeness}" aria-label="Completeness of note '
            f'{pk}">{completeness}%</progress><span class="small">{completeness}%</span></div>'
            "</td>"
            f'<td class="text-end">{_missing(row)}</td>'
            f'<td class="text-end text-nowrap">{(today - day).days} d</td>'
            '<td class="text-end text-nowrap">'
            f'<a class="btn btn-sm btn-outline-secondary" href="{note_url}{pk}{note_end}">'
            "Open</a> "
            f'<a class="btn btn-sm btn-outline-danger" href="{query_url}{pk}{query_end}?'
            f'{next_query}">Query</a></td>'
            "</tr>\n"
        )
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped or a number
