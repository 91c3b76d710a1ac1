import csv
import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from review import exports
from review.models import ExportJob
from tests.notes import make_note, sign

from .worker import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def export_dir(settings, tmp_path):
    settings.REVIEW_EXPORT_DIR = tmp_path / "exports"
    settings.REVIEW_EXPORT_PROCESSES = 1
    return settings.REVIEW_EXPORT_DIR


def _job(manager, **filters):
    return ExportJob.objects.create(created_by=manager, filters=filters)


def _fake_pdf(note):
    if note.patient.mrn == "BROKEN":
        raise RuntimeError("layout failed")
    return b"%PDF-1.7 fake " + str(note.pk).encode()


def _manifest(archive):
    text = archive.read("manifest.csv").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_it_zips_the_filtered_notes_and_lists_a_failed_note_in_the_manifest(
    manager, clinician, patient, export_dir, catalog
):
    from practice.models import Patient

    broken = Patient.objects.create(
        first_name="Broken", last_name="Testpatient", date_of_birth="1970-01-01", mrn="BROKEN"
    )
    good = make_note(clinician, patient, "64681")
    bad = make_note(clinician, broken, "64681")
    make_note(clinician, patient, "64640")
    job = _job(manager, code="64681")

    assert exports.build_zip(job.pk, render=_fake_pdf) == "done"
    job.refresh_from_db()
    assert (job.total, job.done, job.failed) == (2, 1, 1)
    assert job.expires_at > timezone.now()
    with zipfile.ZipFile(exports.file_path(job)) as archive:
        names = archive.namelist()
        manifest = _manifest(archive)
    assert names == [f"2026-11-02_TEST-0001_note-{good.pk}.pdf", "manifest.csv"]
    results = {int(row["note_id"]): row["result"] for row in manifest}
    assert results[good.pk] == "ok"
    assert results[bad.pk] == "failed: RuntimeError: layout failed"


def test_it_stops_when_the_manager_cancels(manager, clinician, patient, export_dir, catalog):
    for _ in range(3):
        make_note(clinician, patient)
    job = _job(manager)

    def cancel_after_first(note):
        ExportJob.objects.filter(pk=job.pk).update(cancel_requested=True)
        return b"%PDF"

    assert exports.build_zip(job.pk, render=cancel_after_first) == "cancelled"
    job.refresh_from_db()
    assert job.processed == 1
    assert not list(export_dir.iterdir())


def test_a_job_cancelled_while_queued_never_runs(
    manager_client, manager, clinician, patient, export_dir, catalog
):
    make_note(clinician, patient)
    job = _job(manager)
    manager_client.post(reverse("review:export-cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "cancelled"
    assert exports.build_zip(job.pk, render=_fake_pdf) == "cancelled"


def test_expired_files_are_deleted(manager, clinician, patient, export_dir, catalog):
    make_note(clinician, patient)
    job = _job(manager)
    exports.build_zip(job.pk, render=_fake_pdf)
    job.refresh_from_db()
    path = exports.file_path(job)
    assert path.exists()
    assert exports.purge_expired(now=job.expires_at - datetime.timedelta(minutes=1)) == 0
    assert exports.purge_expired(now=job.expires_at + datetime.timedelta(minutes=1)) == 1
    assert not path.exists()
    job.refresh_from_db()
    assert job.status == "expired"


def test_a_manager_starts_follows_and_downloads_an_export(
    manager_client, manager, clinician, patient, export_dir, catalog
):
    note = make_note(clinician, patient)
    response = manager_client.post(reverse("review:export-new"), {"status": "draft"})
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    assert job.filters == {"status": "draft"}
    assert job.total == 1
    assert job.task_id
    assert AuditEvent.objects.filter(action="export.pdf_bulk", actor=manager).exists()

    progress = manager_client.get(reverse("review:export-progress", args=[job.pk])).json()
    assert progress["status"] == "queued"
    assert (progress["processed"], progress["total"]) == (0, 1)

    exports.build_zip(job.pk, render=_fake_pdf)
    progress = manager_client.get(reverse("review:export-progress", args=[job.pk])).json()
    assert (progress["processed"], progress["total"], progress["finished"]) == (1, 1, True)
    page = manager_client.get(job.get_absolute_url())
    assert b"Download zip" in page.content
    download = manager_client.get(reverse("review:export-download", args=[job.pk]))
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        assert f"note-{note.pk}.pdf" in archive.namelist()[0]


def test_another_manager_cannot_see_my_export(client, manager, clinician, patient, catalog):
    from django.contrib.auth.models import Group, User

    from practice.roles import MANAGER

    job = _job(manager)
    other = User.objects.create_user("other-manager", password="x" * 16)
    other.groups.add(Group.objects.get(name=MANAGER))
    client.force_login(other)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("review:export-download", args=[job.pk])).status_code == 404


def test_a_clinician_cannot_export(clinician_client, catalog):
    assert clinician_client.post(reverse("review:export-new")).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_bulk_export_runs_in_a_real_worker_process(
    manager_client, manager, clinician, patient, tmp_path, catalog
):
    """End to end: the view enqueues, `manage.py db_worker` renders real PDFs and zips them."""
    draft = make_note(clinician, patient, "64681")
    signed = sign(make_note(clinician, patient, "64643", complete=True), clinician)
    export_dir = tmp_path / "exports"

    manager_client.post(reverse("review:export-new"), {})
    job = ExportJob.objects.get()
    process = run_worker(tmp_path, export_dir=export_dir)
    assert process.returncode == 0, process.stderr[-3000:]

    job.refresh_from_db()
    assert job.status == "done", job.error
    assert (job.done, job.failed, job.total) == (2, 0, 2)
    with zipfile.ZipFile(export_dir / job.file_name) as archive:
        pdfs = sorted(name for name in archive.namelist() if name.endswith(".pdf"))
        assert [name.rsplit("-", 1)[-1] for name in pdfs] == sorted(
            [f"{draft.pk}.pdf", f"{signed.pk}.pdf"]
        )
        assert all(archive.read(name).startswith(b"%PDF") for name in pdfs)
        assert [row["result"] for row in _manifest(archive)] == ["ok", "ok"]


def test_it_refuses_an_export_over_the_limit(
    manager_client, clinician, patient, settings, catalog
):
    settings.REVIEW_BULK_PDF_MAX_NOTES = 1
    make_note(clinician, patient)
    make_note(clinician, patient)
    response = manager_client.post(reverse("review:export-new"), {}, follow=True)
    assert not ExportJob.objects.exists()
    assert b"at most 1" in response.content


def test_it_refuses_an_export_with_invalid_filters(manager_client, clinician, patient, catalog):
    make_note(clinician, patient)
    manager_client.post(reverse("review:export-new"), {"below": "lots"})
    assert not ExportJob.objects.exists()
