"""A long answer's text as the note PDF prints it (note_context.free_text)."""

import pytest

from checklists.pdf.note_context import free_text


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("one  two\t\tthree", "one two three"),
        ("  indented first line\nsecond  \n\tthird", "indented first line\nsecond\nthird"),
        ("para one\n\npara two", "para one\n\npara two"),
        ("kept\u00a0\u00a0non-breaking", "kept\u00a0\u00a0non-breaking"),
        ("12.5 mL of 25 %  ethanol", "12.5 mL of 25 % ethanol"),
        ("typed in a browser\r\nthen\rmore", "typed in a browser\nthen\nmore"),
        ("", ""),
    ],
)
def test_spaces_and_tabs_print_single_and_no_line_starts_or_ends_with_one(typed, printed):
    assert free_text(typed) == printed
