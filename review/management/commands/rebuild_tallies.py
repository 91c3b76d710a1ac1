"""Recount the dashboard's tallies from the notes, and reinstall their triggers."""

from django.core.management.base import BaseCommand
from django.db import connection

from review import tally_triggers
from review.models import TALLIES


class Command(BaseCommand):
    help = (
        "Recount the review dashboard's tallies from the notes (after restoring rows by "
        "hand or changing TIME_ZONE); the triggers keep them exact otherwise."
    )

    def handle(self, *args, **options):
        tally_triggers.rebuild(connection)
        counts = ", ".join(
            f"{model._meta.verbose_name_plural}: {model.objects.count()}" for model in TALLIES
        )
        self.stdout.write(self.style.SUCCESS(f"Tallies recounted ({counts} rows)."))
