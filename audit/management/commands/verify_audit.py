from django.core.management.base import BaseCommand, CommandError

from audit.chain import first_broken_link
from audit.models import AuditEvent


class Command(BaseCommand):
    help = "Check the audit trail's hash chain and report the first broken link."

    def handle(self, *args, **options):
        events = AuditEvent.objects.order_by("pk")
        broken = first_broken_link(events.iterator(chunk_size=2000))
        if broken is not None:
            event, why = broken
            raise CommandError(
                f"Audit chain broken at event {event.pk} ({event.at:%Y-%m-%d %H:%M:%S}, "
                f"{event.action}): {why}."
            )
        self.stdout.write(f"Audit chain intact: {events.count()} events verified.")
