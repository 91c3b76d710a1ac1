from django.core.management.base import BaseCommand

from audit.anchor import default_path, write_anchor


class Command(BaseCommand):
    help = (
        "Append the audit chain's head (newest event and its HMAC) to an anchor file, for "
        "verify_audit --anchor. Run it on a schedule (cron, a systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help=f"anchor file (default: {default_path()})")

    def handle(self, *args, path, **options):
        anchor = write_anchor(path)
        if anchor is None:
            self.stdout.write("The audit trail is empty: no anchor written.")
            return
        where = path or default_path()
        self.stdout.write(
            f"Anchored event {anchor['event']} ({anchor['hmac'][:16]}...) in {where}."
        )
