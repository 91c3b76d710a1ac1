"""Background tasks (django-tasks, database backend; `manage.py db_worker` runs them)."""

from django_tasks import task

from . import exports
from .models import ExportJob


@task()
def build_pdf_zip(job_id: int) -> str:
    status = exports.build_zip(job_id)
    job = ExportJob.objects.get(pk=job_id)
    if job.expires_at:
        # The worker deletes the file when it expires (purge_exports does it too).
        purge_expired_exports.using(run_after=job.expires_at).enqueue()
    return status


@task()
def purge_expired_exports() -> int:
    return exports.purge_expired()
