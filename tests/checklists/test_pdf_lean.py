"""The two WeasyPrint costs checklists.pdf.lean_weasyprint takes off change nothing printed."""

import io

import pydyf
from pypdf import PdfReader
from weasyprint import HTML

from checklists.pdf import render
from checklists.pdf.fetcher import STATIC_BASE, StaticFilesFetcher
from checklists.pdf.lean_weasyprint import LeanHTML, compress_streams_once

PAGE = """<!doctype html><html lang="en"><head><title>Lean</title></head><body>
<h1>Plain heading</h1><ul><li>First item</li><li>Second item</li></ul>
<ol><li>Numbered item</li></ol><p>A paragraph of text, long enough to wrap across the
width of the page more than once when it is printed at the print stylesheet's size.</p>
</body></html>"""


def pdf_with(document_class, finisher=None) -> bytes:
    document = document_class(string=PAGE, base_url=STATIC_BASE, url_fetcher=StaticFilesFetcher())
    return document.write_pdf(
        stylesheets=[render.print_stylesheet()],
        font_config=render.font_config(),
        pdf_variant=render.PDF_VARIANT,
        finisher=finisher,
    )


def page_streams(pdf: bytes) -> list[bytes]:
    return [page.get_contents().get_data() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_weasyprint_still_asks_the_method_the_lean_document_overrides():
    # If an upgrade renames it, LeanHTML would silently style with the full stylesheet.
    assert "_ua_stylesheets" in vars(HTML)
    assert LeanHTML._ua_stylesheets is not HTML._ua_stylesheets


def test_the_lean_stylesheet_draws_the_same_page_list_markers_included():
    lean, full = pdf_with(LeanHTML), pdf_with(HTML)
    assert page_streams(lean) == page_streams(full)
    text = PdfReader(io.BytesIO(lean)).pages[0].extract_text()
    # WeasyPrint draws list markers after the items' text.
    assert "First item" in text and text.count("•") == 2 and "\n1. " in text


def test_streams_compressed_once_hold_the_same_content_and_keep_the_file_identifier():
    assert isinstance(pydyf.Stream.__dict__["data"], property)  # what the finisher overrides
    once, twice = pdf_with(LeanHTML, compress_streams_once), pdf_with(LeanHTML)
    assert once != twice
    assert page_streams(once) == page_streams(twice)
    reader = PdfReader(io.BytesIO(once))
    assert len(reader.trailer["/ID"]) == 2  # PDF/A needs the file identifier
    assert 0.95 < len(once) / len(twice) < 1.05
