"""A session that times out loses nothing the clinician typed."""

import re
import time

import pytest
from playwright.sync_api import expect

from checklists.models import Note
from tests.notes import make_note

pytestmark = pytest.mark.e2e


def test_input_typed_after_the_session_expired_is_restored_after_signing_in(
    e2e_world, open_session, settings
):
    settings.SESSION_IDLE_SECONDS = 3
    note = make_note(e2e_world["casey"], e2e_world["patient"], "64681")
    tab = open_session("timeout")
    tab.sign_in("casey")
    tab.goto(f"/notes/{note.pk}/edit/")
    page = tab.page
    time.sleep(4)  # the clinician was called away

    page.fill("#id_indication", "Typed after the session expired (synthetic)")
    alert = page.locator("#autosave-alert")
    expect(alert).to_contain_text("signed out", timeout=10000)
    tab.shot("expired")
    assert "indication" not in Note.objects.get(pk=note.pk).answers

    tab.sign_in("casey")
    tab.goto(f"/notes/{note.pk}/edit/")
    expect(page.locator("#restore-alert")).to_be_visible()
    tab.shot("offer-restore")
    page.click("#restore-button")
    expect(page.locator("#save-status")).to_have_text(re.compile(r"^Saved"), timeout=10000)
    assert page.input_value("#id_indication") == "Typed after the session expired (synthetic)"
    assert Note.objects.get(pk=note.pk).answers["indication"] == {
        "value": "Typed after the session expired (synthetic)"
    }
