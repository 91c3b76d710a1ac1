"""A real client over HTTP: httpx and fhir.resources against the live server, with a
system client's bearer token, following the Bundles' next links and resolving each
response's Questionnaire canonical the way an interface engine does (url|version search)."""

import httpx
import pytest
from django.contrib.auth.models import Permission
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire

from interop.models import AccessToken
from tests.notes import make_note, sign

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_interface_engine_reads_every_response_and_its_questionnaire(
    live_server, settings, clinician, patient, catalog, django_user_model
):
    settings.FHIR_BASE_URL = f"{live_server.url}/fhir"
    # One signed note and two drafts (one nerve is billed once a day, so not three signed).
    sign(make_note(clinician, patient, "64640", complete=True), clinician)
    for _ in range(2):
        make_note(clinician, patient, "64640", complete=True)
    engine = django_user_model.objects.create_user("ehr-engine")
    engine.user_permissions.add(Permission.objects.get(codename="view_note"))
    _, raw = AccessToken.issue(engine, label="EHR", kind=AccessToken.Kind.SYSTEM)
    http = httpx.Client(headers={"Authorization": f"Bearer {raw}"}, timeout=30)

    responses, url, pages = [], f"{settings.FHIR_BASE_URL}/QuestionnaireResponse?_count=2", 0
    while url:
        bundle = Bundle.model_validate_json(http.get(url).content)
        pages += 1
        responses += [entry.resource for entry in bundle.entry or []]
        url = next((link.url for link in bundle.link if link.relation == "next"), None)
    assert pages == 2 and len(responses) == 3

    for response in responses:
        canonical, version = response.questionnaire.split("|")
        found = Bundle.model_validate_json(
            http.get(
                f"{settings.FHIR_BASE_URL}/Questionnaire",
                params={"url": canonical, "version": version},
            ).content
        )
        assert found.total == 1
        questionnaire = Questionnaire.model_validate(found.entry[0].resource.model_dump())
        assert (questionnaire.url, questionnaire.version) == (canonical, version)
        asked = set()
        stack = list(questionnaire.item)
        while stack:
            item = stack.pop()
            asked.add(item.linkId)
            stack += item.item or []
        answered = set()
        stack = list(response.item)
        while stack:
            item = stack.pop()
            answered.add(item.linkId)
            stack += item.item or []
        assert answered <= asked
