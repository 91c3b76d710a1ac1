"""Reads: which packs apply to a patient, a note's live evaluation, the patient timeline,
and the querysets the review dashboard filters with."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from checklists.models import CodeLine, Note

from .checks import add_months
from .engine import Evaluation, applies_in, eligibility, evaluate
from .facts import Line, NoteFacts
from .models import NoteRuleResult, NoteRuleStatus, PatientCoverage, RulePack

CLAIM_CHOICES = [
    ("not_ready", "Not claim-ready"),
    ("ready", "Claim-ready"),
    ("no_payer", "No payer assigned"),
]


def active_packs() -> list[RulePack]:
    return list(RulePack.objects.filter(active=True).order_by("title", "key"))


def practice_state() -> str:
    """The practice's state ("CA"): which contractors' LCDs apply (rules.engine.applies_in)."""
    from practice.models import Practice

    return getattr(Practice.current(), "state", "") or ""


def packs_for_payer(payer, packs=None, state=None) -> list[dict]:
    """Pack documents for this payer: those for its kind, then those picked for it, less
    the LCD packs of contractors that do not pay where the practice is."""
    if payer is None:
        return []
    packs = active_packs() if packs is None else packs
    state = practice_state() if state is None else state
    extra = set(payer.packs.values_list("pk", flat=True))
    return [
        p.document
        for p in packs
        if (payer.kind in p.payer_kinds or p.pk in extra) and applies_in(p.document, state)
    ]


def coverage_of(patient) -> PatientCoverage | None:
    return PatientCoverage.objects.select_related("primary_payer").filter(patient=patient).first()


def _read_for_facts(notes) -> list[Note]:
    """The notes, oldest first, with what `NoteFacts.from_note` reads: the columns it uses,
    their lines, and their catalog snapshots without the definitions column
    (`Note.definitions` takes them from the process's copy, checklists/snapshot_cache.py),
    one object per distinct snapshot, shared by its notes: each is decoded once."""
    notes = list(
        notes.select_related("snapshot")
        .only("date_of_service", "place_of_service", "status", "answers", "snapshot__sha256")
        .prefetch_related(Prefetch("lines", queryset=CodeLine.objects.order_by("position")))
        .order_by("date_of_service", "pk")
    )
    shared = {}
    for note in notes:
        if note.snapshot_id is not None:
            note.snapshot = shared.setdefault(note.snapshot_id, note.snapshot)
    return notes


def signed_notes(patient_id, excluding=None) -> list[Note]:
    """The patient's signed notes (less the note whose pk is `excluding`), as
    `_read_for_facts` reads them."""
    notes = Note.objects.filter(patient_id=patient_id).exclude(status=Note.Status.DRAFT)
    if excluding is not None:
        notes = notes.exclude(pk=excluding)
    return _read_for_facts(notes)


def history_of(patient_id) -> tuple[NoteFacts, ...]:
    """The patient's signed notes as facts: the record the rules count from."""
    return tuple(NoteFacts.from_note(note) for note in signed_notes(patient_id))


def all_notes_of(patient_id) -> tuple[NoteFacts, ...]:
    """Every note of the patient, drafts included (`signed` False): what eligibility counts,
    since a draft session is one the payer will see too."""
    notes = _read_for_facts(Note.objects.filter(patient_id=patient_id))
    return tuple(NoteFacts.from_note(note) for note in notes)


@dataclass(frozen=True)
class PatientRules:
    """What every evaluation of one patient's notes needs, read once."""

    payer_name: str
    packs: list[dict]
    history: tuple[NoteFacts, ...]

    def evaluate(self, facts: NoteFacts) -> Evaluation:
        return evaluate(facts, self.history, self.packs, payer=self.payer_name)


def rules_for_patient(patient_id, history=None, state=None) -> PatientRules:
    """`history`: the patient's signed notes as facts, when the caller has read them;
    `state`: the practice's state, when the caller has read the practice."""
    coverage = (
        PatientCoverage.objects.select_related("primary_payer")
        .filter(patient_id=patient_id)
        .first()
    )
    payer = coverage.primary_payer if coverage else None
    return PatientRules(
        payer_name=payer.name if payer else "",
        packs=packs_for_payer(payer, state=state),
        history=history_of(patient_id) if history is None else history,
    )


def evaluate_note(note, state=None) -> Evaluation:
    """The note judged now against the patient's signed notes and payer (`state`: the
    practice's, when the caller has read the practice).

    The history is `history_of`'s, read without this note, whose facts are already at
    hand: its other signed notes and, once signed, the note itself, in the same order."""
    facts = NoteFacts.from_note(note)
    others = signed_notes(note.patient_id, excluding=note.pk)
    history = [NoteFacts.from_note(other) for other in others]
    if note.is_signed:
        history = sorted([*history, facts], key=lambda fact: (fact.date, fact.id))
    return rules_for_patient(note.patient_id, history=tuple(history), state=state).evaluate(facts)


def plan(patient_id, *, code, side="", site="", day=None, units=1, place_of_service=""):
    """Eligibility of a procedure not yet done (the 'next planned procedure'), counting
    every note of the patient, drafts included."""
    context = rules_for_patient(patient_id, history=all_notes_of(patient_id))
    target = NoteFacts(
        id=None,
        date=day or timezone.localdate(),
        lines=(Line(code=code, units=units, side=side, site=site),),
        place_of_service=place_of_service,
        signed=False,
    )
    return eligibility(target, context.history, context.packs, payer=context.payer_name)


# ---------------------------------------------------------------------------------------
# The review dashboard: stored results, uncorrelated `pk IN (subquery)` filters.


def claim_state_note_ids(state: str):
    return NoteRuleStatus.objects.filter(state=state).values("note_id")


def filter_claim_state(notes, state: str):
    """Signed notes whose last rule evaluation is `state` (ready / not_ready / no_payer)."""
    return notes.filter(pk__in=claim_state_note_ids(state))


def failing_rule_note_ids(rule_key: str):
    return NoteRuleResult.objects.filter(rule_key=rule_key, status="failed").values("note_id")


def filter_failing_rule(notes, rule_key: str):
    """Notes whose last evaluation failed the rule `pack-key/rule-id`."""
    return notes.filter(pk__in=failing_rule_note_ids(rule_key))


def rule_choices() -> list[tuple[str, str]]:
    """[(pack-key/rule-id, 'Pack title: rule title')] of the active packs, for a filter."""
    choices = []
    for pack in active_packs():
        for rule in pack.document["rules"]:
            choices.append((f"{pack.key}/{rule['id']}", f"{pack.title}: {rule['title']}"))
    return choices


# ---------------------------------------------------------------------------------------
# The patient page


def region_labels(packs=None) -> dict[str, str]:
    """{code: 'Lumbar or sacral spine'} from the regions the active packs define."""
    labels = {}
    for pack in active_packs() if packs is None else packs:
        for region in pack.document.get("regions", {}).values():
            for code in region["codes"]:
                labels.setdefault(code, region["label"])
    return labels


KIND_LABELS = {
    "diagnostic_block": "Block",
    "neurolytic": "Neurolysis",
    "chemodenervation": "Chemodenervation",
}


@dataclass(frozen=True)
class TimelineRow:
    note: Note
    facts: NoteFacts
    family: str
    region: str
    sides: str
    relief: str
    purpose: str
    state: str
    state_label: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.family, "Procedure")

    @property
    def is_block(self) -> bool:
        return self.family == "diagnostic_block"


def _family(facts: NoteFacts) -> str:
    families = [facts.families.get(line.code, "") for line in facts.lines]
    for family in ("neurolytic", "chemodenervation", "diagnostic_block"):
        if family in families:
            return family
    return ""


def _sides_text(facts: NoteFacts) -> str:
    sides = frozenset().union(*(line.sides for line in facts.lines)) if facts.lines else set()
    if sides == {"left", "right"}:
        return "Both"
    return next(iter(sides)).capitalize() if sides else ""


def timeline(notes, regions: dict[str, str]) -> list[TimelineRow]:
    """`notes` with lines and rule_status loaded, as rows of the patient page."""
    rows = []
    for note in notes:
        facts = NoteFacts.from_note(note)
        family = _family(facts)
        relief = purpose = ""
        if family == "diagnostic_block":
            percent = facts.number("block_relief_percent")
            hours = facts.number("block_relief_duration_hours")
            relief = "" if percent is None else f"{percent.normalize():f} %"
            if hours is not None:
                relief += f" for {hours.normalize():f} h"
            purpose = str(facts.value("block_purpose") or "").replace("_", " ")
        if not note.is_signed:
            state, state_label = "draft", "Draft"
        else:
            status = getattr(note, "rule_status", None)
            state = status.state if status else ""
            state_label = status.get_state_display() if status else "Not checked yet"
        region = ", ".join(
            dict.fromkeys(
                regions.get(line.code, "") for line in facts.lines if regions.get(line.code)
            )
        )
        rows.append(
            TimelineRow(
                note,
                facts,
                family,
                region,
                _sides_text(facts),
                relief,
                purpose,
                state,
                state_label,
            )
        )
    return rows


@dataclass(frozen=True)
class SessionSummary:
    label: str
    side: str
    last_12_months: int
    total: int
    last: datetime.date


def sessions_by_region(rows: list[TimelineRow], today: datetime.date) -> list[SessionSummary]:
    """Signed neurolysis and chemodenervation sessions by region (or code) and side."""
    start = add_months(today, -12)
    groups: dict[tuple[str, str], list[datetime.date]] = {}
    for row in rows:
        if not row.note.is_signed or row.is_block or not row.family:
            continue
        titles = row.note.definitions.get("codes", {})
        label = row.region or "; ".join(
            f"{line.code} {titles.get(line.code, {}).get('title', '')}".strip()
            for line in row.facts.lines
        )
        groups.setdefault((label, row.sides or "—"), []).append(row.note.date_of_service)
    return sorted(
        (
            SessionSummary(
                label, side, sum(1 for d in dates if start < d <= today), len(dates), max(dates)
            )
            for (label, side), dates in groups.items()
        ),
        key=lambda s: (s.label, s.side),
    )


def plan_from_note(note):
    """Eligibility of a draft note's procedure on its own date of service, then later,
    judged on every other note of the patient, drafts included."""
    context = rules_for_patient(note.patient_id, history=all_notes_of(note.patient_id))
    return eligibility(
        NoteFacts.from_note(note), context.history, context.packs, payer=context.payer_name
    )
