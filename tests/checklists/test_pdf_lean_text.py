"""checklists.pdf.lean_text reuses Pango objects WeasyPrint 70 made again for every line:
the pages must come out byte for byte as WeasyPrint's own methods draw them."""

import datetime
import io
from contextlib import contextmanager

import weasyprint
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader
from weasyprint.draw import text as draw_text
from weasyprint.text import line_break

from checklists.pdf import lean_text, render
from checklists.pdf.checklist_context import checklist_context
from checklists.pdf.fetcher import STATIC_BASE, StaticFilesFetcher
from checklists.pdf.lean_weasyprint import LeanHTML
from checklists.pdf.note_context import note_context
from procedures.models import ProcedureCode
from tests.notes import make_note

# Everything the shortcuts must leave alone: a wrapped paragraph, preserved line breaks
# (<br> and pre), justified text, letter and word spacing, underline, right-to-left text,
# a language, small caps, a long word broken anywhere, a table cell sized to its content.
PAGE = """<!doctype html><html lang="en"><head><title>Lean text</title><style>
body { font-family: "DejaVu Sans", sans-serif; font-size: 9pt; }
.justify { text-align: justify; } .spaced { letter-spacing: 0.5pt; word-spacing: 2pt; }
.caps { font-variant: small-caps; text-decoration: underline; } pre { white-space: pre-wrap; }
.narrow { width: 30mm; overflow-wrap: anywhere; } td { border: 0.5pt solid; }
</style></head><body>
<h1>Procedure note: superior hypogastric plexus neurolysis</h1>
<p>Indication: cancer-related pelvic pain, poorly controlled on escalating opioids, with
sedation and constipation; a diagnostic block gave more than 70 % relief. 3 / 10 ± 1,
12.5 mL, 80 °C, 2 µg – done… Zoë Ñúñez-Ørsted.</p>
<p>First line<br>second line<br><em>third, in italics</em> <strong>and bold</strong></p>
<pre>Preformatted
  text, kept as typed.</pre>
<p class="justify">Justified text spreads its words over the whole width of the line, so
its spaces grow: the drawing has to lay the line out again with the extra spacing, and it
must still look exactly as WeasyPrint draws it on its own, line after line after line.</p>
<p class="spaced">Letter and word spacing on a sentence long enough to wrap onto a second
line of the page when printed.</p>
<p class="caps">Small caps, underlined</p>
<p lang="fr">Une phrase en français, avec des accents : élévation, où, garçon.</p>
<p dir="rtl">שלום עולם</p>
<p class="narrow">Averyveryverylongwordwithoutanyspaceinsideitatall and more.</p>
<table><tr><td>Code</td><td>Units</td></tr><tr><td>64681</td><td>1</td></tr></table>
</body></html>"""


@contextmanager
def stock_weasyprint():
    lean_text.uninstall()
    try:
        yield
    finally:
        lean_text.install()


def pdf(html: str) -> bytes:
    document = LeanHTML(string=html, base_url=STATIC_BASE, url_fetcher=StaticFilesFetcher())
    return document.write_pdf(
        stylesheets=[render.print_stylesheet()],
        font_config=render.font_config(),
        pdf_variant=render.PDF_VARIANT,
    )


def page_streams(document: bytes) -> list[bytes]:
    return [page.get_contents().get_data() for page in PdfReader(io.BytesIO(document)).pages]


def test_written_against_weasyprint_70_and_its_layout_methods():
    # An upgrade must be checked against its line_break.py before the patches follow it.
    assert weasyprint.__version__ == "70.0"
    for name in lean_text.STOCK:
        assert name in vars(line_break.Layout)
    assert "draw_first_line" in vars(draw_text)


def test_rendering_installs_the_patches():
    assert line_break.Layout.setup is lean_text.setup
    assert line_break.Layout.reactivate is lean_text.reactivate
    assert draw_text.draw_first_line is lean_text.draw_first_line


def test_every_kind_of_text_draws_the_same_as_weasyprint_alone():
    lean = pdf(PAGE)
    with stock_weasyprint():
        stock = pdf(PAGE)
    assert line_break.Layout.setup is lean_text.setup
    assert lean == stock  # pages, fonts, widths and text maps alike
    text = PdfReader(io.BytesIO(lean)).pages[0].extract_text()
    assert "80 °C, 2 µg – done… Zoë Ñúñez-Ørsted" in text
    assert "First line\nsecond line" in text


def document_htmls(clinician, patient) -> list[str]:
    """A complete draft, an empty one (every row "Not documented"), a blank checklist."""
    now = timezone.now()
    complete = make_note(clinician, patient, "64681", complete=True)
    empty = make_note(clinician, patient, "64681", day=datetime.date(2026, 10, 1))
    htmls = [render_to_string("pdf/note.html", note_context(n, now)) for n in (complete, empty)]
    code = ProcedureCode.objects.get(code="64681")
    return [*htmls, render_to_string("pdf/checklist.html", checklist_context(code, now))]


def test_notes_and_a_blank_checklist_draw_the_same_as_weasyprint_alone(
    catalog, practice, clinician, patient
):
    htmls = document_htmls(clinician, patient)
    lean = [pdf(html) for html in htmls]
    with stock_weasyprint():
        stock = [pdf(html) for html in htmls]
    assert lean == stock
    assert [len(page_streams(document)) >= 2 for document in lean] == [True, True, True]
