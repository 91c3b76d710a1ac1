from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit.models import AuditEvent
from procedures.data_file import MALFORMED, malformed
from rules.pack_file import PackError, parse_packs
from rules.pack_loader import load_packs
from rules.services import refresh_all

DEFAULT_DIR = Path(settings.BASE_DIR) / "rules" / "packs"


class Command(BaseCommand):
    help = (
        "Load (or reload) the payer rule packs, all or nothing, then re-check every signed "
        "note when a pack changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            help=f"pack files or folders (default: every *.toml in {DEFAULT_DIR})",
        )
        parser.add_argument(
            "--keep-others",
            action="store_true",
            help="do not deactivate loaded packs that these files do not name",
        )
        parser.add_argument(
            "--recheck",
            action="store_true",
            help="re-check every signed note even if nothing changed",
        )

    def handle(self, *args, paths, keep_others, recheck, **options):
        files = []
        for name in paths or [str(DEFAULT_DIR)]:
            path = Path(name)
            files += sorted(path.glob("*.toml")) if path.is_dir() else [path]
        if not files:
            raise CommandError("No rule pack file found.")
        try:
            with transaction.atomic():
                packs = parse_packs(files)
                report = load_packs(packs, deactivate_missing=not keep_others)
        except PackError as exc:
            raise CommandError(f"Rule packs not loaded, nothing changed. {exc}") from exc
        except MALFORMED as exc:
            where = ", ".join(str(f) for f in files)
            raise CommandError(
                f"Rule packs not loaded, nothing changed. {malformed(where, exc)}"
            ) from exc
        if not report.unchanged:
            AuditEvent.objects.record(
                "rules.load",
                object_type="rulepacks",
                object_id=",".join(p.key for p in packs)[:60],
                username="manage.py load_rule_packs",
                packs={p.key: {"version": p.version, "sha256": p.checksum} for p in packs},
                added=report.added,
                changed=report.changed,
                deactivated=report.deactivated,
            )
        for line in report.lines():
            self.stdout.write(line)
        if recheck or not report.unchanged:
            count = refresh_all()
            self.stdout.write(f"Re-checked {count} signed note{'s' if count != 1 else ''}.")
