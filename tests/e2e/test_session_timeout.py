"""A session that times out loses nothing the clinician typed."""

import re
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from checklists.models import Note
from tests.notes import make_note

pytestmark = pytest.mark.e2e


def _idle_for(page, seconds):
    """The clinician was called away: the browser's session last did something `seconds`
    ago (aged in the session store, as tests/security/test_sessions.py does, rather than
    slept through: a sleep races the page loads on a busy machine)."""
    cookie = next(
        c for c in page.context.cookies() if c["name"] == django_settings.SESSION_COOKIE_NAME
    )
    session = SessionStore(session_key=cookie["value"])
    session["last_activity"] = time.time() - seconds
    session.save()


def test_input_typed_after_the_session_expired_is_restored_after_signing_in(
    e2e_world, open_session, settings
):
    note = make_note(e2e_world["casey"], e2e_world["patient"], "64681")
    tab = open_session("timeout")
    tab.sign_in("casey")
    tab.goto(f"/notes/{note.pk}/edit/")
    page = tab.page
    _idle_for(page, settings.SESSION_IDLE_SECONDS + 5)

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
