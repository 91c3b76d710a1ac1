"""A manager finds incomplete notes, queries the clinician, who answers; a bulk export."""

import datetime
import io
import re
import time
import zipfile

import pytest
from django.core.management import call_command
from django.db import OperationalError
from playwright.sync_api import expect

from review.models import DocumentationQuery
from tests.notes import DOS, make_note, sign

pytestmark = pytest.mark.e2e


def test_a_manager_queries_an_incomplete_note_and_the_clinician_answers(e2e_world, open_session):
    clinician, patient = e2e_world["casey"], e2e_world["patient"]
    draft = make_note(clinician, patient, "64681", answers={"informed_consent": {"value": "yes"}})
    sign(make_note(clinician, patient, "64640", complete=True), clinician)

    manager = open_session("manager-query")
    manager.sign_in("morgan")
    manager.goto("/review/")
    manager.page.select_option("select[name=completeness]", "incomplete")
    manager.page.click("button:has-text('Apply')")
    manager.page.wait_for_url(re.compile(r".*completeness=incomplete.*"))
    assert "64681" in manager.page.locator("main").text_content()
    manager.shot("dashboard-incomplete")
    assert manager.horizontal_overflow() == 0

    manager.goto(f"/review/notes/{draft.pk}/queries/new/")
    manager.page.fill("textarea[name=message]", "Please document the disposition (synthetic).")
    manager.page.check("input[name=elements][value=disposition]")
    manager.shot("query-new")
    manager.page.click("button:has-text('Send query')")
    query = DocumentationQuery.objects.get(note=draft)
    assert query.status == "open"

    doctor = open_session("clinician-answers")
    doctor.sign_in("casey")
    expect(doctor.page.locator("main")).to_contain_text("query")
    doctor.shot("note-list-with-query")
    doctor.goto(f"/notes/{draft.pk}/edit/")
    expect(doctor.page.locator("main")).to_contain_text("Please document the disposition")
    doctor.page.select_option("#id_disposition", index=1)
    expect(doctor.page.locator("#save-status")).to_have_text(re.compile(r"^Saved"), timeout=10000)
    doctor.shot("query-answered")
    query.refresh_from_db()
    assert query.status == "closed" and query.closed_by == clinician

    manager.goto("/review/queries/")
    expect(manager.page.locator("main")).to_contain_text("Closed")
    manager.shot("queries")


def test_a_bulk_export_shows_its_progress_and_finishes_with_a_download(
    e2e_world, open_session, settings
):
    settings.REVIEW_EXPORT_PROCESSES = 1  # render in the worker itself, no forked pool
    clinician, patient = e2e_world["casey"], e2e_world["patient"]
    for week in range(3):  # three sessions: one nerve once a day
        day = DOS - datetime.timedelta(weeks=week)
        sign(make_note(clinician, patient, "64640", complete=True, day=day), clinician)
    tab = open_session("manager-export")
    tab.sign_in("morgan")
    tab.goto("/review/")
    tab.page.click("button:has-text('Bulk PDF export (zip)')")
    tab.page.wait_for_url(re.compile(r".*/review/exports/\d+/$"))
    expect(tab.page.locator("progress.review-progress-bar")).to_be_visible()
    tab.shot("export-queued")

    # The real worker command, in this process (it needs the main thread for its signal
    # handlers); the page keeps polling the live server meanwhile.
    _run_worker_beside_the_live_server()
    download = tab.page.locator("a:has-text('Download zip')")
    expect(download).to_be_visible(timeout=20000)
    tab.shot("export-done")
    with tab.page.expect_download() as info:
        download.click()
    archive = zipfile.ZipFile(io.BytesIO(info.value.path().read_bytes()))
    pdfs = [name for name in archive.namelist() if name.endswith(".pdf")]
    assert len(pdfs) == 3
    assert all(archive.read(name).startswith(b"%PDF") for name in pdfs)


def _run_worker_beside_the_live_server():
    """The test database is SQLite in memory with a shared cache, where a table read by the
    live server's thread (the page polling) makes the worker's BEGIN EXCLUSIVE fail at once
    with "database table is locked" instead of waiting as a database file does: try again."""
    for attempt in range(10):
        try:
            call_command("db_worker", "--batch", "--no-startup-delay")
            return
        except OperationalError as error:
            if "locked" not in str(error) or attempt == 9:
                raise
            time.sleep(0.2)
