from django.core.management.base import BaseCommand

from review.exports import purge_expired


class Command(BaseCommand):
    help = "Delete bulk PDF exports whose retention time has passed (also done by the worker)."

    def handle(self, *args, **options):
        count = purge_expired()
        self.stdout.write(f"{count} expired export(s) deleted.")
