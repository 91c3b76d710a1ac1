"""Background tasks of the notes app (django-tasks; `manage.py db_worker` runs them)."""

from django_tasks import task

from . import signed_pdfs
from .models import Note


@task()
def store_signed_pdf(note_id: int) -> int:
    """Render and store the signed note's current PDF; returns the version stored."""
    note = (
        Note.objects.select_related("patient", "clinician", "signed_by", "snapshot")
        .prefetch_related("lines")
        .get(pk=note_id)
    )
    return signed_pdfs.current(note).version
