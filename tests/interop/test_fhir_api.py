"""The read-only FHIR API under /fhir/: what an EHR interface reads, checked with the
official R4 JSON schema and fhir.resources, through sessions and bearer tokens."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from checklists.models import Note
from interop.fhir import note_bundle
from interop.models import AccessToken, ClinicianProfile
from tests.notes import make_note, sign

from .fhir_schema import assert_valid, schema_errors

DIAGNOSES = {
    "diagnosis": {
        "value": [
            {"code": "M79.2", "description": "Neuralgia and neuritis, unspecified"},
            {"code": "G56.80", "description": "Other lesions of unspecified upper limb nerve"},
        ],
        "code_set": "ICD-10-CM 2026",
    }
}
NPI = "1234567893"  # the CMS example: its check digit is right
TYPES = (
    "Questionnaire",
    "QuestionnaireResponse",
    "Patient",
    "Practitioner",
    "Encounter",
    "Condition",
    "Procedure",
    "Claim",
    "DocumentReference",
)


@pytest.fixture
def notes(clinician, patient, catalog):
    ClinicianProfile.objects.create(user=clinician, npi=NPI)
    patient.gender = "female"
    patient.save()
    signed = sign(
        make_note(clinician, patient, "64640", complete=True, answers=DIAGNOSES), clinician
    )
    draft = make_note(
        clinician, patient, "64643", answers={"technique": {"value": "chemodenervation"}}
    )
    return Note.objects.get(pk=signed.pk), Note.objects.get(pk=draft.pk)


def get(client, url, **headers):
    response = client.get(url, **headers)
    assert response["Content-Type"].startswith("application/fhir+json"), response.content
    return response.status_code, json.loads(response.content)


def test_metadata_is_a_valid_capability_statement_without_sign_in(client, catalog):
    status, statement = get(client, "/fhir/metadata")
    assert status == 200
    assert_valid([statement])
    types = [r["type"] for r in statement["rest"][0]["resource"]]
    assert set(TYPES) <= set(types)
    procedure = next(r for r in statement["rest"][0]["resource"] if r["type"] == "Procedure")
    assert {p["name"] for p in procedure["searchParam"]} >= {
        "_id",
        "patient",
        "date",
        "_lastUpdated",
    }


def test_every_resource_the_api_returns_is_valid_fhir_r4(manager_client, notes):
    found = []
    for kind in TYPES:
        status, bundle = get(manager_client, f"/fhir/{kind}")
        assert status == 200 and bundle["type"] == "searchset", bundle
        assert bundle["total"] == len(bundle["entry"]) > 0, kind
        found.append(bundle)
        found += [entry["resource"] for entry in bundle["entry"]]
        first = bundle["entry"][0]["resource"]
        status, read = get(manager_client, f"/fhir/{kind}/{first['id']}")
        assert status == 200 and read == first
    assert_valid(found)


def test_the_schema_check_can_fail():
    errors = schema_errors(
        [
            {"resourceType": "Patient", "gender": "f"},
            {"resourceType": "Patient", "gender": "female"},
        ]
    )
    assert errors == [["Patient/gender: must be equal to one of the allowed values"], []]


def test_coded_resources_of_a_signed_and_a_draft_note(manager_client, notes, clinician):
    signed, draft = notes
    _, practitioner = get(manager_client, f"/fhir/Practitioner/{clinician.pk}")
    assert practitioner["identifier"][0] == {
        "use": "official",
        "type": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "NPI"}]
        },
        "system": "http://hl7.org/fhir/sid/us-npi",
        "value": NPI,
    }
    name = practitioner["name"][0]
    assert (name["family"], name["given"], name["suffix"]) == ("Testdoc", ["Alice"], ["MD"])
    _, patient = get(manager_client, f"/fhir/Patient/{signed.patient_id}")
    assert patient["gender"] == "female"
    assert patient["identifier"][0]["value"] == "TEST-0001"

    _, procedure = get(manager_client, f"/fhir/Procedure/{signed.pk}-1")
    assert procedure["status"] == "completed"
    assert [c["coding"][0]["code"] for c in procedure["reasonCode"]] == ["M79.2", "G56.80"]
    assert procedure["reasonCode"][0]["coding"][0] == {
        "system": "http://hl7.org/fhir/sid/icd-10-cm",
        "version": "2026",
        "code": "M79.2",
        "display": "Neuralgia and neuritis, unspecified",
    }
    _, drafts = get(manager_client, f"/fhir/Procedure?_id={draft.pk}-1,{draft.pk}-2")
    lines = [e["resource"] for e in drafts["entry"]]
    assert [p["status"] for p in lines] == ["in-progress", "in-progress"]
    assert [
        p["bodySite"][0]["extension"][0]["valueCodeableConcept"]["coding"][0]["code"]
        for p in lines
    ] == ["7771000", "7771000"]  # left upper and left lower extremity

    _, conditions = get(manager_client, f"/fhir/Condition?patient=Patient/{signed.patient_id}")
    assert [c["resource"]["code"]["coding"][0]["code"] for c in conditions["entry"]] == [
        "M79.2",
        "G56.80",
    ]
    _, encounter = get(manager_client, f"/fhir/Encounter/{signed.pk}")
    assert encounter["status"] == "finished" and encounter["period"]["start"] == "2026-11-02"
    assert [d["condition"]["reference"] for d in encounter["diagnosis"]] == [
        f"Condition/{signed.pk}-1",
        f"Condition/{signed.pk}-2",
    ]
    _, claim = get(manager_client, f"/fhir/Claim/{signed.pk}")
    item = claim["item"][0]
    assert "extension" not in claim and "extension" not in item
    assert item["productOrService"]["coding"][0]["code"] == "64640"
    assert item["quantity"] == {"value": 1}
    assert item["modifier"][0]["coding"][0]["code"] == "LT"
    assert item["locationCodeableConcept"]["coding"][0]["code"] == "22"
    assert item["diagnosisSequence"] == [1, 2]

    _, document = get(manager_client, f"/fhir/DocumentReference/{signed.pk}")
    attachment = document["content"][0]["attachment"]
    pdf = manager_client.get(
        attachment["url"].split("/fhir/", 1)[0]
        and "/fhir/" + attachment["url"].split("/fhir/", 1)[1]
    )
    assert pdf["Content-Type"] == "application/pdf" and len(pdf.content) == attachment["size"]
    import base64
    import hashlib

    digest = base64.urlsafe_b64encode(hashlib.sha256(pdf.content).digest()).decode().rstrip("=")
    assert document["identifier"][0]["value"] == f"ni:///sha-256;{digest}"
    assert attachment["hash"] == base64.b64encode(hashlib.sha1(pdf.content).digest()).decode()
    status, _ = get(manager_client, f"/fhir/DocumentReference/{draft.pk}")
    assert status == 404  # a draft has no signed PDF


def test_searches_by_patient_date_and_last_updated_and_pages(
    manager_client, notes, other_clinician, patient
):
    signed, draft = notes
    _, everything = get(manager_client, "/fhir/Encounter?date=2026-11&_lastUpdated=ge2020-01-01")
    assert everything["total"] == 2
    _, none = get(manager_client, "/fhir/Encounter?date=lt2026-11-02")
    assert none["total"] == 0
    _, other = get(manager_client, "/fhir/Encounter?patient=999999")
    assert other["total"] == 0
    pages, url = [], "/fhir/Procedure?_count=1"
    while url:
        _, page = get(manager_client, url)
        pages.append([e["resource"]["id"] for e in page["entry"]])
        following = [link["url"] for link in page["link"] if link["relation"] == "next"]
        url = following[0].split("/fhir/", 1)[-1] if following else None
        url = f"/fhir/{url}" if url else None
    assert pages == [[f"{signed.pk}-1"], [f"{draft.pk}-1"], [f"{draft.pk}-2"]]
    status, problem = get(manager_client, "/fhir/Encounter?colour=blue")
    assert status == 400 and "colour" in problem["issue"][0]["diagnostics"]
    assert_valid([problem])  # errors are OperationOutcomes, valid R4 too


def test_bearer_tokens_read_only_and_audited(client, notes, clinician, catalog_admin):
    signed, _ = notes
    out = StringIO()
    call_command("fhir_token", "ehr-interface", "--system", "--label", "EHR", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    status, bundle = get(client, "/fhir/QuestionnaireResponse", **auth)
    assert status == 200 and bundle["total"] == 2
    event = AuditEvent.objects.filter(action="fhir.search").latest("pk")
    assert event.username == "ehr-interface" and event.detail["client"].endswith("(EHR)")
    assert f"QuestionnaireResponse/{signed.pk}" in event.detail["results"]
    assert client.post("/fhir/Patient", **auth).status_code == 405
    assert get(client, "/fhir/Patient", HTTP_AUTHORIZATION="Bearer nope")[0] == 401
    assert get(client, "/fhir/Patient")[0] == 401
    token = AccessToken.objects.get(user__username="ehr-interface")
    token.revoke()
    assert get(client, "/fhir/Patient", **auth)[0] == 401
    # A catalog admin's own token reads Questionnaires, not patients.
    _, admin_raw = AccessToken.issue(catalog_admin, label="catalog")
    admin = {"HTTP_AUTHORIZATION": f"Bearer {admin_raw}"}
    assert get(client, "/fhir/Patient", **admin)[0] == 403
    assert get(client, "/fhir/Questionnaire/64640", **admin)[0] == 200


def test_every_catalog_version_stays_readable(manager_client, notes, tmp_path, settings):
    signed, _ = notes
    response = note_bundle(signed)["entry"][0]["resource"]
    url, version = response["questionnaire"].split("|")
    edited = json.loads(manager_client.get("/fhir/Questionnaire/64640").content)
    edited["title"] = "64640 retitled in a later catalog"
    path = tmp_path / "q.json"
    path.write_text(json.dumps(edited))
    call_command(
        "import_questionnaire", str(path), "--catalog-version", "2099.1", stdout=StringIO()
    )
    _, current = get(manager_client, "/fhir/Questionnaire/64640")
    assert current["version"] == "2099.1"
    _, found = get(manager_client, f"/fhir/Questionnaire?url={url}&version={version}")
    assert found["total"] == 1
    old = found["entry"][0]["resource"]
    assert old["version"] == version and old["title"] != edited["title"]
    assert url == f"{settings.FHIR_BASE_URL}/Questionnaire/64640"
    _, both = get(manager_client, f"/fhir/Questionnaire?url={url}")
    assert [e["resource"]["version"] for e in both["entry"]] == [version, "2099.1"]


@pytest.mark.parametrize(
    "kind", ["QuestionnaireResponse", "Encounter", "Procedure", "Condition", "Claim", "Patient"]
)
def test_a_search_reads_the_same_number_of_rows_for_more_notes(
    manager_client, clinician, patient, catalog, kind
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(f"/fhir/{kind}").status_code == 200
        return len(captured)

    for _ in range(2):
        make_note(clinician, patient, "64643", complete=True, answers=DIAGNOSES)
    few = queries()
    for _ in range(4):
        make_note(clinician, patient, "64643", complete=True, answers=DIAGNOSES)
    assert queries() == few
