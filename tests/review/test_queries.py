import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from audit.models import AuditEvent
from checklists import services
from checklists.models import Note
from review import queries
from review.models import DocumentationQuery
from review.selectors import with_open_query_count
from tests.notes import make_note, sign

from .helpers import make_note_missing, required_keys

pytestmark = pytest.mark.django_db


def _render(template, user, **context):
    request = RequestFactory().get("/notes/")
    request.user = user
    return Template("{% load review_tags %}" + template).render(
        Context({"request": request, **context})
    )


def test_a_manager_opens_a_query_naming_missing_elements(
    manager_client, manager, clinician, patient, catalog
):
    probe = make_note(clinician, patient, complete=True)
    first, second = required_keys(probe, 2)
    note = make_note_missing(clinician, patient, missing=[first, second])
    url = reverse("review:query-new", args=[note.pk])
    response = manager_client.get(url)
    assert response.status_code == 200
    assert {key for key, _ in response.context["form"].fields["elements"].choices} == {
        first,
        second,
    }

    response = manager_client.post(
        url, {"message": "Please document the contrast used.", "elements": [first]}
    )
    assert response.status_code == 302
    query = DocumentationQuery.objects.get()
    assert query.note == note
    assert query.opened_by == manager
    assert query.is_open
    assert query.element_keys == [first]
    assert AuditEvent.objects.filter(action="query.open", note=note, actor=manager).exists()


def test_opening_a_query_never_changes_the_note(manager, clinician, patient, catalog):
    note = make_note(clinician, patient)
    before = Note.objects.values("answers", "version", "status", "updated_at").get(pk=note.pk)
    queries.open_query(note=note, manager=manager, message="Which level?")
    assert Note.objects.values("answers", "version", "status", "updated_at").get(pk=note.pk) == (
        before
    )


def test_a_clinician_cannot_open_or_list_queries(clinician_client, clinician, patient, catalog):
    note = make_note(clinician, patient)
    assert clinician_client.get(reverse("review:query-new", args=[note.pk])).status_code == 403
    assert clinician_client.post(
        reverse("review:query-new", args=[note.pk]), {"message": "x"}
    ).status_code == (403)
    assert clinician_client.get(reverse("review:query-list")).status_code == 403
    assert not DocumentationQuery.objects.exists()


def test_the_clinician_sees_open_queries_on_the_note_and_in_the_list(
    manager, clinician, patient, catalog
):
    note = make_note(clinician, patient)
    queries.open_query(note=note, manager=manager, message="Please add the pain score.")
    html = _render("{% open_queries_for_note note %}", clinician, note=note)
    assert "Please add the pain score." in html
    assert "Complete the draft and sign it" in html
    badge = _render("{% open_queries_badge note %}", clinician, note=note)
    assert "1 open query" in badge
    annotated = with_open_query_count(Note.objects.filter(pk=note.pk)).get()
    assert annotated.open_query_count == 1


def test_documenting_the_named_elements_closes_the_query(manager, clinician, patient, catalog):
    probe = make_note(clinician, patient, complete=True)
    first, second = required_keys(probe, 2)
    note = make_note_missing(clinician, patient, missing=[first, second])
    query = queries.open_query(
        note=note, manager=manager, message="Document both.", element_keys=[first, second]
    )
    # Documenting one of the two leaves it open.
    answers = dict(note.answers) | {first: probe.answers[first]}
    note = services.save_note(note, version=note.version, answers=answers, actor=clinician)
    query.refresh_from_db()
    assert query.is_open

    answers |= {second: probe.answers[second]}
    services.save_note(note, version=note.version, answers=answers, actor=clinician)
    query.refresh_from_db()
    assert not query.is_open
    assert query.closed_by == clinician
    assert query.closed_at is not None
    assert query.resolution == DocumentationQuery.Resolution.DOCUMENTED
    assert AuditEvent.objects.filter(action="query.close", actor=clinician).exists()


def test_signing_closes_a_query_that_names_no_element(manager, clinician, patient, catalog):
    note = make_note(clinician, patient, complete=True)
    query = queries.open_query(note=note, manager=manager, message="Please sign this.")
    sign(note, clinician)
    query.refresh_from_db()
    assert query.resolution == DocumentationQuery.Resolution.SIGNED
    assert query.closed_by == clinician


def test_an_addendum_closes_a_query_on_a_signed_note(
    manager, clinician, clinician_client, patient, catalog
):
    note = sign(make_note(clinician, patient, complete=True), clinician)
    key = required_keys(note, 1)[0]
    query = queries.open_query(
        note=note, manager=manager, message="The level looks wrong.", element_keys=[key]
    )
    html = _render(
        "{% open_queries_for_note note %}", clinician, note=Note.objects.get(pk=note.pk)
    )
    assert "answer with an addendum" in html

    response = clinician_client.post(
        reverse("checklists:addendum-new", args=[note.pk]),
        {"reason": "Correction", "text": "The level was L4-L5."},
    )
    assert response.status_code == 302
    query.refresh_from_db()
    assert query.resolution == DocumentationQuery.Resolution.ADDENDUM
    assert query.closed_by == clinician


def test_a_manager_sees_open_and_closed_queries_with_their_age(
    manager_client, manager, clinician, patient, catalog
):
    note = make_note(clinician, patient)
    open_one = queries.open_query(note=note, manager=manager, message="Open one")
    closed = queries.open_query(note=note, manager=manager, message="Closed one")
    queries.withdraw_query(closed, manager=manager)
    response = manager_client.get(reverse("review:query-list"))
    assert [q.pk for q in response.context["page"].object_list] == [open_one.pk]
    assert response.context["counts"] == {"open": 1, "closed": 1}
    response = manager_client.get(reverse("review:query-list"), {"state": "closed"})
    assert [q.pk for q in response.context["page"].object_list] == [closed.pk]
    assert b"Withdrawn by a manager" in response.content


def test_a_manager_withdraws_a_query(manager_client, manager, clinician, patient, catalog):
    note = make_note(clinician, patient)
    query = queries.open_query(note=note, manager=manager, message="Never mind")
    response = manager_client.post(reverse("review:query-withdraw", args=[query.pk]))
    assert response.status_code == 302
    query.refresh_from_db()
    assert query.resolution == DocumentationQuery.Resolution.WITHDRAWN
    assert query.closed_by == manager


def test_a_manager_cannot_edit_clinical_content(manager_client, clinician, patient, catalog):
    draft = make_note(clinician, patient)
    signed = sign(make_note(clinician, patient, complete=True), clinician)
    before = Note.objects.values("answers", "version").get(pk=draft.pk)
    assert manager_client.get(reverse("checklists:note-edit", args=[draft.pk])).status_code == 403
    assert (
        manager_client.post(
            reverse("checklists:note-edit", args=[draft.pk]), {"version": draft.version}
        ).status_code
        == 403
    )
    assert (
        manager_client.post(reverse("checklists:note-autosave", args=[draft.pk])).status_code
        == 403
    )
    assert manager_client.get(reverse("checklists:note-sign", args=[draft.pk])).status_code == 403
    assert (
        manager_client.post(
            reverse("checklists:addendum-new", args=[signed.pk]), {"reason": "x", "text": "y"}
        ).status_code
        == 403
    )
    assert Note.objects.values("answers", "version").get(pk=draft.pk) == before
    assert not signed.addenda.exists()
