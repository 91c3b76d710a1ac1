"""Per-line costs of WeasyPrint 70's text handling, taken off. Same pages, byte for byte.

WeasyPrint makes a Pango layout for every attempt at a line (two or three per printed line)
and, at drawing time, makes every line's layout again from nothing. Measured on the notes
(docs/performance.md), three parts of that are pure overhead:

- `Layout.setup` created a new Pango context and a new font description for every layout:
  about 30 µs each, a tenth of a render. The context depends only on the font map, the text
  direction and the language, and the description only on the font properties, so both
  are now made once per FontConfiguration and reused (Pango copies a description into the
  layout; a shared context is never changed after it is made).
- Drawing: line breaking ends by laying out the line's final text, then throws the layout
  away (`deactivate`); drawing rebuilds it (`reactivate`: a new context and layout, the
  same text) and lays it out once more. Now the layout is kept and drawing reuses it when
  nothing it depends on changed: the same style object, no justification spacing, one
  line. A line's layout is also single-paragraph from the start when its text holds no
  paragraph separator (the same lines; drawing switches that mode on, and switching it
  on a laid-out layout lays it out again).
- Drawing a line read each glyph's four numbers through cffi structure accesses, one
  Python object per field; `draw_first_line` now reads a run's glyphs as one block of
  bytes (lines with an ellipsis and colour or bitmap fonts still go to WeasyPrint's own).

`install()` patches `weasyprint.text.line_break.Layout` and
`weasyprint.draw.text.draw_first_line` in place, for the whole process;
checklists.pdf.render calls it on import. Every patched method falls back to WeasyPrint's
own when its shortcut does not apply. Written against WeasyPrint 70.0's
`weasyprint/text/line_break.py` and `weasyprint/draw/text.py`:
tests/checklists/test_pdf_lean_text.py pins the version and checks that our documents come
out byte-identical with and without the patches.
"""

import struct
import weakref

from weasyprint.draw import text as draw_text_module
from weasyprint.logger import LOGGER
from weasyprint.text import line_break
from weasyprint.text.constants import LST_TO_ISO, PANGO_DIRECTION
from weasyprint.text.ffi import FROM_UNITS, ffi, gobject, pango, unicode_to_char_p
from weasyprint.text.fonts import font_features, get_font_description

Layout = line_break.Layout
STOCK = {name: getattr(Layout, name) for name in ("setup", "set_text", "deactivate", "reactivate")}
# Pango ends a paragraph at these (pango-layout.c, pango_find_paragraph_boundary).
PARAGRAPH_SEPARATORS = ("\n", "\r", "\u2029")

# Per FontConfiguration (one per rendering thread): Pango contexts by (direction, language),
# font descriptions by font properties.
_contexts: "weakref.WeakKeyDictionary[object, dict]" = weakref.WeakKeyDictionary()
_descriptions: "weakref.WeakKeyDictionary[object, dict]" = weakref.WeakKeyDictionary()


def _language(style) -> str | None:
    if style["font_language_override"] != "normal":
        override = style["font_language_override"]
        return LST_TO_ISO.get(override.lower(), override)
    return style["lang"] or None


def _context(style):
    """The shared Pango context for the style's font map, direction and language."""
    font_config = style.font_config
    contexts = _contexts.setdefault(font_config, {})
    language_tag = _language(style)
    key = (style["direction"], language_tag)
    if key not in contexts:
        context = ffi.gc(
            pango.pango_font_map_create_context(font_config.font_map), gobject.g_object_unref
        )
        pango.pango_context_set_round_glyph_positions(context, False)
        pango.pango_context_set_base_dir(context, PANGO_DIRECTION[style["direction"]])
        if language_tag:
            tag_p, _tag = unicode_to_char_p(language_tag)
            language = pango.pango_language_from_string(tag_p)
            pango.pango_context_set_language(context, language)
        else:
            language = pango.pango_language_get_default()
        contexts[key] = (context, language)
    return contexts[key]


def _description(style):
    """The font description of the style (get_font_description's inputs are the key)."""
    descriptions = _descriptions.setdefault(style.font_config, {})
    key = repr(
        (
            tuple(style["font_family"]),
            style["font_style"],
            style["font_stretch"],
            style["font_weight"],
            style["font_size"],
            style["font_variant_caps"],
            style["font_variation_settings"],
        )
    )
    if key not in descriptions:
        descriptions[key] = get_font_description(style)
    return descriptions[key]


def setup(self, style):
    # WeasyPrint 70's Layout.setup with the context and the description shared.
    self.style = style
    self.first_line_direction = 0
    pango_context, self.language = _context(style)
    assert not isinstance(style["font_family"], str), "font_family should be a list"
    font_description = _description(style)
    self.layout = ffi.gc(pango.pango_layout_new(pango_context), gobject.g_object_unref)
    pango.pango_layout_set_auto_dir(self.layout, False)
    pango.pango_layout_set_font_description(self.layout, font_description)

    if style["text_decoration_line"] != "none":
        metrics = ffi.gc(
            pango.pango_context_get_metrics(pango_context, font_description, self.language),
            pango.pango_font_metrics_unref,
        )
        self.ascent = FROM_UNITS * pango.pango_font_metrics_get_ascent(metrics)
        self.underline_position = FROM_UNITS * pango.pango_font_metrics_get_underline_position(
            metrics
        )
        self.strikethrough_position = FROM_UNITS * (
            pango.pango_font_metrics_get_strikethrough_position(metrics)
        )
        self.underline_thickness = FROM_UNITS * pango.pango_font_metrics_get_underline_thickness(
            metrics
        )
        self.strikethrough_thickness = FROM_UNITS * (
            pango.pango_font_metrics_get_strikethrough_thickness(metrics)
        )
    else:
        self.ascent = None
        self.underline_position = None
        self.strikethrough_position = None

    features = font_features(
        style["font_kerning"],
        style["font_variant_ligatures"],
        style["font_variant_position"],
        style["font_variant_caps"],
        style["font_variant_numeric"],
        style["font_variant_alternates"],
        style["font_variant_east_asian"],
        style["font_feature_settings"],
    )
    if features:
        features = ",".join(f"{key} {value}" for key, value in features.items()).encode()
        attr = style.font_config.font_features.setdefault(
            features, pango.pango_attr_font_features_new(features)
        )
        attr_list = pango.pango_attr_list_new()
        pango.pango_attr_list_insert(attr_list, attr)
        pango.pango_layout_set_attributes(self.layout, attr_list)


def set_text(self, text, justify=False):
    STOCK["set_text"](self, text, justify)
    # One paragraph either way when the text has no separator: the same lines, and drawing
    # (which asks for single-paragraph mode) does not have to lay the line out again.
    single = not any(separator in self.text for separator in PARAGRAPH_SEPARATORS)
    pango.pango_layout_set_single_paragraph_mode(self.layout, single)


def deactivate(self):
    self._kept = (self.layout, self.language, self.style)
    STOCK["deactivate"](self)


def reactivate(self, style):
    kept = self.__dict__.pop("_kept", None)
    if (
        kept is not None
        and kept[2] is style
        and not self.justification_spacing
        and pango.pango_layout_get_line_readonly(kept[0], 1) == ffi.NULL
    ):
        # The layout line breaking ended with: this text, this style, one line.
        self.layout, self.language, self.style = kept
        self.first_line_direction = 0
        return
    STOCK["reactivate"](self, style)


STOCK_DRAW_FIRST_LINE = draw_text_module.draw_first_line
GLYPH_INFO = struct.Struct("=IiiiI")  # PangoGlyphInfo: glyph, width, x and y offset, attr
assert GLYPH_INFO.size == ffi.sizeof("PangoGlyphInfo")


def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """WeasyPrint 70's draw_first_line, reading each run's glyphs in one block instead of
    a cffi structure access per glyph field. Lines with an ellipsis, and fonts with colour
    or bitmap glyphs, go to WeasyPrint's own (which draws their emojis)."""
    if text_overflow == "ellipsis" or block_ellipsis != "none":
        return STOCK_DRAW_FIRST_LINE(stream, textbox, text_overflow, block_ellipsis, matrix)
    if not textbox.text.strip():
        return []
    if textbox.style["font_size"] < 1e-6:
        return []

    layout = textbox.pango_layout
    pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
    first_line, _index = layout.get_first_line()

    runs = []
    run = first_line.runs[0]
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        font, font_size = stream.add_font(glyph_item.item.analysis.font)
        if font.svg or font.png or font.colr or font.bitmap:
            return STOCK_DRAW_FIRST_LINE(stream, textbox, text_overflow, block_ellipsis, matrix)
        runs.append(glyph_item)

    stream.set_text_matrix(*matrix.values)
    previous_pango_font = None
    string = ""
    for glyph_item in runs:
        glyph_string = glyph_item.glyphs
        num_glyphs = glyph_string.num_glyphs
        glyphs = GLYPH_INFO.iter_unpack(
            ffi.buffer(glyph_string.glyphs, num_glyphs * GLYPH_INFO.size)
        )
        clusters = glyph_string.log_clusters
        utf8_text = None

        pango_font = glyph_item.item.analysis.font
        if pango_font != previous_pango_font:
            previous_pango_font = pango_font
            font, font_size = stream.add_font(pango_font)
            if pango.pango_version() < 14802:
                font_size = textbox.style["font_size"]
            if string:
                stream.show_text(string)
            string = ""
            stream.set_font_size(font.hash, font_size)
        string += "<"
        to_unicode, widths = font.to_unicode, font.widths
        for i, (glyph_id, width, x_offset, y_offset, _attr) in enumerate(glyphs):
            if glyph_id == pango.PANGO_GLYPH_EMPTY:
                string += f">{-width / font_size}<"
                continue

            if glyph_id & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                codepoint = glyph_id - pango.PANGO_GLYPH_UNKNOWN_FLAG
                LOGGER.warning(
                    ".notdef glyph rendered for Unicode string unsupported by fonts: "
                    '"%s" (U+%04X)',
                    chr(codepoint),
                    codepoint,
                )
                glyph_id = font.get_unused_glyph_id(codepoint)
                widths[glyph_id] = round(width * 1000 * FROM_UNITS / font_size)
                if 0 not in widths:
                    widths[0] = widths[glyph_id]

            if glyph_id not in to_unicode:
                offset = glyph_item.item.offset
                t1 = clusters[i]
                if glyph_item.item.analysis.level % 2:  # right to left
                    t2 = glyph_item.item.length if i == 0 else clusters[i - 1]
                else:
                    t2 = glyph_item.item.length if i == num_glyphs - 1 else clusters[i + 1]
                utf8_text = utf8_text or layout.text.encode()
                to_unicode[glyph_id] = utf8_text[offset + t1 : offset + t2].decode()

            offset = x_offset / font_size
            rise = y_offset / 1000
            if rise:
                if string[-1] == "<":
                    string = string[:-1]
                else:
                    string += ">"
                if string:
                    stream.show_text(string)
                stream.set_text_rise(-rise)
                string = ""
                if offset:
                    string = f"{-offset}"
                string += f"<{glyph_id:04x}>"
                stream.show_text(string)
                stream.set_text_rise(0)
                string = "<"
            else:
                if offset:
                    string += f">{-offset}<"
                string += f"{glyph_id:04x}"

            if glyph_id in widths:
                logical_width = widths[glyph_id]
            else:
                pango.pango_font_get_glyph_extents(
                    pango_font, glyph_id, stream.ink_rect, stream.logical_rect
                )
                logical_width = widths[glyph_id] = round(
                    stream.logical_rect.width * 1000 * FROM_UNITS / font_size
                )

            kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size
            if kerning:
                string += f">{int(kerning)}<"

        if string[-1] == "<":
            string = string[:-1]
        else:
            string += ">"

    stream.show_text(string)
    return []


PATCHES = {
    "setup": setup,
    "set_text": set_text,
    "deactivate": deactivate,
    "reactivate": reactivate,
}


def install() -> None:
    for name, function in PATCHES.items():
        setattr(Layout, name, function)
    draw_text_module.draw_first_line = draw_first_line


def uninstall() -> None:
    """WeasyPrint's own methods back (the tests compare the two)."""
    for name, function in STOCK.items():
        setattr(Layout, name, function)
    draw_text_module.draw_first_line = STOCK_DRAW_FIRST_LINE
