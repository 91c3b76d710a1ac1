"""checklists.pdf.lean_margins skips the page margin boxes that print nothing: the pages
must come out byte for byte as WeasyPrint's own make_margin_boxes lays them out."""

import io
from contextlib import contextmanager

import weasyprint
from pypdf import PdfReader
from weasyprint import CSS, layout
from weasyprint.layout import page as layout_page

from checklists.pdf import lean_margins, render
from checklists.pdf.fetcher import STATIC_BASE
from checklists.pdf.lean_weasyprint import LeanHTML
from tests.checklists.test_pdf_lean_text import document_htmls

# Margin boxes on every side and in a corner, a centred one between two empty ones, a
# first page with its own, and a running element: what the skipping must leave alone.
MARGINS = CSS(
    string="""
@page {
  @top-center { content: "Centred title"; }
  @left-middle { content: "Left " counter(page); }
  @right-top { content: "Right"; width: 10mm; }
  @bottom-right-corner { content: counter(page); }
}
@page :first { @top-right { content: "First page only"; } }
.running { position: running(side); }
@page { @right-bottom { content: element(side); } }
"""
)
PAGE = """<!doctype html><html lang="en"><head><title>Margins</title></head><body>
<div class="running">Running</div>
{paragraphs}
</body></html>""".replace(
    "{paragraphs}", "\n".join(f"<p>Paragraph {n} of a long page.</p>" for n in range(160))
)


@contextmanager
def stock_weasyprint():
    lean_margins.uninstall()
    try:
        yield
    finally:
        lean_margins.install()


def pdf(html: str, *stylesheets) -> bytes:
    document = LeanHTML(string=html, base_url=STATIC_BASE, url_fetcher=render.fetcher())
    return document.write_pdf(
        stylesheets=[render.print_stylesheet(), *stylesheets],
        font_config=render.font_config(),
        pdf_variant=render.PDF_VARIANT,
    )


def test_written_against_weasyprint_70_and_its_margin_boxes():
    # An upgrade must be checked against its layout/page.py before the copy follows it.
    assert weasyprint.__version__ == "70.0"
    assert lean_margins.STOCK_MAKE_MARGIN_BOXES is layout_page.make_margin_boxes


def test_rendering_installs_the_patch():
    assert layout.make_margin_boxes is lean_margins.make_margin_boxes


def test_margin_boxes_on_every_side_print_the_same_as_weasyprint_alone():
    lean = pdf(PAGE, MARGINS)
    with stock_weasyprint():
        stock = pdf(PAGE, MARGINS)
    assert layout.make_margin_boxes is lean_margins.make_margin_boxes
    assert lean == stock
    pages = PdfReader(io.BytesIO(lean)).pages
    assert len(pages) >= 3
    first, second = pages[0].extract_text(), pages[1].extract_text()
    for text in ("Centred", "Left 1", "Right", "Running", "First page only"):
        assert text in first
    assert "Left 2" in second
    assert "First page only" not in second


def test_notes_a_packet_page_and_a_blank_checklist_print_the_same_as_weasyprint_alone(
    catalog, practice, clinician, patient
):
    htmls = document_htmls(clinician, patient)
    in_a_packet = render.page_numbers(4, 9)
    lean = [pdf(html) for html in htmls] + [pdf(htmls[0], in_a_packet)]
    with stock_weasyprint():
        stock = [pdf(html) for html in htmls] + [pdf(htmls[0], in_a_packet)]
    assert lean == stock
    footers = [PdfReader(io.BytesIO(document)).pages[0].extract_text() for document in lean]
    assert "Page 1 of 2" in footers[0]
    assert "Page 4 of 9" in footers[3]
