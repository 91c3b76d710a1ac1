"""Bulk PDF export: a zip of the filtered notes' PDFs, built by the background worker.

The job row (review.models.ExportJob) is the source of truth for progress, cancellation
and the file; the task queue only starts the work. A note whose PDF fails is listed in the
zip's manifest.csv and the export goes on. Files are deleted when they expire.
"""

import csv
import datetime
import io
import logging
import multiprocessing as mp
import os
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from django import db
from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from checklists.models import CodeLine, Note
from config.private_files import opener, private_dir

from .filters import NoteFilter
from .models import ExportJob

logger = logging.getLogger(__name__)

# Progress is written at most this often (seconds): cheap for the database, and a
# progress bar polled every second still moves.
PROGRESS_EVERY = 0.5
CHUNK = 25
# Small chunks for the pool, so progress moves evenly and both processes stay busy.
POOL_CHUNK = 4
MANIFEST_HEADER = ["note_id", "file", "result", "patient", "mrn", "date_of_service", "codes"]


def export_dir() -> Path:
    return private_dir(getattr(settings, "REVIEW_EXPORT_DIR", settings.VAR_DIR / "exports"))


def retention() -> datetime.timedelta:
    return datetime.timedelta(hours=getattr(settings, "REVIEW_EXPORT_RETENTION_HOURS", 24))


def max_notes() -> int:
    return getattr(settings, "REVIEW_BULK_PDF_MAX_NOTES", 5000)


def notes_for(filters: dict):
    """The notes a job exports: the dashboard's filters, applied again in the worker."""
    filterset = NoteFilter(filters or None, queryset=Note.objects.all())
    return filterset.qs.order_by("date_of_service", "pk")


def processes() -> int:
    """Rendering processes per export: WeasyPrint is CPU-bound and single-threaded."""
    default = min(2, os.cpu_count() or 1)
    return max(1, int(getattr(settings, "REVIEW_EXPORT_PROCESSES", default)))


def _file_name(note) -> str:
    return f"{note.date_of_service.isoformat()}_{note.patient.mrn}_note-{note.pk}.pdf"


def render_chunk(ids, render=None) -> list[tuple[list, bytes | None]]:
    """PDFs of these notes: [(manifest row, pdf bytes or None when it failed), ...]."""
    if render is None:
        # Imported here: only the worker needs WeasyPrint loaded.
        from checklists.pdf.render import render_note_pdf as render
    notes = (
        Note.objects.filter(pk__in=ids)
        .select_related("patient", "clinician", "signed_by")
        # Each distinct catalog snapshot read and decoded once for the chunk.
        .prefetch_related(
            Prefetch("lines", queryset=CodeLine.objects.order_by("position")), "snapshot"
        )
        .order_by("date_of_service", "pk")
    )
    rendered = []
    for note in notes:
        row = [
            note.pk,
            _file_name(note),
            "ok",
            note.patient.full_name,
            note.patient.mrn,
            note.date_of_service.isoformat(),
            " ".join(line.code for line in note.lines.all()),
        ]
        try:
            pdf = render(note)
        except Exception as error:  # one bad note must not sink the export
            logger.exception("PDF of note %s failed", note.pk)
            row[1] = ""
            row[2] = f"failed: {type(error).__name__}: {error}"[:500]
            pdf = None
        rendered.append((row, pdf))
    return rendered


def _chunks(ids, size):
    return [ids[start : start + size] for start in range(0, len(ids), size)]


class _Rendered:
    """Rendered chunks in order: in this process, or in a small pool of forked ones."""

    def __init__(self, ids, render):
        self.pool = None
        if render is None and processes() > 1 and "fork" in mp.get_all_start_methods():
            # Children open their own database connections: none may be shared.
            db.connections.close_all()
            self.pool = ProcessPoolExecutor(processes(), mp_context=mp.get_context("fork"))
            self.results = self.pool.map(render_chunk, _chunks(ids, POOL_CHUNK))
        else:
            self.results = (render_chunk(chunk, render) for chunk in _chunks(ids, CHUNK))

    def __iter__(self):
        for chunk in self.results:
            yield from chunk

    def close(self):
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


class Progress:
    """Writes N of M to the job row now and then, and tells whether to stop."""

    def __init__(self, job):
        self.job = job
        self.last = 0.0

    def update(self) -> bool:
        """Save progress (at most every PROGRESS_EVERY s); True when asked to cancel."""
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY:
            return False
        self.last = now
        ExportJob.objects.filter(pk=self.job.pk).update(done=self.job.done, failed=self.job.failed)
        return ExportJob.objects.filter(pk=self.job.pk, cancel_requested=True).exists()


def _mark(job, **fields):
    for name, value in fields.items():
        setattr(job, name, value)
    ExportJob.objects.filter(pk=job.pk).update(**fields)


def build_zip(job_id: int, *, render=None) -> str:
    """Run one export job to the end (or to its cancellation). Returns its final status."""
    job = ExportJob.objects.get(pk=job_id)
    if job.status != ExportJob.Status.QUEUED:
        return job.status
    if job.cancel_requested:
        _mark(job, status=ExportJob.Status.CANCELLED, finished_at=timezone.now())
        return job.status
    ids = list(notes_for(job.filters).values_list("pk", flat=True)[: max_notes()])
    _mark(job, status=ExportJob.Status.RUNNING, started_at=timezone.now(), total=len(ids))
    final = export_dir() / f"notes-{job.pk}-{timezone.now():%Y%m%d-%H%M%S}.zip"
    partial = final.with_suffix(".partial")
    progress = Progress(job)
    cancelled = False
    rendered = None
    try:
        with (
            open(partial, "wb", opener=opener) as raw,
            zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            manifest = io.StringIO()
            writer = csv.writer(manifest)
            writer.writerow(MANIFEST_HEADER)
            rendered = _Rendered(ids, render)
            for row, pdf in rendered:
                if pdf is None:
                    job.failed += 1
                else:
                    # PDFs are compressed already: store them as they are.
                    archive.writestr(row[1], pdf, compress_type=zipfile.ZIP_STORED)
                    job.done += 1
                writer.writerow(row)
                if progress.update():
                    cancelled = True
                    break
            rendered.close()
            archive.writestr("manifest.csv", "\ufeff" + manifest.getvalue())
        if cancelled:
            partial.unlink(missing_ok=True)
            _mark(
                job,
                status=ExportJob.Status.CANCELLED,
                finished_at=timezone.now(),
                done=job.done,
                failed=job.failed,
            )
            return job.status
        partial.rename(final)
    except Exception as error:
        if rendered is not None:
            rendered.close()
        partial.unlink(missing_ok=True)
        logger.exception("Export %s failed", job.pk)
        _mark(
            job,
            status=ExportJob.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}"[:2000],
            done=job.done,
            failed=job.failed,
        )
        return job.status
    finished = timezone.now()
    _mark(
        job,
        status=ExportJob.Status.DONE,
        finished_at=finished,
        expires_at=finished + retention(),
        file_name=final.name,
        file_size=final.stat().st_size,
        done=job.done,
        failed=job.failed,
    )
    return job.status


def file_path(job) -> Path | None:
    if not job.file_name:
        return None
    path = export_dir() / job.file_name
    return path if path.is_file() else None


def purge_expired(now=None) -> int:
    """Delete the files of expired exports; the rows stay, marked expired, as a record."""
    now = now or timezone.now()
    expired = ExportJob.objects.filter(status=ExportJob.Status.DONE, expires_at__lte=now)
    count = 0
    for job in expired:
        path = export_dir() / job.file_name if job.file_name else None
        if path is not None:
            path.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.EXPIRED)
        count += 1
    # Left behind by a worker that died mid-export.
    cutoff = time.time() - retention().total_seconds()
    for stale in export_dir().glob("*.partial"):
        if stale.stat().st_mtime < cutoff:
            stale.unlink(missing_ok=True)
    return count
