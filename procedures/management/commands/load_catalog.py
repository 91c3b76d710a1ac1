from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit.models import AuditEvent
from procedures.catalog_file import CatalogError, parse_catalog
from procedures.catalog_loader import load_catalog
from procedures.data_file import MALFORMED, malformed


class Command(BaseCommand):
    help = "Load (or reload) the procedure catalog from its TOML file, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(settings.CATALOG_FILE))

    def handle(self, *args, path, **options):
        try:
            with transaction.atomic():
                data = parse_catalog(path)
                report = load_catalog(data)
        except CatalogError as exc:
            raise CommandError(f"Catalog not loaded, nothing changed. {exc}") from exc
        except MALFORMED as exc:
            raise CommandError(
                f"Catalog not loaded, nothing changed. {malformed(path, exc)}"
            ) from exc
        if not report.unchanged:
            AuditEvent.objects.record(
                "catalog.load",
                object_type="catalog",
                object_id=data.version,
                username="manage.py load_catalog",
                file=data.path,
                sha256=data.checksum,
                added=len(report.added),
                changed=len(report.changed),
                deactivated=len(report.deactivated),
            )
        for line in report.lines():
            self.stdout.write(line)
