"""The signed note's PDF is rendered once, stored with its SHA-256 and served as stored."""

import hashlib

import pytest
from django.db import connection
from django.urls import reverse

from audit.models import AuditEvent
from checklists import services, signed_pdfs
from checklists.models import Note, SignedPdf
from checklists.tasks import store_signed_pdf
from tests.notes import make_note, sign

from .test_pdf_note import page_texts, refetch

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_note(catalog, clinician, patient):
    return refetch(sign(make_note(clinician, patient, "64681", complete=True), clinician))


def _download(client, note, **params):
    response = client.get(reverse("checklists:note-pdf", args=[note.pk]), params)
    assert response.status_code == 200, response.status_code
    return response.content


def test_signing_asks_the_worker_to_store_the_pdf_once_it_commits(
    catalog, clinician, patient, django_capture_on_commit_callbacks
):
    note = make_note(clinician, patient, "64681", complete=True)
    with django_capture_on_commit_callbacks() as callbacks:
        sign(note, clinician)
    assert len(callbacks) == 1
    assert not SignedPdf.objects.exists()

    assert store_signed_pdf.call(note.pk) == 1

    stored = SignedPdf.objects.get(note=note)
    pdf = stored.file.read()
    assert stored.version == 1
    assert stored.sha256 == hashlib.sha256(pdf).hexdigest()
    assert stored.size == len(pdf)
    assert "Content SHA-256" in " ".join(page_texts(pdf))


def test_every_download_serves_the_same_stored_bytes(clinician_client, signed_note):
    store_signed_pdf.call(signed_note.pk)
    stored = SignedPdf.objects.get(note=signed_note)

    first = _download(clinician_client, signed_note)
    second = _download(clinician_client, signed_note)

    assert first == second
    assert hashlib.sha256(first).hexdigest() == stored.sha256
    assert SignedPdf.objects.count() == 1
    events = AuditEvent.objects.filter(action="note.pdf", note=signed_note)
    assert [(e.detail["version"], e.detail["sha256"]) for e in events] == [
        (1, stored.sha256),
        (1, stored.sha256),
    ]


def test_the_first_download_stores_the_pdf_when_the_worker_has_not(clinician_client, signed_note):
    first = _download(clinician_client, signed_note)

    stored = SignedPdf.objects.get(note=signed_note)
    assert hashlib.sha256(first).hexdigest() == stored.sha256
    assert _download(clinician_client, signed_note) == first


@pytest.fixture
def immediate_worker(settings):
    """Tasks run as soon as they are enqueued, as a worker right behind the app would."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_an_addendum_stores_a_new_version_and_keeps_the_original(
    clinician_client, clinician, signed_note, django_capture_on_commit_callbacks, immediate_worker
):
    original = _download(clinician_client, signed_note)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_addendum(
            signed_note, author=clinician, reason="Late entry", text="Called: pain 2/10."
        )

    assert list(SignedPdf.objects.values_list("version", flat=True)) == [1, 2]
    latest = _download(clinician_client, signed_note)
    assert "Called: pain 2/10." in " ".join(page_texts(latest))
    assert "Called: pain 2/10." not in " ".join(page_texts(original))
    assert _download(clinician_client, signed_note, version=1) == original
    assert _download(clinician_client, signed_note, version=2) == latest


def test_an_unknown_version_is_not_found(clinician_client, signed_note):
    url = reverse("checklists:note-pdf", args=[signed_note.pk])
    assert clinician_client.get(url, {"version": "7"}).status_code == 404
    assert clinician_client.get(url, {"version": "one"}).status_code == 404


def test_a_draft_renders_live_and_stores_nothing(clinician_client, catalog, clinician, patient):
    draft = make_note(clinician, patient, "64681")
    pdf = _download(clinician_client, draft)
    assert "DRAFT" in " ".join(page_texts(pdf))
    assert not SignedPdf.objects.exists()


def test_a_stored_pdf_altered_in_storage_is_refused(clinician_client, signed_note):
    stored = signed_pdfs.current(signed_note)
    with stored.file.storage.open(stored.file.name, "wb") as file:
        file.write(b"%PDF-1.7 not what was stored")
    with pytest.raises(signed_pdfs.StoredPdfAltered):
        signed_pdfs.read(SignedPdf.objects.get(pk=stored.pk))


def test_a_stored_download_reads_no_catalog_and_runs_few_queries(
    clinician_client, signed_note, django_assert_num_queries
):
    store_signed_pdf.call(signed_note.pk)
    url = reverse("checklists:note-pdf", args=[signed_note.pk])
    clinician_client.get(url)  # the session and permission caches warmed
    # session, user, permissions (one query, with the roles), then one query for the stored
    # version the reader may read (access check and addenda count inside it), then the audit
    # event: its transaction, the last hmac and the insert, and the commit (PostgreSQL also
    # counts the advisory lock). No lines, no snapshot.
    expected = 8 if connection.vendor == "sqlite" else 9
    with django_assert_num_queries(expected) as context:
        clinician_client.get(url)
    sql = " ".join(query["sql"] for query in context.captured_queries)
    assert "checklists_catalogsnapshot" not in sql
    assert "checklists_codeline" not in sql


def test_a_stored_pdf_is_refused_to_whoever_may_not_read_the_note(
    client, other_clinician, signed_note, settings
):
    store_signed_pdf.call(signed_note.pk)
    url = reverse("checklists:note-pdf", args=[signed_note.pk])
    settings.CLINICIAN_READ_SCOPE = "own"  # Bob reads his own notes only
    client.force_login(other_clinician)
    assert client.get(url).status_code == 404
    assert client.get(url, {"version": 1}).status_code == 404
    other_clinician.groups.clear()  # no role at all
    client.force_login(other_clinician)
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="note.pdf").exists()


def test_it_stores_one_version_when_two_readers_race(signed_note):
    winner = signed_pdfs.current(refetch(signed_note))
    # A reader that looked before the winner stored its PDF renders and stores too.
    loser = signed_pdfs._render_and_store(refetch(signed_note), 1)

    assert loser.pk == winner.pk
    assert Note.objects.get(pk=signed_note.pk).signed_pdfs.count() == 1
    folder = winner.file.storage.listdir(f"note-{signed_note.pk}")[1]
    assert folder == [winner.file.name.split("/")[-1]]


def test_a_bulk_export_zips_the_stored_bytes(
    clinician_client, manager, signed_note, settings, tmp_path
):
    import zipfile

    from review import exports
    from review.models import ExportJob

    settings.REVIEW_EXPORT_DIR = tmp_path / "exports"
    settings.REVIEW_EXPORT_PROCESSES = 1
    downloaded = _download(clinician_client, signed_note)
    job = ExportJob.objects.create(created_by=manager, filters={"status": "signed"})

    assert exports.build_zip(job.pk) == "done"

    job.refresh_from_db()
    with zipfile.ZipFile(exports.file_path(job)) as archive:
        assert archive.read(archive.namelist()[0]) == downloaded
    assert SignedPdf.objects.count() == 1


def test_store_signed_pdfs_stores_what_is_missing_and_nothing_twice(
    signed_note, clinician, patient
):
    from io import StringIO

    from django.core.management import call_command

    draft = make_note(clinician, patient, "64681")
    out = StringIO()
    call_command("store_signed_pdfs", stdout=out)
    assert out.getvalue().strip() == "1 signed note PDF(s) stored."
    assert list(SignedPdf.objects.values_list("note_id", "version")) == [(signed_note.pk, 1)]
    assert not draft.signed_pdfs.exists()

    call_command("store_signed_pdfs", stdout=out)
    assert out.getvalue().strip().endswith("0 signed note PDF(s) stored.")
