"""checklists.pdf.fast_html reads our templates' markup with expat: the tree must be the
one WeasyPrint's HTML5 parser (tinyhtml5) makes, for every document we print, and
markup it does not promise to read the same way must go to tinyhtml5."""

import xml.etree.ElementTree as ET

import pytest
import tinyhtml5
import weasyprint
from weasyprint import HTML

from checklists import services
from checklists.pdf import fast_html, render
from checklists.pdf.fetcher import STATIC_BASE
from checklists.pdf.lean_weasyprint import LeanHTML
from procedures.models import ProcedureCode
from tests.checklists.test_pdf_lean_text import document_htmls
from tests.checklists.test_pdf_note import long_note, refetch
from tests.notes import make_note, sign

# What a clinician may type, as the note prints it: markup characters, quotes, a line
# break, a tab, an ellipsis, non-Latin letters, an emoji, a no-break space.
TYPED = "<b>5 < 6 & 7 > 2</b> \"quoted\" 'single'\nnext line\tafter a tab… Zoë 中文 🙂\u00a0end"


def html5_tree(markup: str) -> str:
    return ET.tostring(tinyhtml5.parse(markup, namespace_html_elements=False), encoding="unicode")


def fast_tree(markup: str) -> str | None:
    root = fast_html.parse(markup)
    return None if root is None else ET.tostring(root, encoding="unicode")


@pytest.fixture
def printed(monkeypatch):
    """Every markup string a render hands to the parser while the test runs."""
    seen = []
    parse = fast_html.parse

    def spy(markup):
        seen.append(markup)
        return parse(markup)

    monkeypatch.setattr(fast_html, "parse", spy)
    return seen


def test_every_document_we_print_parses_to_the_html5_tree(
    catalog, practice, clinician, patient, printed
):
    typed = make_note(clinician, patient, "64681", answers={"diagnosis": {"value": TYPED}})
    signed = sign(make_note(clinician, patient, "64681", complete=True), clinician)
    services.add_addendum(signed, author=clinician, reason="Late & <entry>", text=TYPED)
    render.render_note_pdf(refetch(typed))
    render.render_note_pdf(refetch(signed))
    render.render_note_pdf(refetch(long_note(clinician, patient, paragraphs=2)))
    for code in ProcedureCode.objects.all():
        render.render_checklist_pdf(code)
    markups = [*printed, *document_htmls(clinician, patient)]
    assert len(markups) >= 8  # 3 notes, every code's checklist, 3 documents
    assert [fast_tree(markup) == html5_tree(markup) for markup in markups] == [True] * len(markups)


def test_typed_text_reaches_the_tree_as_typed(catalog, practice, clinician, patient, printed):
    note = make_note(clinician, patient, "64681", answers={"diagnosis": {"value": TYPED}})
    render.render_note_pdf(refetch(note))
    root = fast_html.parse(printed[0])
    assert root is not None
    assert TYPED.replace("\n", "") in "".join(root.itertext()).replace("\n", "")


@pytest.mark.parametrize(
    "markup",
    [
        "<html><head></head><body><p>No doctype</p></body></html>",
        "<!doctype html><html><head></head><body><!-- a comment --></body></html>",
        "<!doctype html><html><head></head><body><svg></svg></body></html>",
        "<!doctype html><html><head></head><body><p>a <div>block in a p</div></p></body></html>",
        "<!doctype html><html><head></head><body><h2>a <h3>b</h3></h2></body></html>",
        "<!doctype html><html><head></head><body><p>form\x0cfeed</p></body></html>",
        "<!doctype html><html><head></head><body><p>&unknownentity;</p></body></html>",
        '<!doctype html><html><head></head><body><p title="a\nb">x</p></body></html>',
        "<!doctype html><html><head><style>p::before{content:'&amp;'}</style></head>"
        "<body></body></html>",
        "<!doctype html><html><head></head><body><table>text<tr><td>1</td></tr></table>"
        "</body></html>",
        "<!doctype html><html><head></head><body><table><col><tr><td>1</td></tr></table>"
        "</body></html>",
        "<!doctype html><html><head></head><body><P>upper case</P></body></html>",
        "<!doctype html><html><head></head><body><p>unclosed</body></html>",
        "<!doctype html><html><head></head><body><input disabled></body></html>",
    ],
)
def test_markup_it_does_not_promise_to_read_as_html5_goes_to_tinyhtml5(markup):
    assert fast_html.parse(markup) is None
    document = LeanHTML(string=markup, base_url=STATIC_BASE, url_fetcher=render.fetcher())
    assert ET.tostring(document.etree_element, encoding="unicode") == html5_tree(markup)


def test_html5_s_own_adjustments_are_made():
    markup = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>T</title>\n'
        "</head>\n<body>\n<p>a&nbsp;b&emsp;c</p>\n<table>\n<tr><td>1</td></tr>\n"
        "<tr><td>2<br>3</td></tr>\n</table>\n<pre>\nkept</pre>\n</body>\n</html>\n"
    )
    assert fast_tree(markup) == html5_tree(markup)
    assert "<tbody><tr><td>1</td></tr>\n<tr>" in fast_tree(markup)


def test_the_lean_document_is_what_weasyprint_makes_of_the_same_string(
    catalog, practice, clinician, patient
):
    assert weasyprint.__version__ == "70.0"
    for markup in document_htmls(clinician, patient):
        lean = LeanHTML(string=markup, base_url=STATIC_BASE, url_fetcher=render.fetcher())
        stock = HTML(string=markup, base_url=STATIC_BASE, url_fetcher=render.fetcher())
        assert fast_html.parse(markup) is not None
        assert ET.tostring(lean.etree_element) == ET.tostring(stock.etree_element)
        assert (lean.base_url, lean.media_type) == (stock.base_url, stock.media_type)
        assert set(vars(lean)) == set(vars(stock))


def test_notes_and_a_checklist_print_byte_identical_either_way(
    catalog, practice, clinician, patient, monkeypatch
):
    htmls = document_htmls(clinician, patient)
    fast = [render._write_pdf(html, [], render.PDF_VARIANT) for html in htmls]
    monkeypatch.setattr(fast_html, "parse", lambda markup: None)
    assert [render._write_pdf(html, [], render.PDF_VARIANT) for html in htmls] == fast
