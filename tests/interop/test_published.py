"""Every catalog version's Questionnaires stay readable, including versions loaded before
they were kept (rebuilt from the snapshots notes froze)."""

import json

from checklists.models import CatalogSnapshot
from checklists.snapshot import build_definitions
from interop.models import PublishedQuestionnaire
from interop.published import publish_questionnaires
from procedures.models import CatalogVersion, ProcedureCode

from .fhir_schema import assert_valid


def test_loading_the_catalog_keeps_each_codes_questionnaire(catalog):
    version = CatalogVersion.current().version
    stored = PublishedQuestionnaire.objects.filter(version=version)
    assert sorted(stored.values_list("code", flat=True)) == sorted(
        ProcedureCode.objects.values_list("code", flat=True)
    )
    assert publish_questionnaires() == 0  # nothing new: idempotent


def test_an_older_version_comes_back_from_a_notes_snapshot(manager_client, catalog, settings):
    definitions = build_definitions(["64640"]) | {"catalog_version": "2024.9"}
    CatalogSnapshot.of(definitions)
    assert publish_questionnaires() == 1
    response = manager_client.get(
        "/fhir/Questionnaire", {"url": f"{settings.FHIR_BASE_URL}/Questionnaire/64640"}
    )
    bundle = json.loads(response.content)
    versions = [e["resource"]["version"] for e in bundle["entry"]]
    assert versions == [CatalogVersion.current().version, "2024.9"]
    old = bundle["entry"][1]["resource"]
    assert old["id"] == "64640-2024.9"
    assert_valid([old])
    keys = [e["key"] for e in definitions["elements"]]
    asked = []
    stack = list(old["item"])
    while stack:
        item = stack.pop(0)
        if item["type"] not in ("group", "display") and not item["linkId"].endswith(".na"):
            asked.append(item["linkId"])
        stack = list(item.get("item") or []) + stack
    assert asked == keys
