"""Three costs WeasyPrint pays on every document that ours do not need, taken off.

Each was measured in interleaved runs on the typical draft (docs/performance.md):

- `LeanHTML`: WeasyPrint's HTML stylesheet gives every element six pseudo-elements
  (::marker, ::footnote-call, ::footnote-marker, ::note-call, ::note-marker,
  ::note-callback), and the cascade computes a style for each: about six times as many
  styles as elements; and every page lays out a note area. Our documents use no
  footnotes or notes, and markers only on list items. The same stylesheet, with ::marker
  kept for list items and summaries and the footnote and note rules dropped, styles every
  element as before.
- `compress_streams_once`: pydyf compresses every stream at zlib level 9, and compresses
  them all a second time to compute the file identifier PDF/A requires. As a WeasyPrint
  `finisher` (its documented hook, called with the pydyf document just before writing), it
  makes each stream compress once, at level 6: the same content, a file about 1 % larger.

- `LeanHTML` also parses our templates' markup with expat (checklists.pdf.fast_html)
  instead of WeasyPrint's pure-Python HTML5 parser: the same tree, about 6 ms less on the
  typical draft. Markup the fast parser does not promise to read as HTML5 does goes to
  WeasyPrint's own parser.

They lean on WeasyPrint 70 and pydyf 0.13 internals (`HTML._ua_stylesheets`, the
attributes `HTML.__init__` sets, `Stream.data`); tests/checklists/test_pdf_lean.py and
test_pdf_fast_html.py fail if an upgrade changes them.
"""

import re
import zlib
from importlib.resources import files

import cssselect2
import pydyf
from weasyprint import CSS, HTML, _find_base_url, css
from weasyprint.css.counters import CounterStyle
from weasyprint.urls import URLFetcher

from . import fast_html

ZLIB_LEVEL = 6


def _lean_user_agent_css(text: str) -> str:
    text = text.replace("\n::marker {", "\nli::marker, summary::marker {")
    return "\n".join(
        line
        for line in text.splitlines()
        if not re.match(r"::(footnote|note)-|\s*@note-area\b", line)
    )


LEAN_UA_STYLESHEET = CSS(
    string=_lean_user_agent_css((files(css) / "html5_ua.css").read_text("utf-8")),
    # WeasyPrint's own counter styles already hold this file's @counter-style rules (the
    # documents use those); a scratch one here, so they are not defined twice.
    counter_style=CounterStyle(),
)


class LeanHTML(HTML):
    """An HTML document styled by the lean user-agent stylesheet (no form controls), its
    markup parsed by expat when fast_html takes it."""

    def __init__(self, *, string=None, base_url=None, url_fetcher=None, **kwargs):
        root = fast_html.parse(string) if isinstance(string, str) and not kwargs else None
        if root is None:
            super().__init__(string=string, base_url=base_url, url_fetcher=url_fetcher, **kwargs)
            return
        # What HTML.__init__ sets once tinyhtml5 has parsed the string (WeasyPrint 70).
        self.base_url = _find_base_url(root, base_url)
        self.url_fetcher = url_fetcher or URLFetcher()
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(
            root, content_language=None
        )
        self.etree_element = self.wrapper_element.etree_element

    def _ua_stylesheets(self, forms=False):
        return [LEAN_UA_STYLESHEET]


def _compressed_once(stream_class):
    class CompressedOnce(stream_class):
        @property
        def data(self):
            cached = self.__dict__.get("_data_once")
            if cached is None:
                if self.compress:
                    content = b"\n".join(pydyf._to_bytes(item) for item in self.stream)
                    extra = pydyf.Dictionary(self.extra.copy())
                    extra["Filter"] = "/FlateDecode"
                    content = zlib.compress(content, ZLIB_LEVEL)
                    extra["Length"] = len(content)
                    cached = b"\n".join((extra.data, b"stream", content, b"endstream"))
                else:
                    cached = super().data
                self.__dict__["_data_once"] = cached
            return cached

    CompressedOnce.__name__ = f"CompressedOnce{stream_class.__name__}"
    return CompressedOnce


_COMPRESSED_ONCE: dict[type, type] = {}


def compress_streams_once(document, pdf) -> None:
    """WeasyPrint finisher: every stream of `pdf` compresses once, at ZLIB_LEVEL."""
    for item in pdf.objects:
        if isinstance(item, pydyf.Stream):
            kind = type(item)
            if kind not in _COMPRESSED_ONCE:
                _COMPRESSED_ONCE[kind] = _compressed_once(kind)
            item.__class__ = _COMPRESSED_ONCE[kind]
