"""Run the packs that apply to a note: plain functions, facts and pack documents in.

`evaluate` judges one note (or a planned procedure) against the patient's other signed
notes; `eligibility` moves a planned procedure's date forward until the window rules pass,
which is how the patient page can say "eligible from 12/01/2026". Only a failed rule of
severity "blocks" stops a note being claim-ready; warnings and information are shown.
"""

import dataclasses
import datetime
from dataclasses import dataclass

from .checks import (
    DOCUMENTATION_KINDS,
    FAILED,
    KINDS,
    MET,
    NOT_APPLICABLE,
    TO_DOCUMENT,
    Context,
    Outcome,
    condition_holds,
    condition_text,
)
from .facts import NoteFacts

READY, NOT_READY, NO_PAYER = "ready", "not_ready", "no_payer"
STATE_LABELS = {
    READY: "Claim-ready",
    NOT_READY: "Not claim-ready",
    NO_PAYER: "No payer assigned",
}


@dataclass(frozen=True)
class RuleResult:
    pack: dict
    rule: dict
    outcome: Outcome

    @property
    def key(self) -> str:
        return f"{self.pack['key']}/{self.rule['id']}"

    @property
    def title(self) -> str:
        return self.rule["title"]

    @property
    def statement(self) -> str:
        return self.rule["statement"]

    @property
    def severity(self) -> str:
        return self.rule["severity"]

    @property
    def status(self) -> str:
        return self.outcome.status

    @property
    def source(self) -> dict:
        return self.pack["sources"][self.rule["source"]]

    @property
    def kind(self) -> str:
        return self.rule["check"]["kind"]

    @property
    def blocking(self) -> bool:
        return self.severity == "blocks" and self.status == FAILED

    @property
    def met(self) -> bool:
        return self.status == MET

    @property
    def applies(self) -> bool:
        return self.status != NOT_APPLICABLE


@dataclass(frozen=True)
class Evaluation:
    results: tuple[RuleResult, ...]
    payer: str = ""

    @property
    def state(self) -> str:
        if not self.payer:
            return NO_PAYER
        return NOT_READY if self.failing else READY

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def claim_ready(self) -> bool:
        return self.state == READY

    @property
    def failing(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.results if r.blocking)

    @property
    def warnings(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.results if r.status == FAILED and not r.blocking)

    @property
    def eligible_from(self) -> datetime.date | None:
        """When every failing blocking rule is a window rule: the date they all pass."""
        later = [r.outcome.eligible_from for r in self.failing]
        return max(later) if later and all(later) else None

    @property
    def applicable(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.results if r.applies)

    @property
    def packs(self) -> list[tuple[dict, list[RuleResult]]]:
        grouped: dict[str, tuple[dict, list[RuleResult]]] = {}
        for result in self.results:
            grouped.setdefault(result.pack["key"], (result.pack, []))[1].append(result)
        return list(grouped.values())

    @property
    def evidence_note_ids(self) -> tuple[int, ...]:
        return tuple(
            dict.fromkeys(i for r in self.results for i in r.outcome.evidence if i is not None)
        )


def in_force(dated: dict, day: datetime.date) -> bool:
    """A pack or a source with optional effective_from / effective_to (ISO dates)."""
    start, end = dated.get("effective_from"), dated.get("effective_to")
    if start and day < datetime.date.fromisoformat(start):
        return False
    return not (end and day > datetime.date.fromisoformat(end))


def applies_in(pack: dict, state: str) -> bool:
    """A contractor's LCD pack applies only in the states that contractor serves; a pack
    that names no states (a national policy, a commercial payer's) applies everywhere. A
    practice that has not recorded its state gets every pack."""
    states = pack.get("states") or []
    return not states or not state or state in states


def _regions(pack: dict) -> tuple[dict, dict]:
    codes, labels = {}, {}
    for key, region in pack.get("regions", {}).items():
        labels[key] = region["label"]
        for code in region["codes"]:
            codes[code] = key
    return codes, labels


def run_rule(pack, rule, target: NoteFacts, history, *, planning=False) -> Outcome:
    when = rule.get("when")
    if when:
        # A planned procedure has no answers yet: only its place of service can be judged.
        judged = {k: v for k, v in when.items() if k == "place_of_service"} if planning else when
        if judged and not condition_holds(target, judged):
            return Outcome(NOT_APPLICABLE, f"Applies only when {condition_text(target, when)}.")
    kind = rule["check"]["kind"]
    if planning and kind in DOCUMENTATION_KINDS:
        return Outcome(TO_DOCUMENT, "To document in the note.")
    codes, labels = _regions(pack)
    context = Context(
        target=target,
        history=tuple(history),
        rule_codes=frozenset(rule["codes"]),
        regions=codes,
        region_labels=labels,
    )
    return KINDS[kind](context, rule["check"])


def evaluate(target: NoteFacts, history, packs, *, payer="", planning=False) -> Evaluation:
    """Every rule of `packs` (pack documents) whose codes the note carries, in pack order."""
    results = []
    for pack in packs:
        if not in_force(pack, target.date):
            continue
        for rule in pack["rules"]:
            # A rule is in force while its pack and its own source are.
            if not target.codes & set(rule["codes"]) or not in_force(
                pack["sources"][rule["source"]], target.date
            ):
                continue
            outcome = run_rule(pack, rule, target, history, planning=planning)
            results.append(RuleResult(pack, rule, outcome))
    return Evaluation(tuple(results), payer=payer)


@dataclass(frozen=True)
class Eligibility:
    """A planned procedure judged first on its own date of service, then, if it fails
    there, on the first later date when no blocking rule fails (if dates can help)."""

    evaluation: Evaluation  # on the target's own date
    eligible: bool  # on the target's own date
    date: datetime.date | None  # the first date it is eligible (its own date when eligible)
    target: NoteFacts
    later: Evaluation | None = None  # on `date`, when that is after the target's date

    @property
    def reasons(self) -> tuple[RuleResult, ...]:
        return self.evaluation.failing

    @property
    def support(self) -> list[str]:
        """Short facts of the history rules met: 'two blocks 85 % and 90 %', ..."""
        return list(
            dict.fromkeys(
                r.outcome.short
                for r in self.evaluation.results
                if r.met
                and r.severity == "blocks"
                and r.kind not in DOCUMENTATION_KINDS
                and r.outcome.short
            )
        )

    @property
    def to_document(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.evaluation.results if r.status == TO_DOCUMENT)

    def sentence(self) -> str:
        procedure = ", ".join(line.describe() for line in self.target.lines)
        day = f"{self.target.date:%m/%d/%Y}"
        if self.eligible:
            text = f"Eligible for {procedure} on {day}"
            return text + (f": {'; '.join(self.support)}" if self.support else "")
        reasons = "; ".join(r.outcome.short or r.title for r in self.reasons)
        text = f"Not eligible for {procedure} on {day}: {reasons}"
        if self.date:
            return text + f". It would be eligible from {self.date:%m/%d/%Y}"
        return text + ". No later date makes it eligible"


def eligibility(target: NoteFacts, history, packs, *, payer="") -> Eligibility:
    """The verdict on `target.date`, then the first later date with no blocking failure."""
    own = evaluate(target, history, packs, payer=payer, planning=True)
    if not own.failing:
        return Eligibility(own, True, target.date, target)
    day, evaluation = target.date, own
    for _ in range(8):
        later = [r.outcome.eligible_from for r in evaluation.failing]
        if not all(later) or max(later) <= day:
            break
        day = max(later)
        evaluation = evaluate(
            dataclasses.replace(target, date=day), history, packs, payer=payer, planning=True
        )
        if not evaluation.failing:
            return Eligibility(own, False, day, target, later=evaluation)
    return Eligibility(own, False, None, target)
