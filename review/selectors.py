"""What the dashboard reads: a fixed number of aggregate queries over the filtered notes.

Nothing here loads notes to count them. The completeness of each note's last save is
stored on the note (required_missing, completeness, status, signed_at) and, per missing
element, in NoteGap; the queries group those in the database, helped by the covering
indexes of review/migrations/0002. Whatever the number of notes, the dashboard runs:
per clinician (which also gives the summary and the days-to-signature histogram), per
code, missing elements, and one page of notes.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import CharField, Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Coalesce, Length

from checklists.models import CodeLine, Note
from procedures.models import DocumentationElement

from .expressions import DaysToSign, IdList, JoinedCodes
from .models import DocumentationQuery


def open_query_note_ids():
    return DocumentationQuery.objects.open().values("note_id")


def _percent(part: int, whole: int) -> int | None:
    """Whole percent, rounded down: 100 % means all, as on the note page."""
    return part * 100 // whole if whole else None


def _share(part: int, whole: int) -> int:
    """Rounded percent that never reads 0 for some or 100 for not all."""
    if not whole:
        return 0
    value = round(part * 100 / whole)
    if part and value == 0:
        return 1
    if part < whole and value == 100:
        return 99
    return value


def median_from_histogram(histogram: dict[int, int]) -> float | None:
    """The median of values given as {value: count} (the lower/upper mean when even)."""
    total = sum(histogram.values())
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]
    found = []
    seen = 0
    for value in sorted(histogram):
        count = histogram[value]
        while wanted and wanted[0] < seen + count:
            found.append(value)
            wanted.pop(0)
        seen += count
    return sum(found) / 2


@dataclass
class Group:
    """Counts for one clinician, one code or the whole filtered set."""

    key: str
    label: str
    notes: int = 0
    complete: int = 0
    drafts: int = 0
    old_drafts: int = 0
    open_queries: int = 0
    days_to_sign: dict[int, int] = field(default_factory=dict)

    @property
    def incomplete(self) -> int:
        return self.notes - self.complete

    @property
    def percent_complete(self) -> int | None:
        return _percent(self.complete, self.notes)

    @property
    def signed(self) -> int:
        return sum(self.days_to_sign.values())

    @property
    def median_days_to_sign(self) -> float | None:
        return median_from_histogram(self.days_to_sign)


def by_clinician(
    notes, *, today: datetime.date, older_days: int, names: dict[str, str]
) -> tuple[Group, list[Group]]:
    """One query: the summary of the filtered set and the same figures per clinician.

    Two groupings in one UNION ALL: counts per clinician (rows with no `days`), and signed
    notes per clinician and whole days to signature, the histogram both the overall and
    each clinician's median come from (a few dozen rows, never the notes). Split so, each
    half streams through an index instead of sorting every note (5x faster on SQLite).
    """
    cutoff = today - datetime.timedelta(days=older_days)
    zero = Value(0, output_field=IntegerField())
    counts = (
        notes.order_by()
        .values("clinician_id")
        .annotate(
            days=Value(None, output_field=IntegerField()),
            notes=Count("pk"),
            complete=Count("pk", filter=Q(required_missing=0)),
            drafts=Count("pk", filter=Q(status=Note.Status.DRAFT)),
            old_drafts=Count("pk", filter=Q(status=Note.Status.DRAFT, date_of_service__lt=cutoff)),
            open_queries=Count("pk", filter=Q(pk__in=open_query_note_ids())),
        )
    )
    histogram = (
        notes.order_by()
        .filter(signed_at__isnull=False)
        .values("clinician_id")
        .annotate(
            days=DaysToSign(),
            notes=Count("pk"),
            complete=zero,
            drafts=zero,
            old_drafts=zero,
            open_queries=zero,
        )
    )
    total = Group("all", "All clinicians")
    groups: dict[int, Group] = {}
    for row in counts.union(histogram, all=True):
        pk = row["clinician_id"]
        group = groups.setdefault(pk, Group(str(pk), names.get(str(pk), f"User {pk}")))
        for target in (group, total):
            if row["days"] is None:
                target.notes += row["notes"]
                target.complete += row["complete"]
                target.drafts += row["drafts"]
                target.old_drafts += row["old_drafts"]
                target.open_queries += row["open_queries"]
            else:
                days = row["days"]
                target.days_to_sign[days] = target.days_to_sign.get(days, 0) + row["notes"]
    ordered = sorted(groups.values(), key=lambda g: (-g.notes, g.label))
    return total, ordered


def _is_filtered(notes) -> bool:
    return bool(notes.query.where)


def by_code(notes, titles: dict[str, str]) -> list[Group]:
    """One query: notes and complete notes per billed code (a note counts once per code).

    Membership tests are uncorrelated `note_id IN (...)`, answered from the notes' covering
    indexes, rather than a join that would read each note's row.
    """
    lines = CodeLine.objects.all()
    if _is_filtered(notes):
        lines = lines.filter(note_id__in=notes.order_by().values("pk"))
    complete = notes.order_by().filter(required_missing=0).values("pk")
    rows = (
        lines.order_by()
        .values("code")
        .annotate(
            notes=Count("note_id", distinct=True),
            complete=Count("note_id", distinct=True, filter=Q(note_id__in=complete)),
        )
    )
    groups = [
        Group(row["code"], titles.get(row["code"], ""), row["notes"], row["complete"])
        for row in rows
    ]
    return sorted(groups, key=lambda g: (-g.notes, g.key))


@dataclass(frozen=True)
class Missing:
    element_key: str
    label: str
    requirement: str
    notes: int
    of: int

    @property
    def percent(self) -> int:
        return _share(self.notes, self.of)


# Grouped first, labelled after: the label is read for each of the few result rows `x`,
# not for each of the (many) gaps, so the count is answered from an index alone. The label
# is the catalog's (the note's own when the catalog dropped the element); review.tallied
# asks the same.
MISSING_LABEL_SQL = """COALESCE(
         (SELECT e.label FROM procedures_documentationelement e WHERE e.key = x.element_key),
         (SELECT g2.label FROM checklists_notegap g2
           WHERE g2.element_key = x.element_key AND g2.requirement = x.requirement
           LIMIT 1)
       )"""

MISSING_SQL = f"""
SELECT x.element_key, x.requirement, x.notes, {MISSING_LABEL_SQL} AS label
  FROM (SELECT element_key, requirement, COUNT(*) AS notes
          FROM checklists_notegap {{where}}
         GROUP BY element_key, requirement) x
"""


def missing_elements(notes, *, of: int) -> list[Missing]:
    """One query: each element the filtered notes leave undocumented, most often first.

    A gap is unique per (note, element), so counting gaps counts notes. `of` is the number
    of filtered notes, the denominator of the share; filtered by a code, it is the notes
    carrying that code, which is how the dashboard shows the elements per code.
    """
    where, params = "", ()
    if _is_filtered(notes):
        subquery, params = notes.order_by().values("pk").query.sql_with_params()
        where = f"WHERE note_id IN ({subquery})"
    with connection.cursor() as cursor:
        cursor.execute(MISSING_SQL.format(where=where), params)
        rows = cursor.fetchall()
    return missing_items(rows, of=of)


def missing_items(rows, *, of: int) -> list[Missing]:
    """(element_key, requirement, notes, label) rows as Missing, required first, then most
    often missing; elements no note misses are left out."""
    items = [
        Missing(key, label or key, requirement, count, of)
        for key, requirement, count, label in rows
        if count
    ]
    return sorted(items, key=lambda m: (m.requirement != "required", -m.notes, m.label))


SORTS = {
    "date": ("date_of_service", "pk"),
    "-date": ("-date_of_service", "-pk"),
    "patient": ("patient__last_name", "patient__first_name", "pk"),
    "-patient": ("-patient__last_name", "-patient__first_name", "-pk"),
    "clinician": ("clinician__last_name", "clinician__first_name", "pk"),
    "-clinician": ("-clinician__last_name", "-clinician__first_name", "-pk"),
    "status": ("status", "-date_of_service", "-pk"),
    "-status": ("-status", "-date_of_service", "-pk"),
    "complete": ("completeness", "-date_of_service", "-pk"),
    "-complete": ("-completeness", "-date_of_service", "-pk"),
    "missing": ("required_missing", "-date_of_service", "-pk"),
    "-missing": ("-required_missing", "-date_of_service", "-pk"),
    # Age is days since the date of service: oldest first is the earliest date.
    "age": ("-date_of_service", "-pk"),
    "-age": ("date_of_service", "pk"),
}
DEFAULT_SORT = "-date"


NOTE_ROW_COLUMNS = (
    "pk",
    "date_of_service",
    "status",
    "completeness",
    "required_missing",
    "recommended_missing",
    "coding_warnings_signed",
    "patient__first_name",
    "patient__last_name",
    "patient__mrn",
    "clinician__first_name",
    "clinician__last_name",
    "clinician__username",
    "open_query_count",
    "line_codes",
)


def note_rows(notes, *, sort: str):
    """The table's rows: one query with patient, clinician, codes and open queries.

    Named tuples of NOTE_ROW_COLUMNS, not model instances: the table shows these columns
    and nothing else, and fifty instances with their patient and clinician cost more than
    the query.
    """
    codes = (
        CodeLine.objects.filter(note=OuterRef("pk"))
        .order_by()
        .values("note_id")
        .annotate(codes=JoinedCodes())
        .values("codes")
    )
    return (
        with_open_query_count(notes)
        .annotate(line_codes=Subquery(codes))
        .order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))
        .values_list(*NOTE_ROW_COLUMNS, named=True)
    )


@dataclass(frozen=True)
class Cloned:
    clinician_id: int
    element_key: str
    label: str
    text: str
    patients: int
    notes: int
    note_ids: tuple[int, ...]


TEXT_TYPES = ("text", "long_text")


def possibly_cloned(notes, *, min_length: int = 20) -> list[Cloned]:
    """Free-text answers written word for word in notes of different patients.

    Payers deny documentation that reads the same for every patient. One query: per
    free-text element, the texts a clinician used for two or more patients (answers of at
    least `min_length` characters, so "none" or "n/a" is not flagged).
    """
    elements = list(
        DocumentationElement.objects.filter(input_type__in=TEXT_TYPES)
        .order_by("key")
        .values_list("key", "label")
    )
    if not elements:
        return []
    labels = dict(elements)
    parts = [
        notes.order_by()
        .annotate(text=KeyTextTransform("value", KeyTransform(key, "answers")))
        .annotate(text_length=Length("text"))
        .filter(text_length__gte=min_length)
        # Coded answers (a list of ICD-10-CM codes) are picked, not typed: not cloned text.
        .exclude(text__startswith="[")
        .values("clinician_id", "text")
        .annotate(
            key=Value(key, output_field=CharField()),
            patients=Count("patient_id", distinct=True),
            notes=Count("pk"),
            ids=IdList("pk"),
        )
        .filter(patients__gte=2)
        .values("clinician_id", "text", "key", "patients", "notes", "ids")
        for key, _ in elements
    ]
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    found = [
        Cloned(
            clinician_id=row["clinician_id"],
            element_key=row["key"],
            label=labels.get(row["key"], row["key"]),
            text=row["text"],
            patients=row["patients"],
            notes=row["notes"],
            note_ids=tuple(sorted((int(pk) for pk in row["ids"].split(",")), reverse=True))[:12],
        )
        for row in rows
    ]
    return sorted(found, key=lambda c: (c.clinician_id, -c.patients, -c.notes, c.label))


def with_open_query_count(notes):
    """Annotate `open_query_count` (for the note list's badge), in the same query."""
    open_queries = (
        DocumentationQuery.objects.open()
        .filter(note=OuterRef("pk"))
        .order_by()
        .values("note_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return notes.annotate(
        open_query_count=Coalesce(Subquery(open_queries, output_field=IntegerField()), Value(0))
    )
