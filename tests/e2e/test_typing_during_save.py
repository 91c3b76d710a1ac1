"""Typing while an autosave is under way loses nothing, also when the save redraws the
checklist (a new technique or new codes): what the clinician typed meanwhile is carried into
the new checklist and saved next."""

import re

import pytest
from playwright.sync_api import expect

from checklists.models import Note

from .test_clinician_journey import start_note

pytestmark = pytest.mark.e2e

# A slow network: every autosave answer reaches the page 1.5 s after the server sent it.
SLOW_AUTOSAVE = """
(() => {
  const plain = window.fetch;
  window.fetch = (url, options) => plain(url, options).then(response =>
    String(url).endsWith("/autosave/")
      ? new Promise(done => setTimeout(() => done(response), 1500))
      : response);
})();
"""


def test_answers_typed_while_a_technique_change_saves_are_kept(e2e_world, open_session):
    tab = open_session("typing-during-save")
    tab.page.add_init_script(SLOW_AUTOSAVE)
    tab.sign_in("casey")
    note = start_note(tab, e2e_world["patient"], [("64681", "", "", "")])
    page = tab.page
    status = page.locator("#save-status")

    page.check("[name='technique'][value='chemical']")  # the checklist is redrawn for it
    expect(status).to_have_text("Saving…", timeout=5000)
    # While that save is under way: an agent, its concentration, consent, a pain score.
    page.select_option("#id_neurolytic_agent", "ethanol")
    page.fill("#id_ethanol_concentration", "98")
    page.check("#id_informed_consent_0")
    page.check("[name='pain_score_pre'][value='7']")
    # The redrawn checklist arrives, then the save of what was typed meanwhile.
    expect(status).to_have_text(re.compile(r"^Saved"), timeout=10000)
    page.wait_for_timeout(200)
    expect(status).to_have_text(re.compile(r"^Saved"), timeout=10000)

    assert page.input_value("#id_ethanol_concentration") == "98"
    assert page.input_value("#id_neurolytic_agent") == "ethanol"
    assert page.is_checked("#id_informed_consent_0")
    assert page.is_checked("[name='pain_score_pre'][value='7']")
    note.refresh_from_db()
    keys = ("technique", "neurolytic_agent", "ethanol_concentration", "informed_consent")
    stored = {k: note.answers[k]["value"] for k in (*keys, "pain_score_pre")}
    assert stored == {
        "technique": "chemical",
        "neurolytic_agent": "ethanol",
        "ethanol_concentration": "98",
        "informed_consent": "yes",
        "pain_score_pre": 7,
    }
    page.reload()
    assert page.input_value("#id_ethanol_concentration") == "98"
    assert tab.console_errors == []
    assert Note.objects.count() == 1
