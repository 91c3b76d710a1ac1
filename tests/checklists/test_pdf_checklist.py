"""The blank paper checklist of a code: every element the note form asks, printable."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from checklists.pdf.render import render_checklist_pdf
from checklists.snapshot import build_definitions
from procedures.models import ProcedureCode


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


@pytest.fixture
def shp(catalog):
    return ProcedureCode.objects.get(code="64681")


def test_it_lists_every_element_of_the_code_with_its_choices(shp, practice):
    text = text_of(render_checklist_pdf(shp))
    elements = build_definitions(["64681"])["elements"]
    for element in elements:
        assert " ".join(element["label"].split()) in text
        for _, choice in element["choices"] or []:
            assert " ".join(choice.split()) in text
    assert "Checklist: Superior hypogastric plexus neurolysis (64681)" in text
    assert "Testville Pain Clinic (synthetic)" in text


def test_it_prints_units_conditions_and_blanks_for_the_patient(shp, practice):
    text = text_of(render_checklist_pdf(shp))
    assert "mL" in text
    assert "Only if technique is Chemical neurolysis" in text
    assert "Only if complications is anything but None" in text
    assert "Not applicable / not done, reason:" in text
    assert "0 1 2 3 4 5 6 7 8 9 10" in text
    for blank in ["Patient name", "Date of birth", "MRN", "Date of service", "Place of service"]:
        assert blank in text
    assert "Page 1 of" in text


def test_a_sided_code_asks_for_the_side_and_its_level(catalog, practice):
    text = text_of(render_checklist_pdf(ProcedureCode.objects.get(code="64633")))
    # Each choice has its tick box (the ☐ glyph) in front of it.
    assert "Side ☐ Left ☐ Right ☐ Bilateral (modifier 50)" in text
    assert "Facet joint level" in text
    assert "C5-C6" in text


def test_the_checklist_view_serves_a_pdf(clinician_client, shp):
    response = clinician_client.get(reverse("procedures:code-checklist-pdf", args=["64681"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="checklist-64681.pdf"'
    assert response.content.startswith(b"%PDF-")


def test_the_checklist_view_requires_login(client, shp):
    response = client.get(reverse("procedures:code-checklist-pdf", args=["64681"]))
    assert response.status_code == 302


def test_an_unknown_code_has_no_checklist(clinician_client, catalog):
    response = clinician_client.get(reverse("procedures:code-checklist-pdf", args=["99999"]))
    assert response.status_code == 404
