"""A clinician documents, signs and amends a 64681 note in a real browser."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from checklists.models import Note

pytestmark = pytest.mark.e2e


def start_note(tab, patient, lines):
    tab.goto("/notes/new/")
    tab.page.fill("#patient-filter", patient.mrn)
    tab.page.select_option("#id_header-patient", str(patient.pk))
    tab.page.fill("#id_header-date_of_service", "2026-11-02")
    tab.page.select_option("#id_header-place_of_service", "22")
    for index, (code, side, modifiers, site) in enumerate(lines):
        tab.page.select_option(f"#id_lines-{index}-code", code)
        tab.page.select_option(f"#id_lines-{index}-side", side)
        tab.page.fill(f"#id_lines-{index}-modifiers", modifiers)
        tab.page.fill(f"#id_lines-{index}-site", site)
    tab.shot("new-note")
    tab.page.click("text=Start note")
    tab.page.wait_for_url(re.compile(r".*/notes/\d+/edit/$"))
    return Note.objects.latest("pk")


def wait_saved(tab):
    # A locator assertion, not wait_for_function: the page's CSP forbids eval.
    expect(tab.page.locator("#save-status")).to_have_text(re.compile(r"^Saved"), timeout=10000)


def missing(tab):
    return tab.page.locator("#missing-required li").all_text_contents()


@pytest.mark.parametrize("width", [1280, 1024])
def test_a_clinician_documents_signs_and_amends_a_64681_note(e2e_world, open_session, width):
    patient = e2e_world["patient"]
    tab = open_session("clinician-64681", width)
    tab.sign_in("casey")
    note = start_note(tab, patient, [("64681", "", "", "")])
    page = tab.page
    assert page.text_content("#completeness-percent") == "0%"
    assert "Informed consent obtained and signed" in missing(tab)

    # Typing updates completeness and the missing list without a reload.
    page.check("#id_informed_consent_0")
    page.fill("#id_diagnosis", "C56.9 Malignant neoplasm of ovary (synthetic)")
    # Only the techniques 64681 covers are offered, as radio buttons.
    assert page.locator("[name='technique']").count() == 3
    page.check("[name='technique'][value='chemical']")
    wait_saved(tab)
    assert page.text_content("#completeness-percent") != "0%"
    assert "Informed consent obtained and signed" not in missing(tab)
    # Chemical technique brings the agent; choosing phenol brings its concentration.
    assert page.is_visible("#el-neurolytic_agent")
    page.select_option("#id_neurolytic_agent", "phenol_aqueous")
    assert page.is_visible("#el-phenol_concentration")
    assert page.is_hidden("#el-ethanol_concentration")
    page.fill("#id_phenol_concentration", "60")
    wait_saved(tab)
    assert "must be between 0 and 15" in page.text_content("#el-phenol_concentration")
    tab.shot("half-filled")
    assert tab.horizontal_overflow() == 0

    # Signing too early: told exactly what is missing.
    page.fill("#id_phenol_concentration", "6")
    page.click("text=Save and sign…")
    page.wait_for_url(f"**/notes/{note.pk}/sign/")
    refusal = page.text_content(".alert-danger")
    assert "This note cannot be signed yet" in refusal
    assert "Required elements missing:" in refusal and "Disposition" in refusal
    assert page.locator("#id_password").count() == 0
    tab.shot("sign-too-early")

    # Complete every required element from the note's own definitions.
    page.click("text=Back to the note")
    page.wait_for_url(f"**/notes/{note.pk}/edit/")
    note.refresh_from_db()
    fill_required(tab, note)
    wait_saved(tab)
    assert missing(tab) == []
    assert page.text_content("#completeness-percent") == "100%"
    tab.shot("complete")

    page.click("text=Save and sign…")
    page.wait_for_url(f"**/notes/{note.pk}/sign/")
    page.fill("#id_password", "e2e-password-for-tests")
    tab.shot("attest")
    page.click("button:has-text('Sign note')")
    page.wait_for_url(f"**/notes/{note.pk}/")
    assert page.is_visible("text=Electronically signed by Casey Browser-Clinician MD")
    tab.shot("signed")
    assert tab.horizontal_overflow() == 0

    # The PDF button, fetched with the browser's own session.
    href = page.locator("a:has-text('PDF')").first.get_attribute("href")
    response = page.request.get(tab.base_url + href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "Alpha Testpatient" in text and "E2E-0001" in text

    page.click("text=Add addendum")
    page.select_option("#id_reason", "Correction")
    page.fill("#id_text", "Synthetic correction: 7 mL per side, not 8 mL.")
    page.click("button:has-text('Add addendum')")
    page.wait_for_url(f"**/notes/{note.pk}/")
    assert page.is_visible("text=Synthetic correction: 7 mL per side, not 8 mL.")
    tab.shot("amended")
    assert Note.objects.get(pk=note.pk).status == "amended"
    assert tab.console_errors == []


def fill_required(tab, note):
    """Answer every applicable, still-missing element the way a person would."""
    page = tab.page
    for _ in range(3):  # conditional elements appear as their parents are answered
        for element in note.definitions["elements"]:
            key = element["key"]
            wrapper = page.locator(f"#el-{key}")
            if element["requirement"] != "required" or not wrapper.is_visible():
                continue
            kind = element["input_type"]
            field = page.locator(f"[name='{key}']")
            radio = field.first.get_attribute("type") == "radio"
            if kind in ("yes_no", "choice", "pain_score") and radio:
                if not page.locator(f"[name='{key}']:checked").count():
                    field.first.check()
            elif kind == "choice" or kind == "pain_score":
                if not field.input_value():
                    options = field.locator("option").all()
                    field.select_option(index=1 if len(options) > 1 else 0)
            elif kind == "multi_choice":
                if not page.locator(f"[name='{key}']:checked").count():
                    field.first.check()
            elif kind in ("number", "percent"):
                if not field.input_value():
                    low = float(field.get_attribute("min") or 0)
                    high = float(field.get_attribute("max") or 100)
                    field.fill(str(round(low + (high - low) / 4)))
            elif kind == "date":
                if not field.input_value():
                    field.fill("2026-10-15")
            elif not field.input_value():
                field.fill(f"Synthetic {element['label'].lower()}.")


def test_the_add_on_rule_shows_until_the_primary_is_added(e2e_world, open_session):
    tab = open_session("clinician-64643")
    tab.sign_in("casey")
    note = start_note(tab, e2e_world["patient"], [("64643", "", "", "Left lower extremity")])
    problems = tab.page.text_content("#coding-problems")
    assert "64643 is an add-on code and needs its primary code 64642 or 64644" in problems
    tab.shot("addon-alone")

    tab.page.click(".visit-details > summary")  # the codes fold away on the checklist
    tab.page.select_option("#id_lines-1-code", "64642")
    tab.page.fill("#id_lines-1-site", "Left upper extremity")
    tab.page.click("text=Save draft")
    tab.page.wait_for_url(f"**/notes/{note.pk}/edit/")
    assert "add-on code" not in tab.page.text_content("#coding-problems")
    assert Note.objects.get(pk=note.pk).codes == ["64643", "64642"]
    tab.shot("addon-with-primary")
