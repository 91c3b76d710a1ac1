"""The dashboard's figures read from the tallies: sums over a few thousand rows at most.

The same figures as review.selectors, which aggregates the notes themselves; the dashboard
uses these whenever every active filter is one the tallies are keyed by (dates, code,
clinician, place, status, complete or not), and the selectors otherwise. A code filter
reads the per-code tallies: notes and gaps under each code a note bills, and pairs of
codes billed together for the per-code table. Every tally is per month: a date range that
cuts a month counts that month's notes directly, in the same query (UNION ALL), so the
answer is exact for any range. Query counts are the selectors' own: one per figure.
"""

import calendar
import datetime
import functools
import operator
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce

from checklists.models import CodeLine, Note, NoteGap

from .expressions import DaysToSign
from .models import CodePairTally, CodeTally, GapCodeTally, GapTally, NoteCodeTally, NoteTally
from .selectors import MISSING_LABEL_SQL, Group, Missing, missing_items, open_query_note_ids

TALLIED_FILTERS = frozenset(
    {"dos_from", "dos_to", "code", "clinician", "place", "status", "completeness"}
)


@dataclass(frozen=True)
class Scope:
    """What the tallies are asked for: the cleaned values of the tallied filters."""

    dos_from: datetime.date | None = None
    dos_to: datetime.date | None = None
    code: str | None = None
    clinician: str | None = None
    place: str | None = None
    status: str | None = None
    completeness: str | None = None

    @classmethod
    def of(cls, active: dict, cleaned: dict) -> "Scope | None":
        """The scope of these filters, or None when one of them is not tallied."""
        if not set(active) <= TALLIED_FILTERS:
            return None
        return cls(**{name: cleaned.get(name) or None for name in TALLIED_FILTERS})

    def dimensions(self) -> Q:
        q = Q(code=self.code) if self.code else Q()
        if self.clinician:
            q &= Q(clinician_id=int(self.clinician))
        if self.place:
            q &= Q(place=self.place)
        if self.status:
            q &= Q(status=self.status)
        if self.completeness:
            q &= Q(complete=self.completeness == "complete")
        return q

    def partial_months(self) -> list[datetime.date]:
        """The first days of the months the date range cuts (none, one or two)."""
        months = []
        if self.dos_from and self.dos_from.day != 1:
            months.append(self.dos_from.replace(day=1))
        if self.dos_to and self.dos_to != _month_end(self.dos_to):
            month = self.dos_to.replace(day=1)
            if month not in months:
                months.append(month)
        return months

    def periods(self, *, split: datetime.date | None = None) -> Q:
        """The tally rows that count the range's whole months, each month once: year rows
        for the whole years inside it, month rows for the months around them.

        `split` is a month whose notes must be told apart from the months before it (the
        old-draft cutoff's): its year is read from the month rows.
        """
        first, last = self._whole_months()
        if first and last and first > last:
            return Q(months=0)  # no row: the range holds no whole month
        months = self.dimensions() & Q(months=1)
        if first:
            months &= Q(month__gte=first)
        if last:
            months &= Q(month__lte=last)
        first_year = None if first is None else first.year + (first.month != 1)
        last_year = None if last is None else last.year - (last.month != 12)
        if first_year is not None and last_year is not None and first_year > last_year:
            return months  # no whole year
        years = Q(months=12)
        by_year = []  # the months the year rows count
        if first_year is not None:
            years &= Q(month__gte=datetime.date(first_year, 1, 1))
            by_year.append(Q(month__gte=datetime.date(first_year, 1, 1)))
        if last_year is not None:
            years &= Q(month__lte=datetime.date(last_year, 1, 1))
            by_year.append(Q(month__lte=datetime.date(last_year, 12, 1)))
        if split:
            split_year = (datetime.date(split.year, 1, 1), datetime.date(split.year, 12, 1))
            years &= ~Q(month=split_year[0])
            by_year.append(~Q(month__range=split_year))
        if not by_year:  # every year whole: no month row
            return self.dimensions() & years
        return (self.dimensions() & years) | (months & ~functools.reduce(operator.and_, by_year))

    def _whole_months(self) -> tuple[datetime.date | None, datetime.date | None]:
        """The first and last months the range holds whole (None: no bound)."""
        first = last = None
        if self.dos_from:
            first = self.dos_from.replace(day=1)
            if self.dos_from.day != 1:
                first = _next_month(first)
        if self.dos_to:
            last = self.dos_to.replace(day=1)
            if self.dos_to != _month_end(self.dos_to):
                last = _previous_month(last)
        return first, last

    def edge_notes(self, notes):
        """The filtered notes of the partial months, counted from the notes, or None."""
        partial = self.partial_months()
        if not partial:
            return None
        edges = Q()
        for month in partial:
            edges |= Q(date_of_service__range=(month, _month_end(month)))
        return notes.order_by().filter(edges)


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _next_month(month: datetime.date) -> datetime.date:
    return _month_end(month) + datetime.timedelta(days=1)


def _previous_month(month: datetime.date) -> datetime.date:
    return (month - datetime.timedelta(days=1)).replace(day=1)


def _zero():
    return Value(0, output_field=IntegerField())


def by_clinician(
    scope: Scope, notes, *, today: datetime.date, older_days: int, names: dict[str, str]
) -> tuple[Group, list[Group]]:
    """One query: per clinician and days to signature, from the tallies' whole months, the
    notes of the months the date range cuts, and open queries per clinician.

    Two more things come from the notes: open queries change without a note changing, so
    they are counted from the few notes that have one (days_to_sign -2 marks those rows);
    and whether a draft is older than the cutoff is a matter of days, so the drafts of the
    cutoff's own month are counted from the notes (the months before are all old).
    """
    cutoff = today - datetime.timedelta(days=older_days)
    cutoff_month = cutoff.replace(day=1)
    draft = Q(status=Note.Status.DRAFT)
    tallied = (
        (NoteCodeTally if scope.code else NoteTally)
        .objects.filter(scope.periods(split=cutoff_month))
        .values("clinician_id", "days_to_sign")
        .annotate(
            notes=Sum("note_count"),
            complete=Sum("note_count", filter=Q(complete=True)),
            drafts=Sum("note_count", filter=draft),
            old_drafts=Sum("note_count", filter=draft & Q(month__lt=cutoff_month)),
            open_queries=_zero(),
        )
    )
    parts = [
        notes.order_by()
        .filter(pk__in=open_query_note_ids())
        .values("clinician_id")
        .annotate(
            days_to_sign=Value(-2, output_field=IntegerField()),
            notes=_zero(),
            complete=_zero(),
            drafts=_zero(),
            old_drafts=_zero(),
            open_queries=Count("pk"),
        )
    ]
    partial = scope.partial_months()
    if cutoff_month not in partial:
        parts.append(
            notes.order_by()
            .filter(draft, date_of_service__gte=cutoff_month, date_of_service__lt=cutoff)
            .values("clinician_id")
            .annotate(
                days_to_sign=Value(-1, output_field=IntegerField()),
                notes=_zero(),
                complete=_zero(),
                drafts=_zero(),
                old_drafts=Count("pk"),
                open_queries=_zero(),
            )
        )
    edges = scope.edge_notes(notes)
    if edges is not None:
        parts.append(
            edges.values("clinician_id").annotate(
                days_to_sign=Coalesce(DaysToSign(), Value(-1), output_field=IntegerField()),
                notes=Count("pk"),
                complete=Count("pk", filter=Q(required_missing=0)),
                drafts=Count("pk", filter=draft),
                old_drafts=Count("pk", filter=draft & Q(date_of_service__lt=cutoff)),
                open_queries=_zero(),
            )
        )
    total = Group("all", "All clinicians")
    groups: dict[int, Group] = {}
    for row in tallied.union(*parts, all=True):
        pk = row["clinician_id"]
        group = groups.get(pk) or groups.setdefault(
            pk, Group(str(pk), names.get(str(pk), f"User {pk}"))
        )
        for target in (group, total):
            target.notes += row["notes"] or 0
            target.complete += row["complete"] or 0
            target.drafts += row["drafts"] or 0
            target.old_drafts += row["old_drafts"] or 0
            target.open_queries += row["open_queries"] or 0
            days = row["days_to_sign"]
            if days >= 0 and row["notes"]:
                target.days_to_sign[days] = target.days_to_sign.get(days, 0) + row["notes"]
    ordered = sorted(
        (g for g in groups.values() if g.notes or g.open_queries),
        key=lambda g: (-g.notes, g.label),
    )
    return total, ordered


def by_code(scope: Scope, notes, titles: dict[str, str]) -> list[Group]:
    """One query: whole months from the tallies, cut months from the notes' code lines."""
    if scope.code:  # the filtered code and the codes billed with it
        rows = CodePairTally.objects.filter(scope.periods()).values(code_=F("other_code"))
    else:
        rows = CodeTally.objects.filter(scope.periods()).values(code_=F("code"))
    rows = rows.annotate(
        notes=Sum("note_count"), complete=Sum("note_count", filter=Q(complete=True))
    )
    edges = scope.edge_notes(notes)
    if edges is not None:
        counted = (
            CodeLine.objects.filter(note_id__in=edges.values("pk"))
            .order_by()
            .values(code_=F("code"))
            .annotate(
                notes=Count("note_id", distinct=True),
                complete=Count(
                    "note_id",
                    distinct=True,
                    filter=Q(note_id__in=edges.filter(required_missing=0).values("pk")),
                ),
            )
        )
        rows = rows.union(counted, all=True)
    totals: dict[str, list[int]] = {}
    for row in rows:
        counts = totals.setdefault(row["code_"], [0, 0])
        counts[0] += row["notes"] or 0
        counts[1] += row["complete"] or 0
    groups = [
        Group(code, titles.get(code, ""), notes_, complete)
        for code, (notes_, complete) in totals.items()
        if notes_
    ]
    return sorted(groups, key=lambda g: (-g.notes, g.key))


MISSING_SQL = f"""
SELECT x.element_key, x.requirement, SUM(x.notes) AS notes, {MISSING_LABEL_SQL} AS label
  FROM ({{parts}}) x
 GROUP BY x.element_key, x.requirement
"""


def missing_elements(scope: Scope, notes, *, of: int) -> list[Missing]:
    """One query: gaps per element, whole months tallied and cut months counted."""
    parts = [
        (GapCodeTally if scope.code else GapTally)
        .objects.filter(scope.periods())
        .values("element_key", "requirement")
        .annotate(notes=Sum("note_count"))
    ]
    edges = scope.edge_notes(notes)
    if edges is not None:
        parts.append(
            NoteGap.objects.filter(note_id__in=edges.values("pk"))
            .order_by()
            .values("element_key", "requirement")
            .annotate(notes=Count("pk"))
        )
    compiled = [part.query.sql_with_params() for part in parts]
    sql = MISSING_SQL.format(
        parts=" UNION ALL ".join(f"SELECT * FROM ({s}) p" for s, _ in compiled)
    )
    params = [param for _, part_params in compiled for param in part_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return missing_items(rows, of=of)
