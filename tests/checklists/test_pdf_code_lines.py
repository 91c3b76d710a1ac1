"""What the note PDF prints after each code and its title: units, modifiers, then side, site
and technique when there is one to print (checklists.pdf.note_context.line_details)."""

from checklists.pdf.note_context import line_details

NBSP = "\N{NO-BREAK SPACE}"


def line(**changes):
    return {"units": 1, "modifiers": "", "side": "", "site": "", "technique": ""} | changes


def printed(text: str) -> str:
    # Label and value are held together by a no-break space: read them as a plain one.
    return text.replace(NBSP, " ")


def test_a_midline_code_prints_its_unit_and_says_no_modifier():
    assert printed(line_details(line(), with_technique=False)) == "1 unit · No modifier"


def test_every_part_in_order_when_each_has_a_value():
    details = line_details(
        line(
            units=2,
            modifiers="RT, 59",
            side="Right",
            site="L4-L5, L5-S1",
            technique="Thermal RF",
        ),
        with_technique=True,
    )
    assert printed(details) == (
        "2 units · Modifiers RT, 59 · Side Right · Site L4-L5, L5-S1 · Technique Thermal RF"
    )


def test_one_modifier_is_named_in_the_singular():
    assert printed(line_details(line(modifiers="LT"), with_technique=False)) == (
        "1 unit · Modifier LT"
    )


def test_the_technique_prints_only_when_the_lines_differ_in_it():
    shared = line(technique="Chemical neurolysis", site="Radial n.")
    assert printed(line_details(shared, with_technique=False)) == (
        "1 unit · No modifier · Site Radial n."
    )
    assert printed(line_details(line(), with_technique=True)) == "1 unit · No modifier"


def test_a_label_is_never_printed_at_a_line_end_apart_from_its_value():
    details = line_details(
        line(units=3, modifiers="LT", side="Left", site="Left upper extremity", technique="X"),
        with_technique=True,
    )
    assert details.split(" · ") == [
        f"3{NBSP}units",
        f"Modifier{NBSP}LT",
        f"Side{NBSP}Left",
        f"Site{NBSP}Left upper extremity",
        f"Technique{NBSP}X",
    ]
