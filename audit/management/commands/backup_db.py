from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from audit.backup import backup


class Command(BaseCommand):
    help = "Write a consistent backup of the database while the app runs."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="backup file (default: var/backups/neurolysis-<timestamp>.sqlite3 or .dump)",
        )

    def handle(self, *args, path, **options):
        from django.conf import settings
        from django.db import connection

        if not path:
            suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = settings.VAR_DIR / "backups" / f"neurolysis-{stamp}.{suffix}"
        written = backup(Path(path))
        self.stdout.write(f"Backup written to {written}")
