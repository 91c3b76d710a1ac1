from django.core.management.base import BaseCommand, CommandError

from checklists.models import Note
from practice.demo import login_lines, seed_practice


class Command(BaseCommand):
    help = "Create the synthetic demo practice, its users and patients (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--notes", type=int, default=0, help="also generate N synthetic notes")
        parser.add_argument(
            "--if-no-notes",
            action="store_true",
            help="generate the notes only while the database has none (scripts/run reruns)",
        )

    def handle(self, *args, notes, if_no_notes, **options):
        created = seed_practice()
        self.stdout.write(
            f"Demo practice ready ({created['users']} users and "
            f"{created['patients']} patients created)."
        )
        if notes and if_no_notes and Note.objects.exists():
            self.stdout.write("Notes exist already: no demo notes added.")
            notes = 0
        if notes:
            from checklists.demo_notes import generate_notes

            try:
                count = generate_notes(notes)
            except ValueError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"Generated {count} synthetic notes.")
        self.stdout.write("Demo logins (synthetic practice; change them before real use):")
        for line in login_lines():
            self.stdout.write(line)
