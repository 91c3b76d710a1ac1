"""CLINICIAN_READ_SCOPE: what each role reads, the whole practice or minimum necessary."""

import datetime

import pytest

from checklists.models import Note
from practice.models import Patient
from tests.notes import make_note


def _patient(mrn, last):
    return Patient.objects.create(
        first_name="Synthetic", last_name=last, date_of_birth=datetime.date(1970, 1, 1), mrn=mrn
    )


@pytest.fixture
def practice_notes(clinician, other_clinician, manager):
    p1, p2, p3, p4 = (
        _patient(f"SCOPE-{n}", last)
        for n, last in enumerate(["Onlyalice", "Onlybob", "Shared", "New"])
    )
    notes = {
        "alice/p1": make_note(clinician, p1, "64681"),
        "bob/p2": make_note(other_clinician, p2, "64681"),
        "bob/p3": make_note(other_clinician, p3, "64681"),
        "alice/p3": make_note(clinician, p3, "64681"),
    }
    users = {"alice": clinician, "bob": other_clinician, "manager": manager}
    patients = {"p1": p1, "p2": p2, "p3": p3, "p4": p4}
    return notes, users, patients


def _readable(notes, patients, user):
    note_names = {note.pk: name for name, note in notes.items()}
    patient_names = {patient.pk: name for name, patient in patients.items()}
    return (
        sorted(
            note_names[pk] for pk in Note.objects.readable_by(user).values_list("pk", flat=True)
        ),
        sorted(
            patient_names[pk]
            for pk in Patient.objects.readable_by(user).values_list("pk", flat=True)
            if pk in patient_names
        ),
    )


ALL_NOTES = ["alice/p1", "alice/p3", "bob/p2", "bob/p3"]
ALL_PATIENTS = ["p1", "p2", "p3", "p4"]
MATRIX = {
    "practice": {
        "alice": (ALL_NOTES, ALL_PATIENTS),
        "bob": (ALL_NOTES, ALL_PATIENTS),
        "manager": (ALL_NOTES, ALL_PATIENTS),
    },
    "own": {
        "alice": (["alice/p1", "alice/p3", "bob/p3"], ["p1", "p3", "p4"]),
        "bob": (["alice/p3", "bob/p2", "bob/p3"], ["p2", "p3", "p4"]),
        "manager": (ALL_NOTES, ALL_PATIENTS),
    },
}


@pytest.mark.parametrize("scope", ["practice", "own"])
def test_each_role_reads_what_the_scope_allows(settings, practice_notes, scope):
    settings.CLINICIAN_READ_SCOPE = scope
    notes, users, patients = practice_notes
    found = {name: _readable(notes, patients, user) for name, user in users.items()}
    assert found == MATRIX[scope]


@pytest.mark.parametrize(("scope", "expected"), [("practice", 200), ("own", 404)])
def test_the_pages_follow_the_scope(client, settings, practice_notes, scope, expected):
    settings.CLINICIAN_READ_SCOPE = scope
    notes, users, patients = practice_notes
    client.force_login(users["alice"])
    assert client.get(f"/notes/{notes['bob/p2'].pk}/").status_code == expected
    assert client.get(f"/notes/{notes['bob/p2'].pk}/pdf/").status_code == expected
    assert client.get(f"/patients/{patients['p2'].pk}/history/").status_code == expected
    assert client.get(f"/notes/{notes['bob/p3'].pk}/").status_code == 200
    listed = client.get("/notes/", {"scope": "all"}).text
    assert ("Onlybob" in listed) is (scope == "practice")
    new_note = client.get("/notes/new/").text
    assert ("Onlybob" in new_note) is (scope == "practice") and "New, Synthetic" in new_note
