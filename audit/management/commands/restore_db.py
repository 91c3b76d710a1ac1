from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.backup import restore


class Command(BaseCommand):
    help = "Replace the database's content with a backup made by backup_db (stop the app first)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, path, yes, **options):
        if not Path(path).exists():
            raise CommandError(f"No backup at {path}.")
        if not yes:
            answer = input(f"Replace the whole database with {path}? Type 'restore': ")
            if answer.strip() != "restore":
                raise CommandError("Nothing restored.")
        restore(Path(path))
        self.stdout.write(f"Database restored from {path}.")
