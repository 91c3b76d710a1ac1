import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.backup import BackupRefused, check_backup, restore


class Command(BaseCommand):
    help = (
        "Replace the database's content with a backup made by backup_db (stop the app first). "
        "The backup is checked first (integrity, this release's migrations, verify_audit); "
        "asks for confirmation on a terminal, needs --yes otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, path, yes, **options):
        try:
            report = check_backup(Path(path))
        except BackupRefused as refused:
            raise CommandError(f"Nothing restored. {refused}") from refused
        self.stdout.write(f"{path} checked: {report}")
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError(
                    "Nothing restored: not on a terminal, so nobody can confirm. "
                    "Pass --yes to restore without a question."
                )
            answer = input(f"Replace the whole database with {path}? Type 'restore': ")
            if answer.strip() != "restore":
                raise CommandError("Nothing restored.")
        restore(Path(path))
        self.stdout.write(f"Database restored from {path}.")
