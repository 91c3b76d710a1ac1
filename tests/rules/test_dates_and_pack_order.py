"""Boundary data for the rules' date arithmetic and for which rules a note meets: month
ends, leap years, anniversaries, packs and sources with an end date, rules that do not
match before one that does (pure: no database; hand-built packs, exact results)."""

import dataclasses
import datetime

import pytest

from rules.checks import (
    FAILED,
    MET,
    NOT_APPLICABLE,
    TO_DOCUMENT,
    Outcome,
    add_months,
    leaves_window,
    months_between,
    window_start,
    window_text,
)
from rules.engine import NO_PAYER, eligibility, evaluate, in_force, run_rule
from tests.rules.history import facts, judge, line, morton

D = datetime.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2026, 3, 30), -1, D(2026, 2, 28)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),
        (D(2027, 1, 15), -1, D(2026, 12, 15)),
        (D(2026, 11, 30), -12, D(2025, 11, 30)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), -1, D(2024, 1, 29)),
        (D(2027, 2, 28), 12, D(2028, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_or_ends_the_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 5, 31), -1, D(2026, 4, 30)),
        (D(2026, 10, 31), -6, D(2026, 4, 30)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2028, 3, 30), -1, D(2028, 2, 29)),
    ],
)
def test_add_months_ends_a_shorter_month_on_its_last_day(day, months, expected):
    assert add_months(day, months) == expected


def test_an_injection_on_30_april_is_outside_the_6_months_up_to_31_october():
    earlier = [morton(D(2026, 4, 30)), morton(D(2026, 6, 1)), morton(D(2026, 8, 3))]
    rule = "three-per-site-in-6-months"
    outcome = judge("medicare-morton-neuroma", rule, morton(D(2026, 10, 31)), earlier)
    assert outcome.status == MET


# Every month end of a common year (2027) and a leap year (2028), one month on and one
# month back, written out by hand: the day is kept when the month has it, else the month's
# last day.
MONTH_ENDS = [
    (D(2027, 1, 31), D(2027, 2, 28), D(2026, 12, 31)),
    (D(2027, 2, 28), D(2027, 3, 28), D(2027, 1, 28)),
    (D(2027, 3, 31), D(2027, 4, 30), D(2027, 2, 28)),
    (D(2027, 4, 30), D(2027, 5, 30), D(2027, 3, 30)),
    (D(2027, 5, 31), D(2027, 6, 30), D(2027, 4, 30)),
    (D(2027, 6, 30), D(2027, 7, 30), D(2027, 5, 30)),
    (D(2027, 7, 31), D(2027, 8, 31), D(2027, 6, 30)),
    (D(2027, 8, 31), D(2027, 9, 30), D(2027, 7, 31)),
    (D(2027, 9, 30), D(2027, 10, 30), D(2027, 8, 30)),
    (D(2027, 10, 31), D(2027, 11, 30), D(2027, 9, 30)),
    (D(2027, 11, 30), D(2027, 12, 30), D(2027, 10, 30)),
    (D(2027, 12, 31), D(2028, 1, 31), D(2027, 11, 30)),
    (D(2028, 1, 31), D(2028, 2, 29), D(2027, 12, 31)),
    (D(2028, 2, 29), D(2028, 3, 29), D(2028, 1, 29)),
    (D(2028, 3, 31), D(2028, 4, 30), D(2028, 2, 29)),
    (D(2028, 3, 30), D(2028, 4, 30), D(2028, 2, 29)),
    (D(2028, 3, 29), D(2028, 4, 29), D(2028, 2, 29)),
    (D(2028, 3, 28), D(2028, 4, 28), D(2028, 2, 28)),
]


@pytest.mark.parametrize(("day", "next_month", "previous_month"), MONTH_ENDS)
def test_add_months_at_every_month_end(day, next_month, previous_month):
    assert (add_months(day, 1), add_months(day, -1)) == (next_month, previous_month)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2028, 2, 29), 12, D(2029, 2, 28)),
        (D(2028, 2, 29), 48, D(2032, 2, 29)),
        (D(2028, 2, 29), -12, D(2027, 2, 28)),
        (D(2027, 2, 28), 12, D(2028, 2, 28)),
        (D(2027, 2, 28), -12, D(2026, 2, 28)),
        (D(2027, 8, 31), 6, D(2028, 2, 29)),
        (D(2027, 8, 31), -6, D(2027, 2, 28)),
        (D(2026, 10, 31), -6, D(2026, 4, 30)),
        (D(2026, 11, 2), 0, D(2026, 11, 2)),
        (D(2026, 11, 30), 0, D(2026, 11, 30)),
        (D(2026, 12, 31), 14, D(2028, 2, 29)),
        (D(2026, 1, 31), -13, D(2024, 12, 31)),
    ],
)
def test_add_months_across_years_and_leap_days(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("earlier", "later", "months"),
    [
        # A month-end anniversary is the last day of the shorter month (as add_months).
        (D(2026, 1, 31), D(2026, 2, 27), 0),
        (D(2026, 1, 31), D(2026, 2, 28), 1),
        (D(2028, 1, 31), D(2028, 2, 28), 0),
        (D(2028, 1, 31), D(2028, 2, 29), 1),
        (D(2026, 3, 31), D(2026, 4, 29), 0),
        (D(2026, 3, 31), D(2026, 4, 30), 1),
        (D(2026, 4, 30), D(2026, 10, 31), 6),
        (D(2026, 4, 30), D(2026, 10, 29), 5),
        (D(2026, 4, 30), D(2026, 10, 30), 6),
        (D(2028, 2, 29), D(2029, 2, 28), 12),
        (D(2028, 2, 29), D(2029, 2, 27), 11),
        (D(2027, 2, 28), D(2028, 2, 28), 12),
        (D(2027, 2, 28), D(2028, 2, 27), 11),
        (D(2027, 2, 28), D(2028, 2, 29), 12),
        (D(2026, 12, 31), D(2027, 1, 30), 0),
        (D(2026, 12, 31), D(2027, 1, 31), 1),
        (D(2026, 8, 31), D(2027, 2, 28), 6),
        # The same day: no month.
        (D(2028, 2, 29), D(2028, 2, 29), 0),
        (D(2026, 10, 31), D(2026, 10, 31), 0),
    ],
)
def test_months_between_agrees_with_add_months_at_month_ends(earlier, later, months):
    assert months_between(earlier, later) == months


def test_a_months_anniversary_is_on_or_before_the_later_day_and_the_next_is_after():
    for earlier, *_ in MONTH_ENDS:
        for later in (D(2028, 2, 28), D(2028, 2, 29), D(2028, 4, 30), D(2029, 1, 31)):
            n = months_between(earlier, later)
            assert add_months(earlier, n) <= later < add_months(earlier, n + 1), (earlier, later)


@pytest.mark.parametrize(
    ("earlier", "later", "months"),
    [
        (D(2026, 1, 15), D(2026, 2, 14), 0),
        (D(2026, 1, 15), D(2026, 2, 15), 1),
        (D(2025, 11, 30), D(2026, 11, 29), 11),
        (D(2025, 11, 30), D(2026, 11, 30), 12),
        (D(2026, 11, 2), D(2026, 11, 2), 0),
    ],
)
def test_months_between_counts_whole_months_to_the_day(earlier, later, months):
    assert months_between(earlier, later) == months


def test_a_session_leaves_a_window_on_the_first_day_its_window_no_longer_holds_it():
    assert leaves_window(D(2026, 11, 2), {"days": 30}) == D(2026, 12, 2)
    assert leaves_window(D(2025, 11, 30), {"months": 12}) == D(2026, 11, 30)
    # A month after 31 January is 28 February, whose window still holds the 31st.
    assert leaves_window(D(2026, 1, 31), {"months": 1}) == D(2026, 3, 1)


def test_a_pack_is_in_force_from_its_first_day_to_its_last_day():
    dated = {"effective_from": "2026-01-01", "effective_to": "2026-11-02"}
    assert [in_force(dated, day) for day in (D(2025, 12, 31), D(2026, 1, 1))] == [False, True]
    assert [in_force(dated, day) for day in (D(2026, 11, 2), D(2026, 11, 3))] == [True, False]
    assert in_force({"effective_from": "", "effective_to": ""}, D(1999, 1, 1)) is True


def _rule(rule_id, code, source="lcd"):
    return {
        "id": rule_id,
        "codes": [code],
        "source": source,
        "check": {"kind": "not_covered", "reason": f"{rule_id} says no."},
    }


def _pack(key, rules, **dates):
    return {
        "key": key,
        "rules": rules,
        "sources": {
            "lcd": {"effective_from": "", "effective_to": ""},
            "ended": {"effective_from": "", "effective_to": "2026-11-01"},
        },
        "effective_from": dates.get("effective_from", ""),
        "effective_to": dates.get("effective_to", ""),
    }


def test_rules_for_other_codes_ended_sources_and_ended_packs_are_skipped_not_the_rest():
    note = facts(D(2026, 11, 2), line("64635", "left", "L4-L5"))
    packs = [
        _pack("ended", [_rule("old", "64635")], effective_to="2026-11-01"),
        _pack(
            "current",
            [
                _rule("other-code", "64633"),
                _rule("ended-source", "64635", source="ended"),
                _rule("applies", "64635"),
            ],
        ),
        _pack("later", [_rule("also", "64635")], effective_from="2026-11-02"),
    ]
    evaluation = evaluate(note, [], packs, payer="Medicare")
    assert [(r.key, r.outcome) for r in evaluation.results] == [
        ("current/applies", Outcome(FAILED, "64635: applies says no.", short="not covered")),
        ("later/also", Outcome(FAILED, "64635: also says no.", short="not covered")),
    ]


# --- planning a procedure: what can be judged before it is done --------------------------

TEMPERATURE = {
    "id": "temperature",
    "title": "Lesion temperature",
    "severity": "blocks",
    "codes": ["64635"],
    "source": "lcd",
    "when": {"element": "technique", "in": ["thermal_rf"], "place_of_service": ["22"]},
    "check": {"kind": "element_value", "element": "rf_temperature", "min": 80, "unit": "C"},
}
TWO_A_YEAR = {
    "id": "two-a-year",
    "title": "Two sessions a year",
    "severity": "blocks",
    "codes": ["64635"],
    "source": "lcd",
    "check": {
        "kind": "sessions_in_window",
        "codes": ["64635"],
        "months": 12,
        "max": 2,
        "match": ["side"],
        "what": "RF session",
    },
}
NOT_COVERED = {
    "id": "not-covered",
    "title": "Not covered",
    "severity": "blocks",
    "codes": ["64635"],
    "source": "lcd",
    "check": {"kind": "not_covered"},
}
PLANNED = facts(D(2026, 11, 2), line("64635", "left", "L4-L5"), place="22")


def test_a_documentation_rule_is_to_document_when_planning_and_judged_once_done():
    pack = _pack("p", [TEMPERATURE])
    assert run_rule(pack, TEMPERATURE, PLANNED, [], planning=True) == Outcome(
        TO_DOCUMENT, "To document in the note."
    )
    # Done, the note's answers are judged too: no technique, so the rule does not apply.
    not_applicable = Outcome(
        NOT_APPLICABLE, "Applies only when technique is thermal rf and place of service is 22."
    )
    assert run_rule(pack, TEMPERATURE, PLANNED, []) == not_applicable
    # Planned elsewhere than the rule's place of service, it does not apply either way.
    at_the_office = dataclasses.replace(PLANNED, place_of_service="11")
    assert run_rule(pack, TEMPERATURE, at_the_office, [], planning=True) == not_applicable


def test_a_note_without_payer_is_not_judged_claim_ready():
    evaluation = evaluate(PLANNED, [], [_pack("p", [TEMPERATURE])])
    assert (evaluation.payer, evaluation.state) == ("", NO_PAYER)


# --- the eligibility sentence: every line, every reason, the payer kept ------------------

TWO_LINES = facts(
    D(2026, 11, 2), line("64635", "left", "L4-L5"), line("64636", "left", "L5-S1"), place="22"
)
TWO_EARLIER = [
    facts(D(2026, 1, 10), line("64635", "left", "L4-L5")),
    facts(D(2026, 6, 1), line("64635", "left", "L4-L5")),
]


def test_a_window_rule_names_both_lines_and_the_later_date_for_the_same_payer():
    result = eligibility(TWO_LINES, TWO_EARLIER, [_pack("p", [TWO_A_YEAR])], payer="Medicare")
    assert (result.eligible, result.date) == (False, D(2027, 1, 10))
    assert (result.evaluation.payer, result.later.payer) == ("Medicare", "Medicare")
    assert result.later.claim_ready is True
    assert result.sentence() == (
        "Not eligible for 64635 L4-L5 left, 64636 L5-S1 left on 11/02/2026: "
        "3 RF sessions in 12 months. It would be eligible from 01/10/2027"
    )


def test_two_reasons_one_no_date_can_cure_are_both_named_and_no_date_is_given():
    pack = _pack("p", [TWO_A_YEAR, NOT_COVERED])
    result = eligibility(TWO_LINES, TWO_EARLIER, [pack])
    assert (result.eligible, result.date, result.later) == (False, None, None)
    assert result.evaluation.payer == ""
    assert result.sentence() == (
        "Not eligible for 64635 L4-L5 left, 64636 L5-S1 left on 11/02/2026: "
        "3 RF sessions in 12 months; not covered. No later date makes it eligible"
    )


def test_eligible_with_nothing_met_to_cite_says_so_and_no_more():
    result = eligibility(PLANNED, [], [_pack("p", [TEMPERATURE])], payer="Medicare")
    assert (result.eligible, result.date, result.support) == (True, D(2026, 11, 2), [])
    assert [r.status for r in result.to_document] == [TO_DOCUMENT]
    assert result.sentence() == "Eligible for 64635 L4-L5 left on 11/02/2026"


def test_a_window_is_named_in_the_singular_for_one_month_or_one_day():
    texts = [window_text(p) for p in ({"months": 1}, {"months": 6}, {"days": 1}, {"days": 14})]
    assert texts == ["1 month", "6 months", "1 day", "14 days"]


def test_a_days_window_starts_that_many_days_before_the_date_of_service():
    assert window_start(D(2026, 11, 2), {"days": 14}) == D(2026, 10, 19)
    assert window_start(D(2028, 3, 1), {"days": 1}) == D(2028, 2, 29)
    assert window_start(D(2026, 10, 31), {"months": 6}) == D(2026, 4, 30)
