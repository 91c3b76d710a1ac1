import json

from audit.models import AuditEvent
from tests.notes import make_note, sign

from .fhir_rules import check_bundle


def test_an_anonymous_visitor_is_sent_to_login(client, clinician, patient, catalog):
    note = make_note(clinician, patient, "64681")
    response = client.get(f"/notes/{note.pk}/fhir.json")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert not AuditEvent.objects.filter(action="note.fhir").exists()


def test_a_user_without_access_to_notes_gets_404(client, catalog_admin, clinician, patient):
    note = make_note(clinician, patient, "64681")
    client.force_login(catalog_admin)
    assert client.get(f"/notes/{note.pk}/fhir.json").status_code == 404
    assert not AuditEvent.objects.filter(action="note.fhir").exists()


def test_a_missing_note_is_404(clinician_client, catalog):
    assert clinician_client.get("/notes/999999/fhir.json").status_code == 404


def test_the_clinician_fetches_the_bundle_and_it_is_audited(clinician_client, clinician, patient):
    note = sign(make_note(clinician, patient, "64640", complete=True), clinician)
    response = clinician_client.get(f"/notes/{note.pk}/fhir.json", REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert "no-store" in response["Cache-Control"]
    found = check_bundle(json.loads(response.content))
    assert found["QuestionnaireResponse"][0]["status"] == "completed"
    event = AuditEvent.objects.get(action="note.fhir")
    assert (event.actor, event.note, event.ip_address) == (clinician, note, "10.0.0.7")


def test_a_manager_may_fetch_a_note_of_another_user(manager_client, manager, clinician, patient):
    note = make_note(clinician, patient, "64681")
    assert manager_client.get(f"/notes/{note.pk}/fhir.json").status_code == 200
    assert AuditEvent.objects.get(action="note.fhir").actor == manager
