"""The filtered notes as CSV, one row per note, streamed.

Opens as intended in Excel: a UTF-8 byte-order mark, ISO dates, and no cell that Excel
would run as a formula (OWASP "CSV injection": a leading = + - @, tab or carriage return
gets a leading apostrophe). Element columns come from the catalog; each says
"documented", "not applicable: <reason>", "missing (required)", "missing (recommended)",
or nothing when the note's codes do not ask for it.
"""

import csv
import io

import orjson
from django.contrib.auth import get_user_model
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from checklists.models import CodeLine, Note
from practice.models import Patient
from procedures.models import DocumentationElement

from .models import DocumentationQuery

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000

HEADER = [
    "note_id",
    "patient_last_name",
    "patient_first_name",
    "mrn",
    "date_of_service",
    "place_of_service",
    "clinician",
    "status",
    "signed_at",
    "completeness_percent",
    "required_missing",
    "recommended_missing",
    "coding_problems",
    "open_queries",
    "codes",
    "code_lines",
]


def safe_cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def element_columns() -> list[tuple[str, str]]:
    return list(DocumentationElement.objects.order_by("key").values_list("key", "label"))


def _line_text(code, units, modifiers, side, site) -> str:
    parts = [code + ("-" + "-".join(modifiers) if modifiers else ""), f"x{units}"]
    if side:
        parts.append(side)
    if site:
        parts.append(site)
    return " ".join(parts)


NOTE_FIELDS = (
    "pk",
    "patient_id",
    "dos_text",
    "place_of_service",
    "clinician_id",
    "status",
    "signed_at",
    "completeness",
    "required_missing",
    "recommended_missing",
    "coding_problems",
    # As text, decoded by orjson (the JSON field's own decoder is slower): the statuses
    # the note's last save stored, so the export never decodes answers.
    "status_text",
)


def _chunks(notes):
    """The notes as tuples, CHUNK at a time, keyset-paginated (no OFFSET, no cursor).

    The notes alone, without joining patients and clinicians: a join lets SQLite's planner,
    without fresh statistics, walk the notes by clinician and sort every chunk."""
    last = None
    ordered = (
        notes.order_by("pk")
        .annotate(
            status_text=Cast("element_status", TextField()),
            # ISO already, in both databases: no date object made and formatted per row.
            dos_text=Cast("date_of_service", TextField()),
        )
        .values_list(*NOTE_FIELDS)
    )
    while True:
        page = list((ordered.filter(pk__gt=last) if last else ordered)[:CHUNK])
        if not page:
            return
        yield page
        last = page[-1][0]


def _in_chunk(ids):
    """Rows of these notes: a pk range when the chunk is dense (cheaper than IN (2000 ids));
    rows of notes in the range but not in the chunk are dropped by the caller's lookups."""
    if ids[-1] - ids[0] < 2 * len(ids):
        return Q(note_id__gte=ids[0], note_id__lte=ids[-1])
    return Q(note_id__in=ids)


class ElementCells:
    """The element cells of a note, from its stored statuses (JSON text). Notes with the
    same statuses share one text (a complete note of a code, most often), so the cells
    are worked out once per distinct text, up to LIMIT texts."""

    LIMIT = 5000

    def __init__(self, columns):
        self.position = {key: index for index, (key, _) in enumerate(columns)}
        self.empty = ("",) * len(columns)
        self.seen: dict[str, tuple] = {}

    def __call__(self, text) -> tuple:
        cells = self.seen.get(text)
        if cells is None:
            cells = self._cells(text)
            if len(self.seen) < self.LIMIT:
                self.seen[text] = cells
        return cells

    def _cells(self, text) -> tuple:
        if not text or text == "{}":
            return self.empty
        cells = list(self.empty)
        # Statuses start with "documented", "not applicable" or "missing": never a formula.
        for key, status in orjson.loads(text).items():
            index = self.position.get(key)
            if index is not None:
                cells[index] = status
        return tuple(cells)


def note_rows(notes, columns):
    """Rows (lists of cells) for `notes`: three queries per CHUNK notes (notes, their
    patients, their code lines), no model objects."""
    open_notes = set(DocumentationQuery.objects.open().values_list("note_id", flat=True))
    clinicians = {
        pk: safe_cell(f"{first} {last}".strip() or username)
        for pk, first, last, username in get_user_model().objects.values_list(
            "pk", "first_name", "last_name", "username"
        )
    }
    element_cells = ElementCells(columns)
    # Sets of code lines repeat across notes: their cells are made once.
    line_cells: dict[tuple, tuple] = {}
    status_names = dict(Note.Status.choices)
    for page in _chunks(notes):
        ids = [row[0] for row in page]
        patients = {
            pk: (safe_cell(last), safe_cell(first), safe_cell(mrn))
            for pk, last, first, mrn in Patient.objects.filter(
                pk__in={row[1] for row in page}
            ).values_list("pk", "last_name", "first_name", "mrn")
        }
        lines: dict[int, list] = {}
        for note_id, code, units, modifiers, side, site in (
            CodeLine.objects.filter(_in_chunk(ids))
            .order_by("note_id", "position")
            .annotate(modifiers_text=Cast("modifiers", TextField()))
            .values_list("note_id", "code", "units", "modifiers_text", "side", "site")
        ):
            modifiers = tuple(orjson.loads(modifiers)) if modifiers != "[]" else ()
            lines.setdefault(note_id, []).append((code, units, modifiers, side, site))
        for (
            pk,
            patient_id,
            dos,
            place,
            clinician_id,
            status,
            signed_at,
            completeness,
            required_missing,
            recommended_missing,
            coding_problems,
            statuses,
        ) in page:
            note_lines = tuple(lines.get(pk, ()))
            code_cells = line_cells.get(note_lines)
            if code_cells is None:
                code_cells = (
                    " ".join(line[0] for line in note_lines),
                    safe_cell("; ".join(_line_text(*line) for line in note_lines)),
                )
                if len(line_cells) < ElementCells.LIMIT:
                    line_cells[note_lines] = code_cells
            yield [
                pk,
                *patients[patient_id],
                dos,
                place,
                clinicians[clinician_id],
                status_names.get(status, status),
                timezone.localtime(signed_at).isoformat() if signed_at else "",
                completeness,
                required_missing,
                recommended_missing,
                coding_problems,
                int(pk in open_notes),
                *code_cells,
                *element_cells(statuses),
            ]


def stream(notes, *, batch=CHUNK):
    """Yield the CSV text: BOM and header first, then the notes, `batch` lines at a time
    (one piece of text per batch, not per line: the response's own work is per piece)."""
    columns = element_columns()
    header = HEADER + [f"{label} [{key}]" for key, label in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(cell) for cell in header])
    yield "\ufeff" + buffer.getvalue()
    rows = []
    for row in note_rows(notes, columns):
        rows.append(row)
        if len(rows) == batch:
            yield _text(rows)
            rows = []
    if rows:
        yield _text(rows)


def _text(rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()
