"""Tablet widths: no page scrolls sideways, and the completeness panel is always at hand.

Every page each role opens, at 768 px (a tablet held upright) and 1024 px (lying down).
"""

import pytest
from django.contrib.auth.models import Group, User

from checklists.models import Note
from practice.roles import CATALOG_ADMIN
from review.queries import open_query
from tests.e2e.conftest import PASSWORD
from tests.notes import make_note, sign

pytestmark = pytest.mark.e2e

CLINICIAN_PAGES = [
    "/notes/",
    "/notes/?scope=all",
    "/notes/new/",
    "/notes/{draft}/edit/",
    "/notes/{draft}/",
    "/notes/{draft}/sign/",
    "/notes/{signed}/",
    "/notes/{signed}/addenda/new/",
    "/patients/new/",
    "/favourites/",
    "/patients/{patient}/history/",
    "/codes/",
    "/codes/64635/",
]
MANAGER_PAGES = [
    "/notes/?scope=all",
    "/notes/{draft}/",
    "/notes/{signed}/",
    "/review/",
    "/review/?completeness=incomplete",
    "/review/cloned/",
    "/review/queries/",
    "/review/notes/{draft}/queries/new/",
    "/review/exports/",
    "/payers/",
    "/payers/new/",
    "/rules/",
    "/patients/{patient}/history/",
    "/patients/{patient}/coverage/",
    "/audit/",
    "/codes/",
]
CATALOG_PAGES = ["/codes/", "/codes/64681/", "/codes/64642/"]
ANONYMOUS_PAGES = ["/login/", "/password-reset/"]


@pytest.fixture
def world(e2e_world):
    clinician, patient, manager = e2e_world["casey"], e2e_world["patient"], e2e_world["morgan"]
    draft = make_note(
        clinician,
        patient,
        "64681",
        answers={"informed_consent": {"value": "yes"}},
    )
    signed = sign(make_note(clinician, patient, "64640", complete=True), clinician)
    open_query(
        note=draft,
        manager=manager,
        message="Please document the disposition and the follow-up plan (synthetic).",
        element_keys=["disposition"],
    )
    admin = User.objects.create_user(
        "quinn", "quinn@example.test", PASSWORD, first_name="Quinn", last_name="Catalog-Admin"
    )
    admin.groups.add(Group.objects.get_or_create(name=CATALOG_ADMIN)[0])
    ids = {"draft": draft.pk, "signed": signed.pk, "patient": patient.pk}
    return ids


def widest(page):
    """The outermost elements that reach past the viewport, to say what to fix."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('body *')).filter(e => {
            const r = e.getBoundingClientRect();
            return r.right > document.documentElement.clientWidth + 1 &&
              !(e.parentElement && e.parentElement.getBoundingClientRect().right >
                document.documentElement.clientWidth + 1);
        }).slice(0, 3).map(e => e.tagName + '.' + e.className)"""
    )


@pytest.mark.parametrize("width", [768, 1024])
def test_no_page_scrolls_sideways_for_any_role(world, open_session, width):
    overflowing = []
    for username, pages in (
        (None, ANONYMOUS_PAGES),
        ("casey", CLINICIAN_PAGES),
        ("morgan", MANAGER_PAGES),
        ("quinn", CATALOG_PAGES),
    ):
        tab = open_session(f"tablet-{username or 'anonymous'}", width)
        if username:
            tab.sign_in(username)
        for path in pages:
            tab.goto(path.format(**world))
            overflow = tab.horizontal_overflow()
            if overflow:
                tab.shot("overflow")
                overflowing.append((username, path, overflow, widest(tab.page)))
        tab.close()
    assert overflowing == []


def test_at_768_px_the_panel_is_docked_and_opens_from_anywhere(world, open_session):
    tab = open_session("tablet-panel", 768)
    tab.sign_in("casey")
    tab.goto(f"/notes/{world['draft']}/edit/")
    page = tab.page
    toggle = page.locator("#panel-toggle")
    draft = Note.objects.get(pk=world["draft"])
    assert draft.required_missing > 10
    assert toggle.text_content() == (
        f"Completeness: {draft.completeness}% · {draft.required_missing} required missing"
    )
    assert page.is_hidden("#missing-required")
    # Far down the form, the summary is still on screen and opens the whole panel.
    page.locator("#el-follow_up_plan").scroll_into_view_if_needed()
    assert toggle.is_visible() and toggle.bounding_box()["y"] < 900
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.is_visible("#missing-required")
    assert "Disposition" in page.text_content("#missing-required")
    tab.shot("panel-open")
    page.click("#missing-required >> text=Disposition")
    assert page.evaluate("document.activeElement.name") == "disposition"
    assert tab.horizontal_overflow() == 0
