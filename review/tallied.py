"""The dashboard's figures read from the tallies: sums over a few thousand rows at most.

The same figures as review.selectors, which aggregates the notes themselves; the dashboard
uses these whenever every active filter is one the tallies are keyed by (dates, code,
clinician, place, status, complete or not), and the selectors otherwise. A code filter
reads the per-code tallies: notes and gaps under each code a note bills, and pairs of
codes billed together for the per-code table. Every tally has a row for all time, per
year, per month and per day: all time is read from the all-time rows, whole years from the
year rows, the months around them from the
month rows, and the days of a month the range cuts from the day rows, so the answer is
exact for any range without counting a note. Query counts are the selectors' own: one per
figure.

The queries are SQL over the tally tables and the notes' filters as the ORM compiles them
(`filtered_notes`): the tables are the triggers' (review/tally_triggers.py), and building
these unions with the ORM cost several milliseconds of CPU a request, more than the
database spent answering them.
"""

import calendar
import datetime
import string
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection

from checklists.models import Note

from . import tally_triggers
from .models import DocumentationQuery
from .selectors import MISSING_LABEL_SQL, Group, Missing, missing_items

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

    def dimensions(self) -> "Sql":
        """The tallied filters other than dates, on a tally table's columns."""
        parts = []
        if self.code:
            parts.append(Sql("code = %s", [self.code]))
        if self.clinician:
            parts.append(Sql("clinician_id = %s", [int(self.clinician)]))
        if self.place:
            parts.append(Sql("place = %s", [self.place]))
        if self.status:
            parts.append(Sql("status = %s", [self.status]))
        if self.completeness:
            parts.append(Sql("complete = %s", [self.completeness == "complete"]))
        return Sql.all(parts)

    def rows(self, table: str, *, split: datetime.date | None = None) -> "Sql":
        """The table's rows that count the range, each day once, with `n` their notes: the
        all-time rows when no date bounds it; otherwise year rows for the whole years
        inside it, month rows for the whole months around them, and for a month the range
        cuts either the day rows of its days in the range, or the month row less the day
        rows of its other days, whichever reads fewer days (so at most 15 days a month: a
        range from the 2nd reads the month less the 1st).

        `split` is a month whose notes must be told apart from the months before it (the
        old-draft cutoff's): its year is read from the month rows.
        """
        added, months, taken = self._cut_months()
        parts = [self._whole_periods(split)]
        dims = self.dimensions()
        if months:
            listed = ", ".join(["%s"] * len(months))
            parts.append(
                Sql.all([Sql(f"months = 1 AND month IN ({listed})", map(_day, months)), dims])
            )
        if added or taken:
            parts.append(Sql.all([Sql("months = 0"), _between(added + taken), dims]))
        where = Sql.any(parts)
        if not taken:
            return Sql(f"SELECT *, note_count AS n FROM {table} WHERE {{where}}").format(
                where=where
            )
        negative = Sql.all([Sql("months = 0"), _between(taken)])
        return Sql(
            "SELECT *, CASE WHEN {negative} THEN -note_count ELSE note_count END AS n"
            f" FROM {table} WHERE {{where}}"
        ).format(negative=negative, where=where)

    def days_before(self, day: datetime.date, *, since: datetime.date) -> "Sql | None":
        """The day rows of the range from `since` to the day before `day`, or None."""
        first = max(since, self.dos_from) if self.dos_from else since
        last = day - datetime.timedelta(days=1)
        if self.dos_to:
            last = min(last, self.dos_to)
        if first > last:
            return None
        return Sql.all([Sql("months = 0"), _between([(first, last)]), self.dimensions()])

    def _whole_periods(self, split: datetime.date | None) -> "Sql":
        first, last = self._whole_months()
        if first is None and last is None and split is None:  # all time
            return Sql.all([Sql(f"months = {tally_triggers.ALL_TIME}"), self.dimensions()])
        if first and last and first > last:
            return Sql("1 = 0")  # no row: the range holds no whole month
        months = [Sql("months = 1"), self.dimensions()]
        if first:
            months.append(Sql("month >= %s", [_day(first)]))
        if last:
            months.append(Sql("month <= %s", [_day(last)]))
        first_year = None if first is None else first.year + (first.month != 1)
        last_year = None if last is None else last.year - (last.month != 12)
        if first_year is not None and last_year is not None and first_year > last_year:
            return Sql.all(months)  # no whole year
        years = [Sql("months = 12"), self.dimensions()]
        by_year = []  # the months the year rows count
        if first_year is not None:
            years.append(Sql("month >= %s", [_day(datetime.date(first_year, 1, 1))]))
            by_year.append(Sql("month >= %s", [_day(datetime.date(first_year, 1, 1))]))
        if last_year is not None:
            years.append(Sql("month <= %s", [_day(datetime.date(last_year, 1, 1))]))
            by_year.append(Sql("month <= %s", [_day(datetime.date(last_year, 12, 1))]))
        if split:
            start, end = datetime.date(split.year, 1, 1), datetime.date(split.year, 12, 1)
            years.append(Sql("month <> %s", [_day(start)]))
            by_year.append(Sql("NOT (month BETWEEN %s AND %s)", [_day(start), _day(end)]))
        if not by_year:  # every year whole: no month row
            return Sql.all(years)
        return Sql.any([Sql.all(years), Sql.all([*months, Sql.all(by_year).negated()])])

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

    def _cut_days(self) -> list[tuple[datetime.date, datetime.date]]:
        """The first and last days of the range in each month it cuts (none, one or two)."""
        cut = []
        if self.dos_from and self.dos_from.day != 1:
            end = _month_end(self.dos_from)
            cut.append((self.dos_from, min(end, self.dos_to) if self.dos_to else end))
        if self.dos_to and self.dos_to != _month_end(self.dos_to):
            start = self.dos_to.replace(day=1)
            if self.dos_from:
                start = max(start, self.dos_from)
            if (start, self.dos_to) not in cut:
                cut.append((start, self.dos_to))
        return [(a, b) for a, b in cut if a <= b]

    def _cut_months(self) -> tuple[list, list, list]:
        """For the months the range cuts: the days to add from the day rows; the months to
        add whole and the days to take off them (the days of those months outside the
        range). Days are (first, last) pairs."""
        added, months, taken = [], [], []
        for first, last in self._cut_days():
            month = first.replace(day=1)
            outside = [
                (a, b)
                for a, b in [
                    (month, first - datetime.timedelta(days=1)),
                    (last + datetime.timedelta(days=1), _month_end(month)),
                ]
                if a <= b
            ]
            if sum((b - a).days + 1 for a, b in outside) < (last - first).days + 1:
                months.append(month)
                taken += outside
            else:
                added.append((first, last))
        return added, months, taken


def _between(days) -> "Sql":
    """The rows of these (first, last) days, on the tally's `month` column."""
    return Sql.any([Sql("month BETWEEN %s AND %s", [_day(a), _day(b)]) for a, b in days])


@dataclass(frozen=True)
class Sql:
    """A fragment of SQL and its parameters, in order."""

    text: str
    params: tuple = ()

    def __init__(self, text: str, params=()):
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "params", tuple(params))

    @classmethod
    def all(cls, parts) -> "Sql":
        parts = [part for part in parts if part.text]
        return cls(
            " AND ".join(f"({part.text})" for part in parts),
            [param for part in parts for param in part.params],
        )

    @classmethod
    def any(cls, parts) -> "Sql":
        return cls(
            " OR ".join(f"({part.text})" for part in parts),
            [param for part in parts for param in part.params],
        )

    def negated(self) -> "Sql":
        return Sql(f"NOT ({self.text})", self.params)

    def format(self, **parts: "Sql") -> "Sql":
        """Fill {name} places with fragments; every parameter keeps its place in the text."""
        own = iter(self.params)
        text, params = [], []
        for literal, name, _, _ in string.Formatter().parse(self.text):
            text.append(literal)
            params += [next(own) for _ in range(literal.count("%s"))]
            if name:
                text.append(parts[name].text)
                params += parts[name].params
        return Sql("".join(text), params)


def _day(day: datetime.date):
    return connection.ops.adapt_datefield_value(day)


def filtered_notes(notes) -> Sql:
    """The filtered notes' conditions, on checklists_note's own columns (compiled once)."""
    query = notes.query
    try:
        text, params = query.get_compiler(connection=connection).compile(query.where)
    except FullResultSet:
        return Sql("1 = 1")
    except EmptyResultSet:
        return Sql("1 = 0")
    return Sql(text or "1 = 1", params)


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _next_month(month: datetime.date) -> datetime.date:
    return _month_end(month) + datetime.timedelta(days=1)


def _previous_month(month: datetime.date) -> datetime.date:
    return (month - datetime.timedelta(days=1)).replace(day=1)


DRAFT = Note.Status.DRAFT.value


def _rows(sql: Sql) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql.text, sql.params)
        return cursor.fetchall()


BY_CLINICIAN_TALLIED = """
SELECT clinician_id, days_to_sign, SUM(n),
       SUM(CASE WHEN complete THEN n ELSE 0 END),
       SUM(CASE WHEN status = '{draft}' THEN n ELSE 0 END),
       SUM(CASE WHEN status = '{draft}' AND month < %s THEN n ELSE 0 END),
       0
  FROM ({{rows}}) t GROUP BY clinician_id, days_to_sign"""
BY_CLINICIAN_OPEN_QUERIES = """
SELECT clinician_id, -2, 0, 0, 0, 0, COUNT(*) FROM checklists_note
 WHERE {notes} AND id IN (SELECT note_id FROM review_documentationquery WHERE status = %s)
 GROUP BY clinician_id"""
BY_CLINICIAN_CUTOFF_MONTH = """
SELECT clinician_id, -1, 0, 0, 0, SUM(note_count), 0 FROM {table} WHERE {{days}}
 GROUP BY clinician_id"""


def by_clinician(
    scope: Scope, notes, *, today: datetime.date, older_days: int, names: dict[str, str]
) -> tuple[Group, list[Group]]:
    """One query: per clinician and days to signature from the tallies, and open queries
    per clinician.

    Open queries change without a note changing, so they are counted from the few notes
    that have one (days_to_sign -2 marks those rows). Whether a draft is older than the
    cutoff is a matter of days: the rows read count the drafts of the months before the
    cutoff's month as old, and the drafts of that month before the cutoff come from its
    day rows (days_to_sign -1 marks those).

    Written as SQL over the notes' compiled filters rather than built with the ORM: the
    same query, a fifth of the CPU (the ORM spent milliseconds a request building it).
    """
    cutoff = today - datetime.timedelta(days=older_days)
    cutoff_month = cutoff.replace(day=1)
    notes_where = filtered_notes(notes)
    table = "review_notecodetally" if scope.code else "review_notetally"
    parts = [
        Sql(BY_CLINICIAN_TALLIED.format(draft=DRAFT), [_day(cutoff_month)]).format(
            rows=scope.rows(table, split=cutoff_month)
        ),
        Sql(BY_CLINICIAN_OPEN_QUERIES, [DocumentationQuery.Status.OPEN.value]).format(
            notes=notes_where
        ),
    ]
    old_days = scope.days_before(cutoff, since=cutoff_month)
    if old_days is not None:
        parts.append(
            Sql(BY_CLINICIAN_CUTOFF_MONTH.format(table=table)).format(
                days=Sql.all([old_days, Sql(f"status = '{DRAFT}'")])
            )
        )
    total = Group("all", "All clinicians")
    groups: dict[int, Group] = {}
    for pk, days, notes_, complete, drafts, old_drafts, open_queries in _rows(_union(parts)):
        group = groups.get(pk) or groups.setdefault(
            pk, Group(str(pk), names.get(str(pk), f"User {pk}"))
        )
        for target in (group, total):
            target.notes += notes_ or 0
            target.complete += complete or 0
            target.drafts += drafts or 0
            target.old_drafts += old_drafts or 0
            target.open_queries += open_queries or 0
            if days >= 0 and notes_:
                target.days_to_sign[days] = target.days_to_sign.get(days, 0) + notes_
                if not target.days_to_sign[days]:  # taken off to nothing
                    del target.days_to_sign[days]
    ordered = sorted(
        (g for g in groups.values() if g.notes or g.open_queries),
        key=lambda g: (-g.notes, g.label),
    )
    return total, ordered


def _union(parts: list[Sql]) -> Sql:
    """UNION ALL of these SELECTs (each wrapped, so each keeps its own GROUP BY)."""
    return Sql(
        " UNION ALL ".join(f"SELECT * FROM ({part.text}) u{i}" for i, part in enumerate(parts)),
        [param for part in parts for param in part.params],
    )


BY_CODE = """
SELECT {column}, SUM(n), SUM(CASE WHEN complete THEN n ELSE 0 END)
  FROM ({{rows}}) t GROUP BY {column}"""


def by_code(scope: Scope, titles: dict[str, str]) -> list[Group]:
    """One query: notes and complete notes per code."""
    if scope.code:  # the filtered code and the codes billed with it
        column, table = "other_code", "review_codepairtally"
    else:
        column, table = "code", "review_codetally"
    sql = Sql(BY_CODE.format(column=column)).format(rows=scope.rows(table))
    groups = [
        Group(code, titles.get(code, ""), notes, complete or 0)
        for code, notes, complete in _rows(sql)
        if notes
    ]
    return sorted(groups, key=lambda g: (-g.notes, g.key))


MISSING = f"""
SELECT x.element_key, x.requirement, x.notes, {MISSING_LABEL_SQL} AS label
  FROM (SELECT element_key, requirement, SUM(n) AS notes FROM ({{rows}}) t
         GROUP BY element_key, requirement) x"""


def missing_elements(scope: Scope, *, of: int) -> list[Missing]:
    """One query: notes missing each element."""
    table = "review_gapcodetally" if scope.code else "review_gaptally"
    sql = Sql(MISSING).format(rows=scope.rows(table))
    return missing_items(_rows(sql), of=of)
