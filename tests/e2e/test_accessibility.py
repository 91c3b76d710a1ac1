"""axe-core on the main pages, a label on every control, the note form by keyboard alone."""

import pytest

from checklists.models import Note
from tests.notes import make_note, sign

pytestmark = pytest.mark.e2e

UNLABELLED = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => el.type !== 'hidden' && !el.closest('[hidden]'))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.name || el.id)"""


def test_main_pages_have_no_serious_accessibility_violations(e2e_world, open_session):
    clinician = e2e_world["casey"]
    draft = make_note(clinician, e2e_world["patient"], "64681")
    signed = sign(make_note(clinician, e2e_world["patient"], "64640", complete=True), clinician)
    tab = open_session("a11y", width=1024)
    tab.goto("/login/")
    assert tab.axe() == []
    tab.sign_in("casey")
    for path in (
        "/notes/",
        "/notes/new/",
        f"/notes/{draft.pk}/edit/",
        f"/notes/{draft.pk}/sign/",
        f"/notes/{signed.pk}/",
        f"/notes/{signed.pk}/addenda/new/",
        "/codes/",
        "/codes/64681/",
    ):
        tab.goto(path)
        assert tab.axe() == [], path
        assert tab.page.evaluate(UNLABELLED) == [], path
        assert tab.horizontal_overflow() == 0, path
        tab.shot(path.strip("/").replace("/", "-") or "home")


def test_the_note_form_can_be_filled_and_submitted_with_the_keyboard_alone(
    e2e_world, open_session
):
    note = make_note(e2e_world["casey"], e2e_world["patient"], "64681")
    tab = open_session("keyboard", width=1024)
    tab.sign_in("casey")
    tab.goto(f"/notes/{note.pk}/edit/")
    page = tab.page
    page.focus("#id_informed_consent_0")  # the first checklist field; Tab does the rest
    checked_groups = set()
    for _ in range(400):
        active = page.evaluate(
            """() => { const el = document.activeElement;
                 return {tag: el.tagName, type: el.type || '', name: el.name || '',
                         text: (el.textContent || '').trim(), checked: !!el.checked,
                         value: el.value || '', min: el.min || '', max: el.max || '',
                         placeholder: el.placeholder || ''}; }"""
        )
        if active["tag"] == "BUTTON" and active["text"] == "Save draft":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            break
        name, kind = active["name"], active["type"]
        if active["tag"] == "SELECT" and not active["value"]:
            page.keyboard.press("ArrowDown")
        elif kind in ("radio", "checkbox") and name not in checked_groups:
            if not active["checked"]:
                page.keyboard.press("Space")
            checked_groups.add(name)
        elif kind == "number" and not active["value"]:
            low, high = float(active["min"] or 0), float(active["max"] or 10)
            page.keyboard.type(str(round(low + (high - low) / 4)))
        elif active["placeholder"] == "mm/dd/yyyy" and not active["value"]:
            page.keyboard.type("10/15/2026")  # a checklist date: one text field
        elif name == "diagnosis" and not active["value"]:
            page.keyboard.type("M47.816")  # the diagnosis is an ICD-10-CM code
        elif (
            active["tag"] == "TEXTAREA" or (kind == "text" and not name.endswith("__na"))
        ) and not active["value"]:
            page.keyboard.type("Synthetic keyboard entry")
        page.keyboard.press("Tab")
    else:
        pytest.fail("never reached the Save draft button by Tab")
    assert "Draft saved" in page.text_content("main")
    note = Note.objects.get(pk=note.pk)
    assert note.required_missing == 0, [g.label for g in note.gaps.filter(requirement="required")]
    tab.shot("keyboard-complete")
