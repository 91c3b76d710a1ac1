"""Every catalog version's Questionnaires, kept so `<url>|<version>` always resolves.

`publish_questionnaires()` runs at the end of every catalog load (procedures.catalog_loader)
and stores each code's Questionnaire under the catalog version in force. A version loaded
before this existed is rebuilt, where notes used it, from the single-code snapshots those
notes froze (checklists.CatalogSnapshot), the form exactly as they were filled in.
"""

from django.db import transaction

from procedures.models import CatalogVersion, ProcedureCode

from .catalog_data import from_database
from .models import PublishedQuestionnaire
from .questionnaire import questionnaire, snapshot_questionnaire
from .terms import questionnaire_url


@transaction.atomic
def publish_questionnaires() -> int:
    """Store the Questionnaire of every code under the version in force; returns how many
    were new or changed."""
    version = CatalogVersion.current()
    if version is None:
        return 0
    data = from_database(list(ProcedureCode.objects.values_list("code", flat=True)))
    stored = {row.code: row for row in PublishedQuestionnaire.objects.filter(version=data.version)}
    written = 0
    for code in data.codes:
        resource = _stored(questionnaire(code, data))
        row = stored.get(code["code"])
        if row is None:
            PublishedQuestionnaire.objects.create(
                code=code["code"], version=data.version, resource=resource
            )
        elif row.resource != resource:
            # The same version string loaded with other content (a catalog file edited
            # without a new version): the latest load is what the version now means.
            row.resource = resource
            row.save(update_fields=["resource"])
        else:
            continue
        written += 1
    written += _from_snapshots()
    return written


def _stored(resource: dict) -> dict:
    # id and url are given when served: the url follows settings.FHIR_BASE_URL.
    return {k: v for k, v in resource.items() if k not in ("id", "url")}


def served(row: PublishedQuestionnaire, *, id: str | None = None) -> dict:
    """The stored Questionnaire as the API returns it."""
    resource = {"resourceType": "Questionnaire", "id": id or row.resource_id}
    return (
        resource
        | {k: v for k, v in row.resource.items() if k != "resourceType"}
        | {"url": questionnaire_url(row.code)}
    )


def _from_snapshots() -> int:
    from checklists.models import CatalogSnapshot

    known = set(PublishedQuestionnaire.objects.values_list("code", "version"))
    written = 0
    for snapshot in CatalogSnapshot.objects.order_by("pk").iterator():
        definitions = snapshot.definitions or {}
        codes = list(definitions.get("codes") or {})
        version = definitions.get("catalog_version") or ""
        if len(codes) != 1 or not version or (codes[0], version) in known:
            continue
        resource = snapshot_questionnaire(
            definitions, id=f"{codes[0]}-{version}", title=definitions["codes"][codes[0]]["title"]
        )
        resource = _stored(resource) | {"version": version}
        del resource["derivedFrom"]
        PublishedQuestionnaire.objects.create(code=codes[0], version=version, resource=resource)
        known.add((codes[0], version))
        written += 1
    return written
