from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from audit.anchor import default_path, write_anchor
from audit.backup import backup


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the database while the app runs (0600), and append "
        "the audit chain's head to the anchor file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="backup file (default: var/backups/neurolysis-<timestamp>.sqlite3 or .dump)",
        )
        parser.add_argument(
            "--anchor",
            metavar="FILE",
            help=f"anchor file (default: {default_path()}; keep copies elsewhere too)",
        )

    def handle(self, *args, path, anchor, **options):
        if not path:
            suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = settings.VAR_DIR / "backups" / f"neurolysis-{stamp}.{suffix}"
        written = backup(Path(path))
        self.stdout.write(f"Backup written to {written}")
        head = write_anchor(anchor)
        if head is not None:
            self.stdout.write(
                f"Audit chain anchored at event {head['event']} in {anchor or default_path()}."
            )
