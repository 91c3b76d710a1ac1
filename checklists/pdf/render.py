"""Render the note PDF and the blank checklist PDF.

Both are PDF/A-3b: fonts embedded (DejaVu through fontconfig), sRGB output intent, XMP
metadata. The note PDF carries the note's canonical JSON as `note.json`, the very bytes a
signature's SHA-256 covers. Nothing here needs a request, so a background export can call
`render_note_pdf` directly.
"""

import datetime
import threading
from functools import cache

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import CSS, Attachment
from weasyprint.text.fonts import FontConfiguration

from config import low_priority
from procedures.plain_text import strip_bidi

from ..canonical import FORMAT, note_format
from . import lean_margins, lean_text
from .checklist_context import checklist_context
from .fetcher import STATIC_BASE, StaticFilesFetcher
from .lean_weasyprint import LeanHTML, compress_streams_once
from .note_context import note_context

PDF_VARIANT = "pdf/a-3b"
# WeasyPrint's text layout without two per-line overheads (same pages, byte for byte).
lean_text.install()
# WeasyPrint's page margin boxes without the ten empty ones it made on every page (same pages).
lean_margins.install()
STYLESHEET = "css/print.css"
_per_thread = threading.local()


@cache
def fetcher() -> StaticFilesFetcher:
    # One per process: its fetch keeps no state. WeasyPrint's URLFetcher builds a urllib
    # opener with nine handlers when made, and a render made two (the document's, and a
    # default one for the note.json attachment): about 1 % of a short note.
    return StaticFilesFetcher()


@cache
def print_stylesheet() -> CSS:
    # Parsed once per process (a restart picks up an edit): it is read-only afterwards and
    # parsing it on every render cost about a tenth of a short note's time.
    return CSS(url=STATIC_BASE + STYLESHEET, url_fetcher=fetcher())


def font_config() -> FontConfiguration:
    # Loading fontconfig and a fresh Pango font map cost about a sixth of a short note's
    # render; keep one per thread, since Pango font maps must not be shared across threads.
    if not hasattr(_per_thread, "fonts"):
        _per_thread.fonts = FontConfiguration()
    return _per_thread.fonts


def page_numbers(first: int, total: int) -> CSS:
    """Page numbers of a document inside a larger one (the prior-authorization packet):
    its first page is `first`, and the footer counts to `total`."""
    return CSS(
        string=(
            f'@page {{ @bottom-right {{ content: "Page " counter(page) " of {int(total)}"; }} }}'
            f"@page :first {{ counter-reset: page {int(first)}; }}"
        )
    )


def write_pdf(html: str, *, attachments=(), variant=PDF_VARIANT, stylesheets=()) -> bytes:
    # No right-to-left override or isolate reaches the paper: one would reverse what a
    # payer reads (a dose, a side). The signed data keeps what was typed.
    html = strip_bidi(html)
    # The CPU-heavy part, at a lower priority so other people's pages go first.
    return low_priority.run(_write_pdf, html, attachments, variant, tuple(stylesheets))


def _write_pdf(html, attachments, variant, stylesheets=()) -> bytes:
    document = LeanHTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher())
    return document.write_pdf(
        stylesheets=[print_stylesheet(), *stylesheets],
        font_config=font_config(),
        pdf_variant=variant,
        attachments=list(attachments),
        finisher=compress_streams_once,
    )


def note_json_attachment(
    data: bytes, generated_at: datetime.datetime, version: str = FORMAT
) -> Attachment:
    # WeasyPrint writes these dates with a "Z" suffix, so hand it UTC.
    stamp = generated_at.astimezone(datetime.UTC).replace(tzinfo=None)
    return Attachment(
        string=data,
        name="note.json",
        description=f"Note data, canonical JSON ({version}); a signature's SHA-256 covers it",
        created=stamp,
        modified=stamp,
        relationship="Data",
        url_fetcher=fetcher(),
    )


def render_note_pdf(note, *, generated_at=None, pages=None) -> bytes:
    """`pages`: (first page, total) when the note is part of a larger PDF."""
    generated_at = generated_at or timezone.now()
    context = note_context(note, generated_at)
    html = render_to_string("pdf/note.html", context)
    attachment = note_json_attachment(context["data"], generated_at, note_format(note))
    return write_pdf(
        html,
        attachments=[attachment],
        stylesheets=[page_numbers(*pages)] if pages else (),
    )


def render_checklist_pdf(code) -> bytes:
    """The blank paper form of `code` (a ProcedureCode)."""
    html = render_to_string("pdf/checklist.html", checklist_context(code, timezone.now()))
    return write_pdf(html)
