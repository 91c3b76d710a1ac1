"""Bulk PDF export: start a job from the dashboard's filters, follow it, cancel, download."""

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.models import AuditEvent
from checklists.models import Note

from . import exports, tasks
from .access import manager_required
from .filters import NoteFilter
from .models import ExportJob


def _job_for(request, pk) -> ExportJob:
    # A zip of notes is health data: only the manager who asked for it sees it.
    return get_object_or_404(ExportJob, pk=pk, created_by=request.user)


def _describe(filterset) -> str:
    active = filterset.active()
    if not active:
        return "All notes"
    return "; ".join(f"{filterset.filters[k].label or k}: {v}" for k, v in active.items())


@require_POST
@manager_required
def export_new(request):
    exports.purge_expired()
    filterset = NoteFilter(request.POST or None, queryset=Note.objects.all())
    if filterset.is_bound and filterset.errors:
        messages.error(request, "Correct the filters first: some are not valid.")
        return redirect("review:dashboard")
    filters = filterset.active()
    total = filterset.qs.count()
    if not total:
        messages.warning(request, "No note matches these filters: nothing to export.")
        return redirect("review:dashboard")
    limit = exports.max_notes()
    if total > limit:
        messages.error(
            request,
            f"{total} notes match: a bulk PDF export takes at most {limit}. "
            "Narrow the filters (a date range, a clinician) and try again.",
        )
        return redirect("review:dashboard")
    with transaction.atomic():
        job = ExportJob.objects.create(
            created_by=request.user,
            filters=filters,
            description=_describe(filterset)[:300],
            total=total,
        )
        result = tasks.build_pdf_zip.enqueue(job.pk)
        job.task_id = str(result.id)
        job.save(update_fields=["task_id"])
        AuditEvent.objects.record(
            "export.pdf_bulk",
            actor=request.user,
            request=request,
            job=job.pk,
            notes=total,
            filters=filters,
        )
    return redirect(job)


@manager_required
def export_list(request):
    jobs = ExportJob.objects.filter(created_by=request.user)[:50]
    return render(request, "review/export_list.html", {"jobs": jobs})


@manager_required
def export_detail(request, pk):
    job = _job_for(request, pk)
    return render(request, "review/export_detail.html", {"job": job})


@manager_required
def export_progress(request, pk):
    job = _job_for(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_display": job.get_status_display(),
            "done": job.done,
            "failed": job.failed,
            "processed": job.processed,
            "total": job.total,
            "percent": job.percent,
            "finished": job.is_finished,
            "cancel_requested": job.cancel_requested,
        }
    )


@require_POST
@manager_required
def export_cancel(request, pk):
    job = _job_for(request, pk)
    if not job.is_finished:
        # Queued: it never starts. Running: the worker stops at its next progress write.
        ExportJob.objects.filter(pk=job.pk).update(cancel_requested=True)
        ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.QUEUED).update(
            status=ExportJob.Status.CANCELLED, finished_at=timezone.now()
        )
        messages.info(request, "Export cancelled.")
    return redirect(job)


@manager_required
def export_download(request, pk):
    job = _job_for(request, pk)
    path = exports.file_path(job) if job.status == ExportJob.Status.DONE else None
    if path is None or (job.expires_at and job.expires_at <= timezone.now()):
        raise Http404("This export is not available (expired or not finished).")
    AuditEvent.objects.record(
        "export.pdf_bulk", actor=request.user, request=request, job=job.pk, downloaded=True
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
