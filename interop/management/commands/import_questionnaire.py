import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from interop.questionnaire_import import (
    QuestionnaireImportError,
    entries_toml,
    import_questionnaire,
)
from procedures.data_file import MALFORMED, malformed


class Command(BaseCommand):
    help = (
        "Turn a FHIR Questionnaire (exported here, or a similar one) into catalog entries "
        "and load them, all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--catalog-version",
            default="",
            help="version of the changed catalog (default: the Questionnaire's version)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, change nothing"
        )
        parser.add_argument(
            "--toml", metavar="FILE", help="also write the code's catalog entries to FILE"
        )

    def handle(self, *args, path, catalog_version, dry_run, toml=None, **options):
        try:
            questionnaire = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"{path}: cannot be read: {exc.strerror}") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{path}: is not JSON: {exc}") from exc
        except RecursionError as exc:
            raise CommandError(f"{path}: nests too deeply to be a Questionnaire") from exc
        if not isinstance(questionnaire, dict):
            raise CommandError(f"{path}: is not a FHIR resource (a JSON object)")
        try:
            with transaction.atomic():
                result = import_questionnaire(
                    questionnaire, path=path, catalog_version=catalog_version, dry_run=dry_run
                )
        except QuestionnaireImportError as exc:
            raise CommandError(f"Questionnaire not imported, nothing changed. {exc}") from exc
        except MALFORMED as exc:
            raise CommandError(
                f"Questionnaire not imported, nothing changed. {malformed(path, exc)}"
            ) from exc

        code = result.imported.code["code"]
        if toml:
            Path(toml).write_text(entries_toml(result.imported), encoding="utf-8")
            self.stdout.write(f"Catalog entries of {code} written to {toml}")
        if result.report is None:
            self.stdout.write(f"{code}: already in the catalog, nothing changed.")
            return
        if dry_run:
            self.stdout.write(f"Dry run, nothing changed. Importing {code} would change:")
        self.stdout.write(result.report.lines()[0])
        self.stdout.write(f"{len(result.lines)} change(s):")
        for line in result.lines:
            self.stdout.write(f"  {line}")
        if not dry_run:
            # load_catalog at start-up reloads the catalog file and would undo this.
            self.stdout.write(
                f"Now merge these entries into {settings.CATALOG_FILE} (see --toml): the "
                "catalog file stays the source of truth."
            )
