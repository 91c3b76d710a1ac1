"""Our PDF templates' HTML parsed by expat instead of WeasyPrint's pure-Python HTML5 parser.

WeasyPrint parses every document with tinyhtml5, an HTML5 parser written in Python: about
6 ms of the typical draft (7 % of its render), and more for every page of a long note.
Our templates write well-formed markup, so Python's expat (in C) can read it in a tenth
of a millisecond once three HTML habits are made XML (the doctype, void elements such as
<br>, named character references such as &nbsp;). `parse` then makes the tree the HTML5
rules make from the same markup: whitespace between <html> and <head> dropped, whitespace
after </body> and </html> moved into <body>, a <tbody> around rows written directly in a
<table>, the newline after <pre> dropped.

It only takes markup it knows it reads the same way: a known set of elements in lower
case, no comments, no namespaces, no `&` inside <style>, no line break inside an attribute
value, no block inside a <p> or heading inside a heading, no text directly inside table
rows. Anything else, and anything expat refuses (a control character in a note's text),
returns None and the caller lets tinyhtml5 parse it as before.
tests/checklists/test_pdf_fast_html.py checks that the trees are the same as tinyhtml5's
for every document we print and that the PDFs come out byte-identical.
"""

import html.entities
import re
import xml.etree.ElementTree as ET

VOID = ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr")
KNOWN = frozenset(
    (
        *VOID,
        *("html", "head", "title", "style", "body", "div", "span", "p", "section", "pre"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "small", "sub", "sup"),
        *("table", "colgroup", "thead", "tbody", "tfoot", "tr", "th", "td", "ul", "ol", "li"),
    )
)
# Start tags that close an open <p> in HTML5 (so a <p> holding one is not the same tree).
CLOSES_P = frozenset(
    ("div", "p", "section", "pre", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6")
)
HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
ROW_GROUPS = frozenset(("table", "colgroup", "thead", "tbody", "tfoot", "tr"))
XML_ENTITIES = frozenset(("amp", "lt", "gt", "quot", "apos"))

DOCTYPE = re.compile(r"\A\s*<!doctype html>", re.IGNORECASE)
VOID_TAG = re.compile(r"<(" + "|".join(VOID) + r")(\s[^<>]*?)?/?>")
ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
UNSAFE = re.compile(
    r"<!--|<!\[|<\?|xmlns|\bxml:"  # comments, CDATA, processing instructions, namespaces
    r"|=\"[^\"]*[\t\n\r][^\"]*\""  # a line break in an attribute value (XML makes it a space)
    r"|<(style|script)\b[^>]*>[^<]*&"  # an & in raw text (HTML5 keeps it, XML decodes it)
)


class NotOurs(ValueError):
    """Markup this parser does not promise to read as HTML5 does."""


def _named_entity(match: re.Match) -> str:
    name = match.group(1)
    if name in XML_ENTITIES:
        return match.group(0)
    character = html.entities.html5.get(f"{name};")
    if character is None:
        raise NotOurs(f"unknown entity &{name};")
    return character


def _as_xml(markup: str) -> str:
    doctype = DOCTYPE.match(markup)
    if doctype is None or UNSAFE.search(markup):
        raise NotOurs("no HTML5 doctype, or markup outside what this parser takes")
    markup = markup[doctype.end() :]
    markup = VOID_TAG.sub(lambda m: f"<{m.group(1)}{m.group(2) or ''}/>", markup)
    return ENTITY.sub(_named_entity, markup)


def _check(element: ET.Element, in_p: bool = False, in_heading: bool = False) -> None:
    tag = element.tag
    if tag not in KNOWN:
        raise NotOurs(f"element {tag!r}")
    if in_p and tag in CLOSES_P or in_heading and tag in HEADINGS:
        raise NotOurs(f"<{tag}> would close its <p> or heading")
    if tag in ROW_GROUPS:
        texts = [element.text, *(child.tail for child in element)]
        if any(text and text.strip() for text in texts):
            raise NotOurs(f"text directly inside <{tag}>")
    for child in element:
        _check(child, in_p or tag == "p", in_heading or tag in HEADINGS)


def _append_text(element: ET.Element, text: str) -> None:
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def _as_html5_builds_it(root: ET.Element, after_html: str) -> None:
    if root.tag != "html" or [child.tag for child in root] != ["head", "body"]:
        raise NotOurs("not <html> with <head> and <body>")
    head, body = root
    if (root.text and root.text.strip()) or (head.tail and head.tail.strip()):
        raise NotOurs("text outside <head> and <body>")
    root.text = None  # before <head>: whitespace is dropped
    # after </body> (and after </html>, which expat does not give us): into <body>
    trailing = (body.tail or "") + after_html
    body.tail = None
    if trailing.strip():
        raise NotOurs("text after </body>")
    if trailing:
        _append_text(body, trailing)
    for element in root.iter():
        if element.tag == "pre" and element.text and element.text.startswith("\n"):
            element.text = element.text[1:]
        if element.tag == "table":
            if any(child.tag == "col" for child in element):
                raise NotOurs("<col> outside a <colgroup>")
            rows = [child for child in element if child.tag == "tr"]
            if rows:
                _wrap_rows(element, rows)


def _wrap_rows(table: ET.Element, rows: list[ET.Element]) -> None:
    """HTML5 puts rows written directly in a <table> in an implied <tbody>."""
    children = list(table)
    first = children.index(rows[0])
    if children[first:] != rows or not all(
        row.tail is None or not row.tail.strip() for row in rows
    ):
        raise NotOurs("table rows mixed with other table parts")
    tbody = ET.Element("tbody")
    for row in rows:
        table.remove(row)
        tbody.append(row)
    # The whitespace after the last row stays in the tbody, as HTML5 leaves it.
    table.append(tbody)


def parse(markup: str) -> ET.Element | None:
    """The HTML5 tree of `markup` (as tinyhtml5 makes it, html elements without a
    namespace), or None when it is not markup this parser reads exactly as HTML5 does."""
    try:
        xml = _as_xml(markup)
        end = xml.rfind("</html>")
        if end < 0:
            raise NotOurs("no </html>")
        root = ET.fromstring(xml[: end + len("</html>")])
        _check(root)
        _as_html5_builds_it(root, xml[end + len("</html>") :])
    except (NotOurs, ET.ParseError):
        return None
    return root
