from django.core.management.base import BaseCommand, CommandError

from practice.demo import login_lines, seed_practice


class Command(BaseCommand):
    help = "Create the synthetic demo practice, its users and patients (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--notes", type=int, default=0, help="also generate N synthetic notes")

    def handle(self, *args, notes, **options):
        created = seed_practice()
        self.stdout.write(
            f"Demo practice ready ({created['users']} users and "
            f"{created['patients']} patients created)."
        )
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
