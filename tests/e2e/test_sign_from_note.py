"""Signing from the note page: the password box in the panel saves the draft first, signs
through the sign page's URL, and the password never reaches the draft or the browser."""

import re

import pytest
from playwright.sync_api import expect

from audit.models import AuditEvent
from checklists.models import Note
from tests.e2e.conftest import PASSWORD
from tests.notes import make_note

pytestmark = pytest.mark.e2e


def nearly_done(clinician, patient):
    """A complete 64681 note without its post-procedure pain score."""
    note = make_note(clinician, patient, "64681", complete=True)
    answers = {k: v for k, v in note.answers.items() if k != "pain_score_post"}
    note.answers = answers
    note.save(update_fields=["answers"])
    return note


def edit_page(open_session, note, name):
    """Casey's edit page of `note`, in a tab of its own."""
    tab = open_session(name)
    tab.sign_in("casey")
    tab.goto(f"/notes/{note.pk}/edit/")
    return tab.page


def test_the_last_answer_is_saved_and_the_note_signed_from_the_note_page(e2e_world, open_session):
    note = nearly_done(e2e_world["casey"], e2e_world["patient"])
    page = edit_page(open_session, note, "sign-here")
    box = page.locator("#sign-now")
    expect(box).to_be_visible()
    expect(box).to_contain_text("I personally performed or directly supervised")
    assert page.get_attribute("#sign-now-password", "autocomplete") == "current-password"
    expect(page.locator("#sign-now-status")).to_have_text(
        "Not signable yet: the panel lists what is missing."
    )

    # The last answer, then straight to the password: the pending autosave goes first.
    page.check("#id_pain_score_post_2")
    page.fill("#sign-now-password", PASSWORD)
    stored = page.evaluate("JSON.stringify(Object.assign({}, localStorage))")
    assert PASSWORD not in stored
    page.click("#sign-now-button")
    page.wait_for_url(re.compile(rf".*/notes/{note.pk}/$"))
    expect(page.locator("main")).to_contain_text("Electronically signed by")

    note.refresh_from_db()
    assert note.status == Note.Status.SIGNED
    assert note.answers["pain_score_post"] == {"value": 2}
    actions = list(
        AuditEvent.objects.filter(note=note).order_by("pk").values_list("action", flat=True)
    )
    assert actions[-3:] == ["note.update", "note.sign", "note.view"]
    update = AuditEvent.objects.filter(note=note, action="note.update").latest("pk")
    assert "password" not in str(update.detail)


def test_a_wrong_password_lands_on_the_sign_page_unsigned(e2e_world, open_session):
    note = make_note(e2e_world["casey"], e2e_world["patient"], "64681", complete=True)
    page = edit_page(open_session, note, "sign-here-wrong")
    page.fill("#sign-now-password", "not-the-password")
    page.keyboard.press("Enter")  # Enter in the box signs, as its own form
    page.wait_for_url(re.compile(rf".*/notes/{note.pk}/sign/$"))
    expect(page.locator(".sign-form")).to_contain_text("That password is not right.")
    assert page.input_value("#id_password") == ""
    note.refresh_from_db()
    assert note.status == Note.Status.DRAFT


def test_without_the_script_the_box_stays_hidden(e2e_world, browser, live_server):
    note = make_note(e2e_world["casey"], e2e_world["patient"], "64681", complete=True)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "casey")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/notes/{note.pk}/edit/")
    assert not page.is_visible("#sign-now")
    assert page.is_visible("button[name=sign]")  # "Save and sign…" saves, then asks
    context.close()


def test_a_field_that_could_not_be_saved_stops_the_signature_on_the_page(e2e_world, open_session):
    note = make_note(e2e_world["casey"], e2e_world["patient"], "64681", complete=True)
    page = edit_page(open_session, note, "sign-here-invalid")
    page.fill("#id_pain_duration_months", "9999")  # above the element's maximum (600)
    page.fill("#sign-now-password", PASSWORD)
    page.click("#sign-now-button")
    expect(page.locator("#sign-now-status")).to_have_text(
        "Not signed: the draft is not saved. Correct the fields marked in red, or reload."
    )
    expect(page.locator("#id_pain_duration_months")).to_have_class(re.compile("is-invalid"))
    assert page.url.endswith(f"/notes/{note.pk}/edit/")
    note.refresh_from_db()
    assert note.status == Note.Status.DRAFT
