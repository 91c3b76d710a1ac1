"""The note's read view reads each thing it shows once: the patient's other signed notes
for the payer rules' history (their snapshots from the process's copy), the practice for
its state once. A pinned number of queries, whatever the length of the history."""

import html

from django.db import connection

from practice.models import Practice
from review import queries
from tests.rules.history import DOS, block_note, days_before, rf_note

# Session, user, permissions and roles; the note (with its number of open documentation
# queries: none here, so the queries box reads nothing) and its lines; the audit history
# and the view's own audit event (savepoint, chain, insert, release); the footer's
# catalog version; the practice; the coverage, active packs and the payer's packs; the
# other signed notes and their lines; the addenda. PostgreSQL also counts the audit
# chain's advisory lock.
SIGNED_NOTE_PAGE_QUERIES = 18 if connection.vendor == "sqlite" else 19


def test_the_signed_note_page_takes_a_pinned_number_of_queries_whatever_the_history(
    clinician_client, clinician, medicare_patient, django_assert_num_queries
):
    block_note(clinician, medicare_patient, days_before(40), 85)
    note = rf_note(clinician, medicare_patient, DOS)
    url = f"/notes/{note.pk}/"
    clinician_client.get(url)
    with django_assert_num_queries(SIGNED_NOTE_PAGE_QUERIES):
        response = clinician_client.get(url)
    assert "Not claim-ready" in html.unescape(response.text)

    block_note(clinician, medicare_patient, days_before(20), 90)
    block_note(clinician, medicare_patient, days_before(400), 70, site="L5-S1")
    with django_assert_num_queries(SIGNED_NOTE_PAGE_QUERIES) as context:
        response = clinician_client.get(url)
    # The snapshots' 50 kB definitions come from the process's copy, not the column.
    sql = " ".join(query["sql"] for query in context.captured_queries)
    assert '"checklists_catalogsnapshot"."definitions"' not in sql
    text = html.unescape(response.text)
    assert "Claim-ready" in text and "Not claim-ready" not in text


def test_a_draft_page_reads_no_addenda_and_judges_the_draft_against_the_signed_notes(
    clinician_client, clinician, medicare_patient, django_assert_num_queries
):
    block_note(clinician, medicare_patient, days_before(40), 85)
    block_note(clinician, medicare_patient, days_before(20), 90)
    draft = rf_note(clinician, medicare_patient, DOS, sign=False)
    url = f"/notes/{draft.pk}/"
    clinician_client.get(url)
    with django_assert_num_queries(SIGNED_NOTE_PAGE_QUERIES - 1):
        response = clinician_client.get(url)
    text = html.unescape(response.text)
    assert "Would be claim-ready" in text
    assert "Addenda" not in text


def test_the_note_page_applies_the_packs_of_the_practices_state(
    clinician_client, clinician, medicare_patient
):
    block_note(clinician, medicare_patient, days_before(40), 85)
    note = rf_note(clinician, medicare_patient, DOS)
    practice = Practice.objects.get()
    practice.state = "CA"  # Noridian's LCD for facet RF applies in California
    practice.save()
    text = html.unescape(clinician_client.get(f"/notes/{note.pk}/").text)
    assert "Not claim-ready" in text
    assert "Two consecutive diagnostic medial branch blocks" in text

    practice.state = "TX"  # not one of that contractor's states: its rules do not apply
    practice.save()
    text = html.unescape(clinician_client.get(f"/notes/{note.pk}/").text)
    assert "Two consecutive diagnostic medial branch blocks" not in text


def test_an_open_query_shows_on_the_note_page_for_one_query_more(
    clinician_client, clinician, manager, medicare_patient, django_assert_num_queries
):
    note = rf_note(clinician, medicare_patient, DOS)
    url = f"/notes/{note.pk}/"
    clinician_client.get(url)
    queries.open_query(note=note, manager=manager, message="Which <level> was treated?")
    with django_assert_num_queries(SIGNED_NOTE_PAGE_QUERIES):  # no other signed note: no lines
        response = clinician_client.get(url)
    page = response.content.decode()
    assert 'id="queries"' in page and "Which &lt;level&gt; was treated?" in page
