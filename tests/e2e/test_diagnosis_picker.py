"""The ICD-10-CM picker in a real browser: search by words, pick, autosave, refuse a category."""

import re

import pytest
from playwright.sync_api import expect

from checklists import icd10
from checklists.models import Note
from tests.e2e.test_clinician_journey import start_note, wait_saved

pytestmark = pytest.mark.e2e


def test_a_clinician_picks_diagnoses_by_words_and_the_note_stores_them(e2e_world, open_session):
    icd10.warm()  # the live server runs in this process: load the code set before timing out
    tab = open_session("diagnosis-picker")
    tab.sign_in("casey")
    note = start_note(tab, e2e_world["patient"], [("64632", "left", "LT, T3", "3rd web space")])
    page = tab.page
    # The codes textarea is the search box too: one Tab stop, a combobox.
    field = page.get_by_role("combobox", name=re.compile("Diagnoses"))
    assert field.get_attribute("id") == "id_diagnosis"
    assert page.locator("#el-diagnosis input[type=search]").count() == 0
    field.click()
    page.keyboard.type("morton")
    options = page.locator(".icd10-results li")
    expect(options).to_have_count(4)
    expect(field).to_have_attribute("aria-expanded", "true")
    options.filter(has_text="G57.62").click()
    expect(field).to_have_value("G57.62 Lesion of plantar nerve, left lower limb")
    expect(field).to_have_attribute("aria-expanded", "false")
    # Enter with no list open starts a new line; the next code goes there, by keyboard.
    page.keyboard.press("Enter")
    page.keyboard.type("m79.67")
    expect(options.filter(has_text="M79.672")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    while "M79.672" not in page.evaluate("document.activeElement.textContent"):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(field).to_have_value(
        "G57.62 Lesion of plantar nerve, left lower limb\nM79.672 Pain in left foot"
    )
    assert page.evaluate("document.activeElement.id") == "id_diagnosis"
    wait_saved(tab)
    # The autosave of the second pick may still be on its way: wait for it to land.
    for _ in range(50):
        note = Note.objects.get(pk=note.pk)
        if len(note.answers.get("diagnosis", {}).get("value", [])) == 2:
            break
        page.wait_for_timeout(200)
    tab.shot("picked")
    assert note.answers["diagnosis"] == {
        "value": [
            {"code": "G57.62", "description": "Lesion of plantar nerve, left lower limb"},
            {"code": "M79.672", "description": "Pain in left foot"},
        ],
        "code_set": "ICD-10-CM April 2026",
    }

    # A category typed by hand is refused next to the field; the text stays.
    page.fill("#id_diagnosis", "G57.6")
    page.click("button[name=save]:not(.visually-hidden)")
    page.wait_for_url(re.compile(r".*/notes/\d+/edit/$"))
    expect(page.locator("#el-diagnosis .invalid-feedback")).to_contain_text(
        "G57.6: is a category (Lesion of plantar nerve), not a billable code"
    )
    expect(page.locator("#id_diagnosis")).to_have_value("G57.6")
    tab.shot("refused")
    assert tab.console_errors == []
