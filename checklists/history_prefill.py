"""Facts a new note can read from the patient's earlier signed notes in this practice.

Injection counts, the diagnostic blocks with their date and relief, the earlier sessions
with their levels, how long the pain has lasted (the earlier note's duration plus the whole
months since): the clinician would otherwise look them up, count and type them again. Each
value is offered as a prefill marked with where it came from (Note.copied), to be
confirmed or corrected: our records may not be the patient's whole history.

`prefill()` is pure (earlier notes as `PastNote`s in, answers and sources out);
`past_notes()` is the one read.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .models import Note

# Diagnostic blocks that precede an ablation, and the ablation codes of one region.
REGIONS = {
    "lumbar facets": ({"64635", "64636"}, {"64493", "64494", "64495"}),
    "cervical/thoracic facets": ({"64633", "64634"}, {"64490", "64491", "64492"}),
    "genicular nerves": ({"64624"}, {"64454"}),
    "superior hypogastric plexus": ({"64681"}, {"64517"}),
    "celiac plexus": ({"64680"}, {"64530"}),
}
MORTON_CODES = {"64632", "64455"}
CHEMODENERVATION_CODES = {"64642", "64643", "64644", "64645", "64646", "64647"}


@dataclass(frozen=True)
class PastNote:
    pk: int
    date: datetime.date
    codes: tuple[str, ...]
    sites: tuple[str, ...]
    answers: dict


def months_before(day: datetime.date, months: int) -> datetime.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def whole_months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole calendar months from `start` to `end` (rounded down: never more than elapsed)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(months - (end.day < start.day), 0)


def _months(count) -> str:
    return "month" if str(count) == "1" else "months"


def _related_codes(codes: list[str]) -> set[str]:
    """Codes whose notes treat the same pain: today's, and the blocks and ablations of
    today's region or series."""
    related = set(codes)
    for ablations, blocks in REGIONS.values():
        if (ablations | blocks) & related:
            related |= ablations | blocks
    for group in (MORTON_CODES, CHEMODENERVATION_CODES):
        if group & related:
            related |= group
    return related


def _pain_duration(past: list[PastNote], codes: list[str], date):
    """(months, source) from the latest related note that recorded the duration, or None.
    The duration of the pain being treated runs from its onset: a later note adds the
    whole months since the earlier one. The source shows the sum, to be confirmed."""
    related = _related_codes(codes)
    for note in reversed(past):
        value = (note.answers.get("pain_duration_months") or {}).get("value")
        if not related & set(note.codes) or value in (None, ""):
            continue
        try:
            earlier = Decimal(str(value))
        except InvalidOperation:
            continue
        since = whole_months_between(note.date, date)
        months = earlier + since
        shown = f"{earlier.normalize():f}"
        return (
            f"{months.normalize():f}",
            f"{shown} {_months(shown)} on {_where(note)} + {since} whole {_months(since)} since",
        )
    return None


def _relief(note: PastNote):
    return (note.answers.get("block_relief_percent") or {}).get("value")


def _where(note: PastNote) -> str:
    levels = ", ".join(s for s in note.sites if s)
    return f"note {note.pk} of {note.date:%m/%d/%Y}" + (f" ({levels})" if levels else "")


def _site_key(site: str) -> str:
    return "".join(site.upper().split())


def prefill(
    *, element_keys: set, codes: list[str], sites: list[str], date, past: list[PastNote]
) -> dict[str, tuple[dict, str]]:
    """{element key: (answer, where it came from)} for the elements the note asks."""
    past = sorted((n for n in past if n.date <= date), key=lambda n: (n.date, n.pk))
    found = {}

    def offer(key, value, source):
        if key in element_keys and value is not None:
            found[key] = ({"value": value}, source)

    for region, (ablations, blocks) in REGIONS.items():
        if not ablations & set(codes):
            continue
        block_notes = [n for n in past if blocks & set(n.codes)]
        if len(block_notes) >= 2:
            first, second = block_notes[-2:]
            offer("mbb1_date", first.date.isoformat(), _where(first))
            offer("mbb1_relief", _relief(first), _where(first))
            offer("mbb2_date", second.date.isoformat(), _where(second))
            offer("mbb2_relief", _relief(second), _where(second))
        if block_notes:
            last = block_notes[-1]
            offer("prognostic_block_date", last.date.isoformat(), _where(last))
            offer("prognostic_block_relief", _relief(last), _where(last))
        sessions = [n for n in past if ablations & set(n.codes)]
        if sessions:
            last = sessions[-1]
            offer("prior_rf_same_region", "yes", _where(last))
            offer("prior_rf_date", last.date.isoformat(), _where(last))
        since = months_before(date, 12)
        recent = [n for n in sessions if n.date > since]
        offer(
            "rf_sessions_region_12mo",
            str(len({n.date for n in recent})),
            f"{region}: this practice's signed notes since {since:%m/%d/%Y}",
        )

    if MORTON_CODES & set(codes):
        since = months_before(date, 6)
        wanted = {_site_key(s) for s in sites if s}
        earlier = [
            n
            for n in past
            if MORTON_CODES & set(n.codes)
            and n.date > since
            and (not wanted or not any(n.sites) or wanted & {_site_key(s) for s in n.sites})
        ]
        offer(
            "site_injections_6mo",
            str(len(earlier) + 1),
            f"{len(earlier)} earlier in this practice's signed notes since {since:%m/%d/%Y}, "
            "plus today",
        )

    if CHEMODENERVATION_CODES & set(codes):
        earlier = [n for n in past if CHEMODENERVATION_CODES & set(n.codes)]
        if earlier:
            offer("last_toxin_date", earlier[-1].date.isoformat(), _where(earlier[-1]))

    duration = _pain_duration(past, codes, date)
    if duration:
        offer("pain_duration_months", *duration)
    return found


def past_notes(patient_id, *, exclude_pk=None) -> list[PastNote]:
    """The patient's signed notes, lines read in one query."""
    notes = (
        Note.objects.filter(patient_id=patient_id)
        .exclude(status=Note.Status.DRAFT)
        .exclude(pk=exclude_pk)
        .prefetch_related("lines")
        .order_by("date_of_service", "pk")
    )
    return [
        PastNote(
            pk=n.pk,
            date=n.date_of_service,
            codes=tuple(line.code for line in n.lines.all()),
            sites=tuple(line.site for line in n.lines.all()),
            answers=n.answers or {},
        )
        for n in notes
    ]
