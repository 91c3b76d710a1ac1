import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from checklists import services
from practice.models import Patient
from review.csv_export import element_columns, safe_cell
from tests.notes import make_note, sign

from .helpers import make_note_missing, required_keys

pytestmark = pytest.mark.django_db

URL = reverse("review:notes-csv")


def _rows(response):
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_it_streams_one_row_per_note_with_code_lines_and_element_columns(
    manager_client, clinician, patient, catalog
):
    probe = make_note(clinician, patient, "64681", complete=True)
    key = required_keys(probe, 1)[0]
    draft = make_note_missing(clinician, patient, "64681", missing=[key])
    signed = sign(probe, clinician)
    make_note(clinician, patient, "64643")

    response = manager_client.get(URL, {"code": "64681"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, *rows = _rows(response)
    assert header[:4] == ["note_id", "patient_last_name", "patient_first_name", "mrn"]
    by_id = {int(row[0]): dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_id) == {signed.pk, draft.pk}

    column = next(name for name in header if name.endswith(f"[{key}]"))
    assert by_id[signed.pk][column] == "documented"
    assert by_id[draft.pk][column] == "missing (required)"
    assert by_id[signed.pk]["date_of_service"] == "2026-11-02"
    assert by_id[signed.pk]["signed_at"] == timezone.localtime(signed.signed_at).isoformat()
    assert by_id[signed.pk]["status"] == "Signed"
    assert by_id[signed.pk]["codes"] == "64681"
    assert by_id[signed.pk]["code_lines"] == "64681 x1"
    assert by_id[draft.pk]["required_missing"] == "1"
    # An element the note's code does not ask for stays empty.
    unasked = next(
        name
        for name in header[16:]
        if name.split("[")[-1].rstrip("]") not in {e["key"] for e in probe.definitions["elements"]}
    )
    assert by_id[signed.pk][unasked] == ""


def test_it_neutralises_formula_injection(manager_client, clinician, catalog):
    attacker = Patient.objects.create(
        first_name="+SUM(A1:A9)",
        last_name='=HYPERLINK("http://evil.example","click")',
        date_of_birth="1970-01-01",
        mrn="@MRN-1",
    )
    note = make_note(clinician, attacker, "64681")
    header, row = _rows(manager_client.get(URL))
    cells = dict(zip(header, row, strict=True))
    assert cells["note_id"] == str(note.pk)
    assert cells["patient_last_name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert cells["patient_first_name"] == "'+SUM(A1:A9)"
    assert cells["mrn"] == "'@MRN-1"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tcmd", "'\tcmd"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (42, "42"),
        (None, ""),
    ],
)
def test_it_escapes_cells_that_start_like_a_formula(value, expected):
    assert safe_cell(value) == expected


def test_it_audits_the_csv_export(manager_client, manager, catalog):
    response = manager_client.get(URL, {"status": "draft"})
    b"".join(response.streaming_content)
    event = AuditEvent.objects.filter(action="export.csv").get()
    assert event.actor == manager
    assert event.detail["filters"] == {"status": "draft"}


def test_it_refuses_the_csv_to_a_clinician(clinician_client, catalog):
    assert clinician_client.get(URL).status_code == 403


def test_element_cells_are_the_statuses_the_last_save_stored(
    manager_client, clinician, patient, catalog
):
    note = make_note(clinician, patient, "64681", complete=True)
    element = next(e for e in note.definitions["elements"] if e.get("allow_na"))
    answers = note.answers | {element["key"]: {"na_reason": "Not indicated"}}
    note = services.save_note(note, version=note.version, answers=answers, actor=clinician)

    header, row = _rows(manager_client.get(URL))
    cells = dict(zip(header, row, strict=True))
    assert cells[f"{element['label']} [{element['key']}]"] == "not applicable: Not indicated"
    element_cells = {cells[f"{label} [{key}]"] for key, label in element_columns()}
    assert element_cells == {"", "documented", "not applicable: Not indicated"}
