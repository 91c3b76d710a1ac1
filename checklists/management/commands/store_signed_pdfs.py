from django.core.management.base import BaseCommand
from django.db.models import Exists, OuterRef

from checklists import signed_pdfs
from checklists.models import Note, SignedPdf


class Command(BaseCommand):
    help = (
        "Render and store the PDF of every signed note that has none for its current version "
        "(notes signed before stored PDFs, or while the worker was down). Safe to rerun."
    )

    def handle(self, *args, **options):
        version = signed_pdfs.current_version_in_sql(OuterRef("pk"))
        stored = SignedPdf.objects.filter(note=OuterRef("pk"), version=OuterRef("pdf_version"))
        pending = (
            Note.objects.signed()
            .annotate(pdf_version=version)
            .exclude(Exists(stored))
            .select_related("patient", "clinician", "signed_by", "snapshot")
            .prefetch_related("lines")
            .order_by("pk")
        )
        count = 0
        for note in pending.iterator(chunk_size=100):
            signed_pdfs.current(note)
            count += 1
        self.stdout.write(f"{count} signed note PDF(s) stored.")
