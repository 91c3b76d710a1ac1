import argparse

from django.core.management.base import BaseCommand, CommandError

from audit.anchor import AnchorError, read_anchors
from audit.verification import verify


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain, the record it speaks of (every signed note "
        "against its hash and its events, every addendum) and, with --anchor, that its "
        "tail was neither cut nor rewritten. Names every mismatch."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="FILE",
            help="an anchor file written by backup_db or anchor_audit (repeatable)",
        )
        parser.add_argument("--database", default="default", help=argparse.SUPPRESS)

    def handle(self, *args, anchor, database, **options):
        anchors = []
        for path in anchor:
            try:
                anchors += read_anchors(path)
            except AnchorError as exc:
                raise CommandError(str(exc)) from exc
        report = verify(database, anchors)
        if not report.intact:
            raise CommandError(
                f"Audit verification failed ({len(report.problems)} "
                f"problem{'s' if len(report.problems) != 1 else ''}):\n"
                + "\n".join(f"- {problem}" for problem in report.problems)
            )
        anchored = f", {len(anchors)} anchors hold" if anchors else ""
        self.stdout.write(
            f"Audit chain intact: {report.events} events verified{anchored}; "
            "the signed record matches its hashes and events."
        )
