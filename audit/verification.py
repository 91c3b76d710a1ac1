"""What `verify_audit` checks: the chain, the anchors, and the record the trail speaks of.

The chain proves no event was altered or removed from the middle; anchors (audit.anchor)
prove the tail was not cut or rewritten; the record checks, which each app registers for
its own rows (the notes app: every signed note against its hash and its events), prove
that what the trail says happened is what the database holds. The trail does not import
the apps above it: they register here, from their AppConfig.ready().
"""

from dataclasses import dataclass, field

from .anchor import anchor_problems
from .chain import first_broken_link
from .models import AuditEvent

_record_checks = []


def register(check):
    """`check(using) -> list[str]`: one plain sentence per mismatch, naming the row."""
    _record_checks.append(check)
    return check


@dataclass
class Report:
    events: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def verify(using: str = "default", anchors=()) -> Report:
    events = AuditEvent.objects.using(using).order_by("pk")
    report = Report(events=events.count())
    broken = first_broken_link(events.iterator(chunk_size=2000))
    if broken is not None:
        event, why = broken
        report.problems.append(
            f"Audit chain broken at event {event.pk} ({event.at:%Y-%m-%d %H:%M:%S}, "
            f"{event.action}): {why}."
        )
    report.problems += anchor_problems(anchors, using)
    for check in _record_checks:
        report.problems += check(using)
    return report
