import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from checklists.models import Note
from review import queries, selectors
from review.filters import NoteFilter
from tests.notes import DOS, make_note, sign
from tests.tampering import guards_dropped

from .helpers import clone_notes, make_note_missing, required_keys

pytestmark = pytest.mark.django_db

URL = reverse("review:dashboard")


def _filtered(**data):
    return set(NoteFilter(data, queryset=Note.objects.all()).qs.values_list("pk", flat=True))


def test_it_refuses_the_dashboard_to_a_clinician(clinician_client, catalog):
    assert clinician_client.get(URL).status_code == 403


def test_it_sends_an_anonymous_visitor_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_shows_the_dashboard_to_a_manager(manager_client, clinician, patient, catalog):
    make_note(clinician, patient, "64681", complete=True)
    response = manager_client.get(URL)
    assert response.status_code == 200
    assert b"Most often missing" in response.content
    assert response.context["total"].notes == 1


def test_it_filters_by_date_of_service_range(clinician, patient, catalog):
    early = make_note_missing(clinician, patient, date_of_service=datetime.date(2026, 1, 5))
    mid = make_note_missing(clinician, patient, date_of_service=datetime.date(2026, 3, 1))
    late = make_note_missing(clinician, patient, date_of_service=datetime.date(2026, 6, 1))
    assert _filtered(dos_from="2026-02-01") == {mid.pk, late.pk}
    assert _filtered(dos_to="2026-03-01") == {early.pk, mid.pk}
    assert _filtered(dos_from="2026-02-01", dos_to="2026-05-31") == {mid.pk}


def test_it_filters_by_code(clinician, patient, catalog):
    rf = make_note(clinician, patient, "64681")
    chemodenervation = make_note(clinician, patient, "64643")
    assert _filtered(code="64681") == {rf.pk}
    assert _filtered(code="64642") == {chemodenervation.pk}


def test_it_filters_by_clinician(clinician, other_clinician, patient, catalog):
    mine = make_note(clinician, patient)
    theirs = make_note(other_clinician, patient)
    assert _filtered(clinician=str(clinician.pk)) == {mine.pk}
    assert _filtered(clinician=str(other_clinician.pk)) == {theirs.pk}


def test_it_filters_by_place_of_service(clinician, patient, catalog):
    office = make_note_missing(clinician, patient, place_of_service="11")
    asc = make_note_missing(clinician, patient, place_of_service="24")
    assert _filtered(place="11") == {office.pk}
    assert _filtered(place="24") == {asc.pk}


def test_it_filters_by_status(clinician, patient, catalog):
    draft = make_note(clinician, patient)
    signed = sign(make_note(clinician, patient, complete=True), clinician)
    # Another session: two 64681 on one date of service are one unit too many.
    later = make_note(clinician, patient, complete=True, day=DOS + datetime.timedelta(days=14))
    amended = sign(later, clinician)
    Note.objects.filter(pk=amended.pk).update(status=Note.Status.AMENDED)
    assert _filtered(status="draft") == {draft.pk}
    assert _filtered(status="signed") == {signed.pk}
    assert _filtered(status="amended") == {amended.pk}


def test_it_filters_by_completeness(clinician, patient, catalog):
    complete = make_note(clinician, patient, complete=True)
    probe = make_note(clinician, patient, complete=True)
    one_missing = make_note_missing(clinician, patient, missing=required_keys(probe, 1))
    empty = make_note(clinician, patient)
    assert complete.completeness == 100
    assert 0 < one_missing.completeness < 100
    assert empty.completeness < one_missing.completeness
    assert _filtered(completeness="complete") == {complete.pk, probe.pk}
    assert _filtered(completeness="incomplete") == {one_missing.pk, empty.pk}
    assert _filtered(below=str(one_missing.completeness)) == {empty.pk}
    assert _filtered(below=str(one_missing.completeness + 1)) == {empty.pk, one_missing.pk}


def test_it_filters_by_open_queries(clinician, patient, manager, catalog):
    asked = make_note(clinician, patient)
    answered = make_note(clinician, patient)
    quiet = make_note(clinician, patient)
    queries.open_query(note=asked, manager=manager, message="Please document the agent.")
    closed = queries.open_query(note=answered, manager=manager, message="Laterality?")
    queries.withdraw_query(closed, manager=manager)
    assert _filtered(queries="open") == {asked.pk}
    assert _filtered(queries="none") == {answered.pk, quiet.pk}


def test_it_combines_filters(clinician, other_clinician, patient, catalog):
    target = make_note_missing(clinician, patient, place_of_service="11")
    make_note_missing(clinician, patient, place_of_service="24")
    make_note_missing(other_clinician, patient, place_of_service="11")
    assert _filtered(clinician=str(clinician.pk), place="11", status="draft") == {target.pk}


def test_it_keeps_filters_in_the_url(manager_client, clinician, other_clinician, patient, catalog):
    make_note(clinician, patient)
    make_note(other_clinician, patient)
    response = manager_client.get(URL, {"clinician": clinician.pk, "status": "draft"})
    assert response.context["total"].notes == 1
    # The links of the page carry the filters along (CSV, sort headers).
    assert f"clinician={clinician.pk}".encode() in response.content
    assert f"{reverse('review:notes-csv')}?clinician={clinician.pk}".encode() in (
        response.content.replace(b"&amp;", b"&")
    )


def test_it_counts_missing_elements_against_a_hand_computed_set(clinician, patient, catalog):
    probe = make_note(clinician, patient, complete=True)
    first, second = required_keys(probe, 2)
    # Four 64681 notes: the probe (complete), one missing both, two missing the first only.
    make_note_missing(clinician, patient, missing=[first, second])
    make_note_missing(clinician, patient, missing=[first])
    make_note_missing(clinician, patient, missing=[first])
    missing = selectors.missing_elements(Note.objects.all(), of=4)
    counts = {m.element_key: (m.notes, m.percent, m.requirement) for m in missing}
    assert counts == {first: (3, 75, "required"), second: (1, 25, "required")}
    assert [m.element_key for m in missing] == [first, second]


def test_it_counts_missing_elements_per_code(manager_client, clinician, patient, catalog):
    rf = make_note(clinician, patient, "64681", complete=True)
    key = required_keys(rf, 1)[0]
    make_note_missing(clinician, patient, "64681", missing=[key])
    other = make_note(clinician, patient, "64640", complete=True)
    other_key = required_keys(other, 1)[0]
    make_note_missing(clinician, patient, "64640", missing=[other_key])
    make_note_missing(clinician, patient, "64640", missing=[other_key])

    response = manager_client.get(URL, {"code": "64640"})
    missing = {m.element_key: (m.notes, m.of) for m in response.context["missing"]}
    assert missing == {other_key: (2, 3)}

    # Click-through: the notes of that code missing that element.
    response = manager_client.get(URL, {"code": "64640", "missing": other_key})
    assert response.context["total"].notes == 2


def test_it_summarises_completeness_drafts_and_days_to_sign(clinician, patient, catalog):
    today = timezone.localdate()
    signed = []
    for days_later in (0, 1, 3):
        note = sign(make_note(clinician, patient, complete=True), clinician)
        dos = today - datetime.timedelta(days=10)
        signed_at = timezone.make_aware(
            datetime.datetime.combine(
                dos + datetime.timedelta(days=days_later), datetime.time(23, 30)
            )
        )
        # Signed in the past: only possible with the guards lifted.
        with guards_dropped():
            Note.objects.filter(pk=note.pk).update(date_of_service=dos, signed_at=signed_at)
        signed.append(note)
    old_draft = make_note(clinician, patient)
    Note.objects.filter(pk=old_draft.pk).update(date_of_service=today - datetime.timedelta(days=9))
    new_draft = make_note(clinician, patient)
    Note.objects.filter(pk=new_draft.pk).update(date_of_service=today)

    total, per_clinician = selectors.by_clinician(
        Note.objects.all(), today=today, older_days=7, names={}
    )
    assert total.notes == 5
    assert total.complete == 3
    assert total.percent_complete == 60
    assert total.drafts == 2
    assert total.old_drafts == 1
    # 23:30 local is already the next day in UTC: days count in the practice's calendar.
    assert total.days_to_sign == {0: 1, 1: 1, 3: 1}
    assert total.median_days_to_sign == 1
    assert [g.notes for g in per_clinician] == [5]


def test_it_computes_a_median_from_a_histogram():
    assert selectors.median_from_histogram({}) is None
    assert selectors.median_from_histogram({2: 1}) == 2
    assert selectors.median_from_histogram({0: 1, 4: 1}) == 2
    assert selectors.median_from_histogram({0: 5, 1: 1, 9: 3}) == 0
    assert selectors.median_from_histogram({1: 2, 2: 2}) == 1.5


def test_it_sorts_the_notes_table(manager_client, clinician, patient, catalog):
    low = make_note(clinician, patient)
    high = make_note(clinician, patient, complete=True)
    response = manager_client.get(URL, {"sort": "complete"})
    assert [n.pk for n in response.context["page"].object_list] == [low.pk, high.pk]
    response = manager_client.get(URL, {"sort": "-complete"})
    assert [n.pk for n in response.context["page"].object_list] == [high.pk, low.pk]


def _dashboard_queries(client, params=None):
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return len(context.captured_queries), response


@pytest.mark.parametrize(
    "params", [{}, {"code": "64681", "status": "draft", "dos_from": "2026-01-01"}]
)
def test_it_runs_the_same_number_of_queries_for_50_and_500_notes(
    manager_client, clinician, patient, catalog, params
):
    template = make_note(clinician, patient, "64681")
    clone_notes(template, 49)
    at_50, response = _dashboard_queries(manager_client, params)
    assert response.context["total"].notes == 50
    clone_notes(template, 450)
    at_500, response = _dashboard_queries(manager_client, params)
    assert response.context["total"].notes == 500
    assert at_50 == at_500
    # Six for the dashboard itself; the rest is the session, the user, the role check and
    # the base template's context processors.
    assert at_500 <= 14


def test_it_reads_the_dashboard_in_six_queries(rf, manager, clinician, patient, catalog):
    from review.views import dashboard_data

    template = make_note(clinician, patient, "64681")
    clone_notes(template, 20)
    request = rf.get(URL, {"status": "draft"})
    request.user = manager
    with CaptureQueriesContext(connection) as context:
        data = dashboard_data(request)
        rows = list(data["page"].object_list)
    assert len(context.captured_queries) == 6
    assert len(rows) == 21
    assert data["per_code"][0].notes == 21


def test_it_never_rounds_up_to_complete_nor_down_to_none():
    assert selectors.Group("x", "x", notes=200, complete=199).percent_complete == 99
    assert selectors.Missing("k", "K", "required", notes=1, of=1000).percent == 1
    assert selectors.Missing("k", "K", "required", notes=999, of=1000).percent == 99
    assert selectors.Missing("k", "K", "required", notes=0, of=0).percent == 0


def test_an_invalid_filter_is_ignored_and_shown(manager_client, clinician, patient, catalog):
    make_note(clinician, patient)
    response = manager_client.get(URL, {"below": "lots", "status": "draft"})
    assert response.status_code == 200
    assert response.context["filter"].errors["below"]
    assert response.context["active"] == {"status": "draft"}
    assert response.context["total"].notes == 1


def test_most_often_missing_shows_the_top_twelve_and_links_to_all(
    manager_client, clinician, patient, catalog
):
    # An empty 64681 note misses every required and recommended element: more than 12.
    note = make_note(clinician, patient, "64681")
    everything = {gap.element_key for gap in note.gaps.all()}
    assert len(everything) > 12

    top = manager_client.get(URL)
    shown = [m.element_key for m in top.context["missing_shown"]]
    assert len(shown) == 12
    assert shown == [m.element_key for m in top.context["missing"]][:12]
    assert f"Show all {len(everything)} elements".encode() in top.content
    assert b"missing_all=1" in top.content

    full = manager_client.get(URL, {"missing_all": "1"})
    assert {m.element_key for m in full.context["missing_shown"]} == everything
    assert b"Show the top 12 only" in full.content


def test_a_note_row_shows_patient_codes_status_completeness_and_its_links(
    manager_client, manager, clinician, patient, catalog
):
    note = make_note(clinician, patient, "64640")
    queries.open_query(note=note, manager=manager, message="Please add the side.")
    page = manager_client.get(URL).content.decode()

    assert '<span class="fw-semibold">Testpatient, Zed</span>' in page
    assert "MRN TEST-0001" in page
    assert '<span class="badge text-bg-light border">64640</span>' in page
    assert '<span class="badge text-bg-warning">Draft</span>' in page
    assert "1 query</span>" in page
    assert f'aria-label="Completeness of note {note.pk}">{note.completeness}%' in page
    assert f'href="/notes/{note.pk}/"' in page
    assert f'href="/review/notes/{note.pk}/queries/new/?next=%2Freview%2F"' in page


def test_a_note_row_escapes_what_was_typed(manager_client, clinician, patient, catalog):
    patient.last_name = "O'Brien <b>"
    patient.mrn = 'A&B"1'
    patient.save()
    make_note(clinician, patient, "64640")
    page = manager_client.get(URL).content.decode()

    assert '<span class="fw-semibold">O&#x27;Brien &lt;b&gt;, Zed</span>' in page
    assert "MRN A&amp;B&quot;1</div>" in page
    assert "<b>" not in page


def test_the_tables_link_each_row_to_its_filter_and_keep_the_others(
    manager_client, clinician, patient, catalog
):
    clinician.last_name = "Testdoc <MD>"
    clinician.save()
    make_note(clinician, patient, "64640")
    make_note(clinician, patient, "64643")
    page = manager_client.get(URL, {"status": "draft", "sort": "patient", "page": "1"})
    html = page.content.decode()

    # By clinician: the name escaped, the link keeps the filters and drops the page.
    assert (
        f'<td><a href="?status=draft&amp;sort=patient&amp;clinician={clinician.pk}">'
        "Alice Testdoc &lt;MD&gt;</a></td>" in html
    )
    # By code and its tab; the share of complete notes with its label.
    assert '<a href="?status=draft&amp;sort=patient&amp;code=64640" title="' in html
    assert 'aria-label="64640: 0% complete"></progress>' in html
    assert '<a class="nav-link active" href="?status=draft&amp;sort=patient">All codes</a>' in html
    # The sorted column says so and links to the reverse order; the others sort ascending.
    assert (
        '<th scope="col" aria-sort="ascending"><a class="review-sort link-body-emphasis '
        'text-decoration-none" href="?status=draft&amp;sort=-patient#notes-heading">Patient '
        '<span aria-hidden="true">▲</span></a></th>' in html
    )
    assert 'href="?status=draft&amp;sort=age#notes-heading">Age</a></th>' in html
    # The missing elements link to their notes.
    assert "&amp;missing=" in html and "#notes-heading" in html
