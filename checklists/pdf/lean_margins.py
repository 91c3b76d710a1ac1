"""WeasyPrint 70's page margin boxes, without the ones a page does not print. Same pages.

On every page WeasyPrint makes all sixteen margin boxes (three per side and the four
corners), each with its style, its percentages resolved and its spacing reset, then
discards each side where no box has content. Our pages print three (the header at the
top left, the footer and the page number at the bottom): ten of the sixteen are made for
nothing, on every page. This copy of `weasyprint.layout.page.make_margin_boxes` first
checks whether a side or a corner has any box with content (the box's `content`, as
WeasyPrint's own `make_box` decides it) and skips it when not; every side with content is
made exactly as before, its empty neighbours included (they take part in its widths).

`install()` patches `weasyprint.layout.make_margin_boxes` (the name layout_document calls)
for the whole process; checklists.pdf.render calls it on import. Written against
WeasyPrint 70.0's `weasyprint/layout/page.py`: tests/checklists/test_pdf_lean_margins.py
pins the version and checks that our documents come out byte-identical with and without.
"""

import copy

from weasyprint import layout
from weasyprint.formatting_structure import boxes, build
from weasyprint.layout.page import (
    _standardize_page_based_counters,
    compute_fixed_dimension,
    compute_variable_dimension,
    margin_box_content_layout,
)
from weasyprint.layout.percent import resolve_percentages

STOCK_MAKE_MARGIN_BOXES = layout.make_margin_boxes
NOT_GENERATED = ("normal", "inhibit", "none")


def make_margin_boxes(context, page, state):
    """Yield laid-out margin boxes for this page (WeasyPrint 70's, empty sides skipped)."""

    def style_of(at_keyword):
        style = context.style_for(page.page_type, at_keyword)
        # doesn't affect counters
        return page.style.anonymous_style if style is None else style

    def is_generated(at_keyword):
        return style_of(at_keyword)["content"] not in NOT_GENERATED

    # This is a closure only to make calls shorter
    def make_box(at_keyword, containing_block):
        style = style_of(at_keyword)
        _standardize_page_based_counters(style, at_keyword)
        box = boxes.MarginBox(at_keyword, style)
        # Empty boxes should not be generated, but they may be needed for
        # the layout of their neighbors.
        box.is_generated = style["content"] not in NOT_GENERATED
        if box.is_generated:
            # @margins mustn't manipulate page-context counters
            margin_state = copy.deepcopy(state)
            quote_depth, counter_values, counter_scopes, _page_groups = margin_state
            counter_scopes.append(set())
            build.update_counters(margin_state, box.style)
            box.children = build.content_to_boxes(
                box.style,
                box,
                quote_depth,
                counter_values,
                context.get_image_from_uri,
                context.target_collector,
                context.counter_style,
                context,
                page,
            )
            box.process_whitespace()
            box.process_text_transform()
            box = build.create_anonymous_boxes(box)
        resolve_percentages(box, containing_block)
        if not box.is_generated:
            box.width = box.height = 0
            for side in ("top", "right", "bottom", "left"):
                box._reset_spacing(side)
        return box

    margin_top = page.margin_top
    margin_bottom = page.margin_bottom
    margin_left = page.margin_left
    margin_right = page.margin_right
    max_box_width = page.border_width()
    max_box_height = page.border_height()

    # bottom right corner of the border box
    page_end_x = margin_left + max_box_width
    page_end_y = margin_top + max_box_height

    generated_boxes = []

    for prefix, vertical, containing_block, position_x, position_y in (
        ("top", False, (max_box_width, margin_top), margin_left, 0),
        ("bottom", False, (max_box_width, margin_bottom), margin_left, page_end_y),
        ("left", True, (margin_left, max_box_height), 0, margin_top),
        ("right", True, (margin_right, max_box_height), page_end_x, margin_top),
    ):
        if vertical:
            suffixes = ["top", "middle", "bottom"]
            fixed_outer, variable_outer = containing_block
        else:
            suffixes = ["left", "center", "right"]
            variable_outer, fixed_outer = containing_block
        keywords = [f"@{prefix}-{suffix}" for suffix in suffixes]
        # The change: a side with nothing to print is not made at all.
        if not any(is_generated(at_keyword) for at_keyword in keywords):
            continue
        side_boxes = [make_box(at_keyword, containing_block) for at_keyword in keywords]
        # We need the three boxes together for the variable dimension:
        compute_variable_dimension(context, side_boxes, vertical, variable_outer)
        for box, offset in zip(side_boxes, [0, 0.5, 1], strict=True):
            if not box.is_generated:
                continue
            box.position_x = position_x
            box.position_y = position_y
            if vertical:
                box.position_y += offset * (variable_outer - box.margin_height())
            else:
                box.position_x += offset * (variable_outer - box.margin_width())
            compute_fixed_dimension(
                context, box, fixed_outer, not vertical, prefix in ("top", "left")
            )
            generated_boxes.append(box)

    # Corner boxes

    for at_keyword, cb_width, cb_height, position_x, position_y in (
        ("@top-left-corner", margin_left, margin_top, 0, 0),
        ("@top-right-corner", margin_right, margin_top, page_end_x, 0),
        ("@bottom-left-corner", margin_left, margin_bottom, 0, page_end_y),
        ("@bottom-right-corner", margin_right, margin_bottom, page_end_x, page_end_y),
    ):
        # The change: an empty corner is not made at all.
        if not is_generated(at_keyword):
            continue
        box = make_box(at_keyword, (cb_width, cb_height))
        box.position_x = position_x
        box.position_y = position_y
        compute_fixed_dimension(context, box, cb_height, True, "top" in at_keyword)
        compute_fixed_dimension(context, box, cb_width, False, "left" in at_keyword)
        generated_boxes.append(box)

    for box in generated_boxes:
        yield margin_box_content_layout(context, page, box)


def install() -> None:
    layout.make_margin_boxes = make_margin_boxes


def uninstall() -> None:
    """WeasyPrint's own back (the tests compare the two)."""
    layout.make_margin_boxes = STOCK_MAKE_MARGIN_BOXES
