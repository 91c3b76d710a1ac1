"""Catalog text is plain text: no markup, no bidirectional control characters.

Help texts, labels and reasons reach the note form, the catalog pages and the PDF. Markup in
them (typed in the admin, or arriving in an imported FHIR Questionnaire) would show
clinicians live links and forms; a right-to-left override would reverse what is printed.
They are made plain when loaded or saved, and escaped again wherever they are rendered.
"""

import html
import re

from django.utils.html import strip_tags

# Embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and the invisible
# direction marks (U+200E, U+200F, U+061C): they change how the text around them prints.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def strip_bidi(text: str) -> str:
    return BIDI_CONTROLS.sub("", text)


def plain(text):
    """`text` without markup or bidi controls (non-strings are returned as they are)."""
    if not isinstance(text, str):
        return text
    return strip_bidi(html.unescape(strip_tags(text)))


def plain_list(items):
    """Choices ([value, label] pairs) and reason lists, made plain element by element."""
    if not isinstance(items, list):
        return items
    return [plain_list(item) if isinstance(item, list) else plain(item) for item in items]
