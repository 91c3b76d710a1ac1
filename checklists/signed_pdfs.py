"""The PDF of a signed note: rendered once, stored, and served as stored ever after.

A signed note never changes, so neither does its PDF. The worker renders it right after
the signing commits (and again after each addendum, as a new version that keeps the
earlier ones) and stores it through Django's storage API, `STORAGES["signed_pdfs"]`:
local files by default, an S3-compatible bucket that several app servers share by setting
(config/settings.py). Each stored version keeps its own SHA-256, checked whenever it is
read. Downloads and bulk exports serve those bytes; a note whose PDF is not stored yet
(the worker is behind, or the note was signed before this release) is rendered and stored
by the first reader. Drafts are rendered live every time.
"""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Addendum, Note, SignedPdf

logger = logging.getLogger(__name__)


class StoredPdfAltered(Exception):
    """A stored PDF's bytes no longer match the SHA-256 recorded when it was stored."""


def store_after_commit(note) -> None:
    """Have the worker store the note's PDF once the transaction that signed it commits."""
    from .tasks import store_signed_pdf

    note_id = note.pk
    transaction.on_commit(lambda: store_signed_pdf.enqueue(note_id))


def current_version(note) -> int:
    """1 for the note as signed, then one more per addendum."""
    return 1 + note.addenda.count()


def current_version_in_sql(note_ref):
    """current_version() as an SQL expression, for a query over many notes or a single
    round trip: 1 + the addenda of the note that `note_ref` (an OuterRef) names."""
    addenda = (
        Addendum.objects.filter(note=note_ref)
        .order_by()
        .values("note")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Value(1) + Coalesce(Subquery(addenda, output_field=IntegerField()), Value(0))


def stored_current(note) -> SignedPdf | None:
    """The stored PDF of the signed note as it stands now, if it is stored yet."""
    return SignedPdf.objects.filter(note=note, version=current_version(note)).first()


def stored_for_reader(user, note_id: int, version: int | None = None) -> SignedPdf | None:
    """The stored PDF a download serves, in one query: `version` of the note (by default its
    current one, 1 + its addenda), if `user` may read the note and that version is stored.

    None says only "not served from storage here": the note is not readable, or a draft,
    or that version is not stored (yet); the caller finds out which the slower way.
    """
    readable = Note.objects.readable_by(user).filter(pk=note_id).values("pk")
    if version is None:
        version = current_version_in_sql(OuterRef("note"))
    return (
        SignedPdf.objects.filter(note__in=readable, version=version)
        .only("note_id", "version", "file", "sha256")
        .first()
    )


def current(note) -> SignedPdf:
    """The stored PDF of the signed note as it stands now, rendered and stored if missing."""
    return stored_current(note) or _render_and_store(note, current_version(note))


def _render_and_store(note, version) -> SignedPdf:
    from .pdf.render import render_note_pdf  # WeasyPrint: loaded only where PDFs are made

    while True:
        pdf = render_note_pdf(note)
        latest = current_version(note)
        if latest == version:
            break
        version = latest  # an addendum arrived while rendering: render it too
    digest = hashlib.sha256(pdf).hexdigest()
    record = SignedPdf(note=note, version=version, sha256=digest, size=len(pdf))
    record.file.save(f"note-{note.pk}/v{version}-{digest[:16]}.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        # Another process stored this version first: serve theirs, so every reader gets
        # the same bytes.
        record.file.delete(save=False)
        return SignedPdf.objects.get(note=note, version=version)
    return record


def read(record: SignedPdf) -> bytes:
    with record.file.open("rb") as stored:
        pdf = stored.read()
    if hashlib.sha256(pdf).hexdigest() != record.sha256:
        logger.error("Stored PDF %s of note %s was altered", record.file.name, record.note_id)
        raise StoredPdfAltered(f"{record.file.name} does not match its SHA-256")
    return pdf


def note_pdf_bytes(note) -> bytes:
    """What a download or an export of the note gives: stored bytes once signed."""
    if note.is_signed:
        return read(current(note))
    from .pdf.render import render_note_pdf

    return render_note_pdf(note)
