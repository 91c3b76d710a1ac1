"""coding.claim (Line.from_dict, build, Claim's readers) and coding.sides, tested pure:
hand-built dicts in, exact lines, claims and answers out (no database)."""

import datetime

from coding.claim import Claim, Line, build
from coding.problems import ERROR, NOTICE, WARNING, CodingProblem, blocking, warnings
from coding.sides import SIDE_NAMES, documented_side, side_answer_for, sides_of
from coding.sites import match, sides_named

DAY = datetime.date(2025, 6, 30)


def test_line_from_a_full_dict_normalises_modifiers_and_site():
    data = {
        "code": "64635",
        "units": "2",
        "modifiers": [" lt ", "", None, "  ", "xs"],
        "side": "left",
        "site": "  L4-L5 ",
        "technique": "thermal_rf",
    }
    assert Line.from_dict(data, index=3) == Line(
        code="64635",
        units=2,
        modifiers=("LT", "XS"),
        side="left",
        site="L4-L5",
        technique="thermal_rf",
        index=3,
        note_id=None,
    )


def test_line_from_an_empty_or_none_dict_has_the_defaults_and_zero_units():
    empty = Line(code="", units=0, modifiers=(), side="", site="", technique="")
    assert Line.from_dict({}) == empty
    nones = dict.fromkeys(("code", "units", "modifiers", "side", "site", "technique"))
    assert Line.from_dict(nones) == empty
    assert Line.from_dict({"code": 64620}).code == "64620"


def test_line_from_dict_of_another_note():
    line = Line.from_dict({"code": "64620", "units": 1}, note_id=7)
    assert (line.index, line.note_id, line.own, line.where) == (None, 7, False, "note 7")


def test_where_names_the_line_or_the_note():
    assert Line("64620", index=0).where == "line 1"
    assert Line("64620", index=4).where == "line 5"
    assert Line("64620", note_id=12).where == "note 12"
    assert Line("64620", note_id=0).where == "another note of the day"
    assert Line("64620").own is True
    assert Line("64620").units == 1


def test_build_puts_own_lines_first_then_the_days_other_lines():
    codes = {"64620": {"billing": {"max_units": 5}}}
    claim = build(
        [{"code": "64620", "units": 2, "modifiers": ["lt"]}, {"code": "64640"}],
        codes,
        others=[(9, {"code": "64620", "units": 3, "side": "right"})],
        rules={"pairs": []},
        answers={"procedure_side": {"value": "left"}},
        date_of_service=DAY,
        cpt_year=2025,
    )
    assert claim == Claim(
        lines=(
            Line("64620", 2, ("LT",), index=0),
            Line("64640", 0, index=1),
            Line("64620", 3, side="right", note_id=9),
        ),
        codes=codes,
        rules={"pairs": []},
        answers={"procedure_side": {"value": "left"}},
        date_of_service=DAY,
        cpt_year=2025,
    )
    assert claim.own_lines == claim.lines[:2]
    assert claim.lines_of({"64620"}) == [claim.lines[0], claim.lines[2]]
    assert claim.answer("procedure_side") == "left"
    assert claim.answer("missing") is None
    assert claim.spec("64620") == {"billing": {"max_units": 5}}
    assert claim.spec("99999") == {}
    assert claim.billing("64620") == {"max_units": 5}
    assert claim.billing("99999") == {}


def test_build_with_only_the_required_arguments():
    assert build([], {}) == Claim(
        lines=(), codes={}, rules={}, answers={}, date_of_service=None, cpt_year=None
    )
    claim = build([{"code": "64620"}], {}, rules=None, answers=None)
    assert (claim.rules, claim.answers) == ({}, {})


def test_answer_of_a_blank_answer_is_none():
    claim = Claim(lines=(), codes={"64620": {}}, answers={"a": None, "b": {}})
    assert (claim.answer("a"), claim.answer("b"), claim.billing("64620")) == (None, None, {})


def test_sides_of_ignores_blank_and_missing_sides():
    lines = [{"side": "left"}, {"side": ""}, {}, {"side": None}, {"side": "left"}]
    assert sides_of(lines) == {"left"}


def test_side_answer_for_each_combination():
    def answer(*sides):
        return side_answer_for([{"side": side} for side in sides])

    assert side_answer_for([]) is None
    assert answer("") is None
    assert answer("left") == "left"
    assert answer("right", "right") == "right"
    assert answer("left", "right") == "bilateral"
    assert answer("bilateral") == "bilateral"
    for other in ("left", "right", "midline"):
        assert answer(other, "bilateral") == "bilateral"
        assert answer("bilateral", other, "bilateral") == "bilateral"
    assert answer("midline", "bilateral", "left") == "bilateral"
    assert answer("midline", "bilateral", "right") == "bilateral"
    assert answer("right", "") == "right"
    assert answer("midline") == "midline"
    assert answer("left", "right", "midline") == "bilateral"


def test_documented_side():
    assert documented_side([]) == {}
    assert documented_side([{"side": ""}]) == {}
    assert documented_side([{"side": "right"}]) == {"procedure_side": {"value": "right"}}
    assert documented_side([{"side": "left"}, {"side": "right"}]) == {
        "procedure_side": {"value": "bilateral"}
    }


def test_side_names():
    assert SIDE_NAMES == {
        "left": "left",
        "right": "right",
        "bilateral": "both sides",
        "midline": "midline",
    }


def test_a_problem_defaults_to_an_error_of_the_claim():
    problem = CodingProblem("m", "f")
    assert (problem.line, problem.field, problem.severity, problem.rule, problem.source) == (
        None,
        "",
        "error",
        "",
        "",
    )
    assert (ERROR, WARNING, NOTICE) == ("error", "warning", "notice")


def test_a_problems_key_is_its_rule_line_and_message():
    # sha256("daily-units|0|64620 is billed 6 units.")[:16], computed outside the code.
    problem = CodingProblem("64620 is billed 6 units.", "Fix.", 0, "units", WARNING, "daily-units")
    assert problem.key == "be87e2d8ac26b88d"
    assert CodingProblem("The note has no code.", "other fix", rule="no-code").key == (
        "7bb90f6ad6649b07"
    )


def test_blocking_and_warnings_pick_by_severity():
    error = CodingProblem("a", "f", severity=ERROR)
    warning = CodingProblem("b", "f", severity=WARNING)
    notice = CodingProblem("c", "f", severity=NOTICE)
    assert blocking([warning, error, notice, error]) == [error, error]
    assert warnings([warning, error, notice, warning]) == [warning, warning]
    assert blocking([]) == warnings([]) == []


def test_a_site_typed_without_spaces_or_with_a_dash_matches_by_its_letters():
    choices = ["First web space", "Second web space"]
    assert match("firstweb", choices) == "First web space"
    assert match("first-web", choices) == "First web space"
    assert match("web", choices) is None
    assert sides_named(None) == set()
    assert sides_named("Left and right knee") == {"left", "right"}
