from django.core.management.base import BaseCommand
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from checklists import signed_pdfs
from checklists.models import Addendum, Note, SignedPdf


class Command(BaseCommand):
    help = (
        "Render and store the PDF of every signed note that has none for its current version "
        "(notes signed before stored PDFs, or while the worker was down). Safe to rerun."
    )

    def handle(self, *args, **options):
        addenda = (
            Addendum.objects.filter(note=OuterRef("pk"))
            .order_by()
            .values("note")
            .annotate(n=Count("pk"))
            .values("n")
        )
        version = Coalesce(Subquery(addenda, output_field=IntegerField()), Value(0)) + 1
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
