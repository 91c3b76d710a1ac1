from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from interop.catalog_data import from_database
from interop.questionnaire import questionnaire
from interop.views import fhir_json


class Command(BaseCommand):
    help = "Write a FHIR R4 Questionnaire (questionnaire-<code>.json) for each catalog code."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument(
            "--code", action="append", dest="codes", help="only this code (repeatable)"
        )

    def handle(self, *args, directory, codes=None, **options):
        catalog = from_database(codes)
        if not catalog.codes:
            raise CommandError("No code to export: load the catalog first (load_catalog).")
        if codes and len(catalog.codes) != len(set(codes)):
            found = {c["code"] for c in catalog.codes}
            raise CommandError(f"Not in the catalog: {', '.join(sorted(set(codes) - found))}")
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        for code in catalog.codes:
            path = target / f"questionnaire-{code['code']}.json"
            path.write_text(fhir_json(questionnaire(code, catalog)), encoding="utf-8")
        self.stdout.write(
            f"Wrote {len(catalog.codes)} Questionnaire(s) of catalog {catalog.version} to {target}"
        )
