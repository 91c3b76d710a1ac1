"""The faster paths in a real browser: the code picker, copy-forward, the checklist that
rebuilds as the codes change, the panel inserted from the server's fragment."""

import re

import pytest
from playwright.sync_api import expect

from checklists.diagnosis_field import as_text
from checklists.models import Note
from tests.notes import make_note, sign

pytestmark = pytest.mark.e2e

LUMBAR = [
    {
        "code": "64635",
        "units": 1,
        "modifiers": ["RT"],
        "side": "right",
        "site": "L4-L5",
        "technique": "thermal_rf",
    },
    {
        "code": "64636",
        "units": 1,
        "modifiers": ["RT"],
        "side": "right",
        "site": "L5-S1",
        "technique": "thermal_rf",
    },
]


def test_the_picker_adds_lines_with_their_technique_and_side_modifier(e2e_world, open_session):
    tab = open_session("picker")
    tab.sign_in("casey")
    tab.goto("/notes/new/")
    page = tab.page
    page.fill("#patient-filter", "E2E-0001")
    assert page.input_value("#id_header-patient") == str(e2e_world["patient"].pk)
    page.select_option("#id_header-place_of_service", "22")
    page.fill("#code-search", "lumbar rf")
    assert page.locator("#code-results [data-code]").all_text_contents() == [
        "64628 Basivertebral nerve ablation, first two lumbar or sacral vertebral bodies · "
        "lumbar, sacral spine (vertebral body)",
        "64629 Basivertebral nerve ablation, each further vertebral body (add-on) · "
        "lumbar, sacral spine (vertebral body)",
        "64635 Low-back facet joint denervation, first joint · low back, lumbar, sacral spine "
        "(facet)",
        "64636 Low-back facet joint denervation, each further joint (add-on) · low back, "
        "lumbar, sacral spine (facet)",
    ]
    page.click("#code-results [data-code='64635']")
    # Two techniques fit 64635: the clinician chooses; chemical is not offered.
    assert page.evaluate("document.activeElement.name") == "lines-0-technique"
    assert page.is_disabled("#id_lines-0-technique option[value='chemical']")
    page.select_option("#id_lines-0-technique", "thermal_rf")
    page.select_option("#id_lines-0-side", "bilateral")
    assert page.input_value("#id_lines-0-modifiers") == "50"
    page.fill("#code-search", "64636")
    page.keyboard.press("Enter")
    # A second line, with the technique already chosen for the session.
    assert page.input_value("#id_lines-1-code") == "64636"
    assert page.input_value("#id_lines-1-technique") == "thermal_rf"
    assert page.input_value("#id_lines-TOTAL_FORMS") == "2"
    tab.shot("picked")
    page.click("button[name=start]:not(.visually-hidden)")
    page.wait_for_url(re.compile(r".*/notes/\d+/edit/$"))
    note = Note.objects.latest("pk")
    assert [(line.code, line.technique, line.modifiers) for line in note.lines.all()] == [
        ("64635", "thermal_rf", ["50"]),
        ("64636", "thermal_rf", []),
    ]
    assert tab.console_errors == []


def test_changing_the_code_rebuilds_the_checklist_without_saving(e2e_world, open_session):
    note = make_note(
        e2e_world["casey"],
        e2e_world["patient"],
        "64681",
        answers={"technique": {"value": "chemical"}},
    )
    tab = open_session("rebuild")
    tab.sign_in("casey")
    tab.goto(f"/notes/{note.pk}/edit/")
    page = tab.page
    assert page.is_visible("#el-neurolytic_agent")
    page.click(".visit-details > summary")
    page.select_option("#id_lines-0-code", "64642")
    expect(page.locator("#el-toxin_product")).to_be_visible(timeout=10000)
    assert page.locator("#el-neurolytic_agent").count() == 0
    assert page.url.endswith(f"/notes/{note.pk}/edit/")  # no reload, no save button
    assert Note.objects.get(pk=note.pk).codes == ["64642"]
    assert tab.console_errors == []


def test_a_repeat_rf_starts_from_the_last_note_and_signs_after_confirming(e2e_world, open_session):
    clinician, patient = e2e_world["casey"], e2e_world["patient"]
    earlier = make_note(
        clinician,
        patient,
        lines=LUMBAR,
        complete=True,
        answers={"procedure_side": {"value": "right"}, "technique": {"value": "thermal_rf"}},
    )
    sign(earlier, clinician)
    tab = open_session("copy-forward")
    tab.sign_in("casey")
    tab.goto("/notes/new/")
    page = tab.page
    page.select_option("#id_header-place_of_service", "22")  # this practice has no default
    # The clinician's recent patient has a repeat button: one click starts the copy.
    row = page.locator(".repeat-list li", has_text="E2E-0001")
    expect(row).to_contain_text("Repeat 64635 + 64636")
    expect(row).to_contain_text("last 11/02/2026 · right L4-L5")
    row.locator("button[name=repeat_note]").click()
    page.wait_for_url(re.compile(r".*/notes/\d+/edit/$"))
    note = Note.objects.latest("pk")
    assert page.locator(".copied-badge").count() > 10
    # The coded diagnosis, as its textarea shows it (hidden: the copy reads as a line).
    assert page.input_value("#id_diagnosis") == as_text(earlier.answers["diagnosis"]["value"])
    assert not page.is_checked("#id_informed_consent_0")
    assert "Pre-procedure" in page.text_content("#unconfirmed")
    # Copied values read as one line each; their fields are out of the Tab order until
    # "Edit copied values" opens the section's fields. Today's facts stay fields.
    expect(page.locator("#id_diagnosis")).to_be_hidden()
    expect(page.locator("#el-diagnosis .copied-value")).to_have_text(
        "Diagnoses (ICD-10-CM), primary first: " + as_text(earlier.answers["diagnosis"]["value"])
    )
    expect(page.locator("#el-technique .copied-value")).to_contain_text(
        "Technique: Conventional (thermal) radiofrequency"
    )
    expect(page.locator("#id_informed_consent_0")).to_be_visible()
    edit = page.locator("#sec-procedure .copied-edit")
    expect(edit).to_have_attribute("aria-expanded", "false")
    assert tab.axe() == []  # the read-only lines, the buttons, the sign box
    tab.shot("copied")
    edit.click()
    expect(page.locator("#id_technique_0")).to_be_visible()
    assert page.evaluate("document.activeElement.closest('.element').id").startswith("el-")
    expect(page.locator("#id_diagnosis")).to_be_hidden()  # another section: still a line

    page.click("text=Save and sign…")
    page.wait_for_url(f"**/notes/{note.pk}/sign/**")
    assert "Copied or prefilled values not yet confirmed" in page.text_content(".alert-danger")
    assert page.locator("#id_password").count() == 0
    assert tab.horizontal_overflow() == 0

    # One confirmation for every copied value, then today's facts, then signing.
    tab.goto(f"/notes/{note.pk}/edit/")
    expect(page.locator("#unconfirmed")).to_contain_text("Procedure")
    page.click("#confirm-all")  # in place: the autosave carries the confirmation
    expect(page.locator("#confirm-all")).to_have_count(0)
    expect(page.locator(".copied-badge")).to_have_count(0)
    assert Note.objects.get(pk=note.pk).copied == {}
    # Confirmed copies stay lines to read, on this page and reloaded (Note.carried).
    expect(page.locator("#el-diagnosis .copied-value")).to_be_visible()
    expect(page.locator("#sec-pre .copied-alert")).to_contain_text("Copied values confirmed.")
    tab.goto(f"/notes/{note.pk}/edit/")
    expect(page.locator("#el-diagnosis .copied-value")).to_be_visible()
    expect(page.locator("#id_diagnosis")).to_be_hidden()
    expect(page.locator(".copied-badge")).to_have_count(0)
    page.click("#sec-pre .copied-edit")
    expect(page.locator("#id_diagnosis")).to_be_visible()


def test_a_multiple_choice_list_is_one_tab_stop_with_arrow_keys_inside(e2e_world, open_session):
    note = make_note(
        e2e_world["casey"],
        e2e_world["patient"],
        "64681",
        answers={"technique": {"value": "chemical"}},
    )
    tab = open_session("checkbox-group")
    tab.sign_in("casey")
    tab.goto(f"/notes/{note.pk}/edit/")
    page = tab.page
    group = page.locator("#el-complications fieldset")
    assert group.get_attribute("aria-describedby").split()[-1] == "roving-hint"
    boxes = group.locator("input[type=checkbox]")
    count = boxes.count()
    assert count > 5
    names = [boxes.nth(i).get_attribute("value") for i in range(count)]

    def focused():
        return page.evaluate("[document.activeElement.name, document.activeElement.value]")

    # Tabbing from the post-procedure pain score enters the group on its first box...
    page.focus("#id_pain_score_post_0")
    for _ in range(4):
        page.keyboard.press("Tab")
        if focused()[0] == "complications":
            break
    assert focused() == ["complications", names[0]]
    page.keyboard.press("Tab")
    assert focused()[0] != "complications"  # the whole list was one stop

    # Back in: the arrows move inside the list (and wrap); Space ticks; nothing else moves.
    page.keyboard.press("Shift+Tab")
    assert focused() == ["complications", names[0]]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert focused() == ["complications", names[2]]
    page.keyboard.press("Space")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert focused() == ["complications", names[-1]]
    page.keyboard.press("Space")
    page.keyboard.press("End")
    assert focused() == ["complications", names[-1]]
    page.keyboard.press("Home")
    assert focused() == ["complications", names[0]]
    assert [boxes.nth(i).is_checked() for i in range(count)] == [
        i in (2, count - 1) for i in range(count)
    ]
    # Tab leaves and Shift+Tab comes back to the box last visited.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    assert focused() == ["complications", names[1]]

    # The form posts the ticked values, as without the script.
    with page.expect_navigation():
        page.click("button[name=save]:not(.visually-hidden)")
    assert Note.objects.get(pk=note.pk).answers["complications"] == {
        "value": [names[2], names[-1]]
    }
    # Reopened, the group is entered on its first ticked box.
    page.focus("#id_pain_score_post_0")
    for _ in range(4):
        page.keyboard.press("Tab")
        if focused()[0] == "complications":
            break
    assert focused() == ["complications", names[2]]
    assert tab.console_errors == []


def test_choosing_the_technique_in_the_checklist_fills_the_code_lines(e2e_world, open_session):
    lines = [dict(line, technique="") for line in LUMBAR]
    note = make_note(e2e_world["casey"], e2e_world["patient"], lines=lines)
    tab = open_session("technique-lines")
    tab.sign_in("casey")
    tab.goto(f"/notes/{note.pk}/edit/")
    page = tab.page
    assert page.input_value("#id_lines-0-technique") == ""
    page.check("[name='technique'][value='thermal_rf']")
    assert page.input_value("#id_lines-0-technique") == "thermal_rf"
    assert page.input_value("#id_lines-1-technique") == "thermal_rf"
    page.check("[name='technique'][value='cooled_rf']")
    assert page.input_value("#id_lines-1-technique") == "cooled_rf"
    expect(page.locator("#save-status")).to_have_text(re.compile(r"^Saved"), timeout=10000)
    page.wait_for_timeout(1500)  # the second autosave
    expect(page.locator("#save-status")).to_have_text(re.compile(r"^Saved"), timeout=10000)
    stored = Note.objects.get(pk=note.pk)
    assert [line.technique for line in stored.lines.all()] == ["cooled_rf", "cooled_rf"]
    assert stored.answers["technique"] == {"value": "cooled_rf"}
    assert tab.console_errors == []
