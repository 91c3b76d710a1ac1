"""Facts read from the patient's earlier notes: exact answers and sources, boundaries."""

import datetime

from checklists.completeness import assess
from checklists.history_prefill import PastNote, months_before, prefill, whole_months_between
from checklists.snapshot import build_definitions

DAY = datetime.date(2026, 11, 20)
ALL = {
    "mbb1_date",
    "mbb1_relief",
    "mbb2_date",
    "mbb2_relief",
    "prognostic_block_date",
    "prognostic_block_relief",
    "prior_rf_same_region",
    "prior_rf_date",
    "rf_sessions_region_12mo",
    "site_injections_6mo",
    "last_toxin_date",
}


def past(pk, date, codes, sites=(), relief=None):
    answers = {"block_relief_percent": {"value": relief}} if relief else {}
    return PastNote(pk, date, tuple(codes), tuple(sites), answers)


def test_months_before_keeps_the_day_or_the_months_last():
    assert months_before(DAY, 6) == datetime.date(2026, 5, 20)
    assert months_before(datetime.date(2026, 8, 31), 6) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2026, 3, 15), 12) == datetime.date(2025, 3, 15)


def test_a_lumbar_rf_gets_its_two_blocks_and_the_earlier_session():
    history = [
        past(1, datetime.date(2025, 9, 1), ["64493"], ["L4-L5"], relief="90"),
        past(2, datetime.date(2025, 9, 20), ["64493", "64494"], ["L4-L5", "L5-S1"], "85"),
        past(3, datetime.date(2026, 3, 2), ["64635", "64636"], ["L4-L5", "L5-S1"]),
        past(4, datetime.date(2025, 10, 1), ["64633"], ["C3-C4"]),  # another region
    ]
    found = prefill(element_keys=ALL, codes=["64635"], sites=["L4-L5"], date=DAY, past=history)
    assert found == {
        "mbb1_date": ({"value": "2025-09-01"}, "note 1 of 09/01/2025 (L4-L5)"),
        "mbb1_relief": ({"value": "90"}, "note 1 of 09/01/2025 (L4-L5)"),
        "mbb2_date": ({"value": "2025-09-20"}, "note 2 of 09/20/2025 (L4-L5, L5-S1)"),
        "mbb2_relief": ({"value": "85"}, "note 2 of 09/20/2025 (L4-L5, L5-S1)"),
        "prognostic_block_date": ({"value": "2025-09-20"}, "note 2 of 09/20/2025 (L4-L5, L5-S1)"),
        "prognostic_block_relief": ({"value": "85"}, "note 2 of 09/20/2025 (L4-L5, L5-S1)"),
        "prior_rf_same_region": ({"value": "yes"}, "note 3 of 03/02/2026 (L4-L5, L5-S1)"),
        "prior_rf_date": ({"value": "2026-03-02"}, "note 3 of 03/02/2026 (L4-L5, L5-S1)"),
        "rf_sessions_region_12mo": (
            {"value": "1"},
            "lumbar facets: this practice's signed notes since 11/20/2025",
        ),
    }


def with_duration(pk, date, codes, months, sites=()):
    return PastNote(
        pk, date, tuple(codes), tuple(sites), {"pain_duration_months": {"value": months}}
    )


def test_whole_months_are_counted_down_never_up():
    assert whole_months_between(datetime.date(2026, 5, 1), datetime.date(2026, 11, 20)) == 6
    assert whole_months_between(datetime.date(2026, 5, 20), DAY) == 6
    assert whole_months_between(datetime.date(2026, 5, 21), DAY) == 5
    assert whole_months_between(datetime.date(2026, 1, 31), datetime.date(2026, 2, 28)) == 0
    assert whole_months_between(datetime.date(2024, 12, 20), DAY) == 23


def test_the_pain_duration_is_the_latest_related_notes_plus_the_whole_months_since():
    history = [
        with_duration(1, datetime.date(2025, 9, 1), ["64493"], "12", ["L4-L5"]),
        with_duration(2, datetime.date(2026, 5, 1), ["64635", "64636"], "18", ["L4-L5"]),
        with_duration(3, datetime.date(2026, 8, 1), ["64633"], "40"),  # neck: another pain
        with_duration(4, datetime.date(2026, 11, 21), ["64635"], "99"),  # after today
    ]
    found = prefill(
        element_keys={"pain_duration_months"}, codes=["64635"], sites=[], date=DAY, past=history
    )
    assert found == {
        "pain_duration_months": (
            {"value": "24"},
            "18 months on note 2 of 05/01/2026 (L4-L5) + 6 whole months since",
        )
    }
    # A block of the same region counts too; a fraction is kept as recorded.
    blocks = [with_duration(1, datetime.date(2026, 9, 25), ["64494"], "7.5")]
    found = prefill(
        element_keys={"pain_duration_months"}, codes=["64636"], sites=[], date=DAY, past=blocks
    )
    assert found == {
        "pain_duration_months": (
            {"value": "8.5"},
            "7.5 months on note 1 of 09/25/2026 + 1 whole month since",
        )
    }


def test_no_related_note_with_a_duration_offers_none():
    history = [
        with_duration(1, datetime.date(2026, 8, 1), ["64633"], "40"),
        past(2, datetime.date(2026, 9, 1), ["64635"]),  # no duration recorded
    ]
    found = prefill(
        element_keys={"pain_duration_months"}, codes=["64635"], sites=[], date=DAY, past=history
    )
    assert found == {}


def test_only_elements_the_note_asks_are_offered_and_later_notes_never_count():
    history = [
        past(1, datetime.date(2026, 11, 21), ["64635"]),
        past(2, datetime.date(2025, 11, 20), ["64635"]),  # exactly 12 months: not within
    ]
    found = prefill(
        element_keys={"rf_sessions_region_12mo"}, codes=["64635"], sites=[], date=DAY, past=history
    )
    assert found == {
        "rf_sessions_region_12mo": (
            {"value": "0"},
            "lumbar facets: this practice's signed notes since 11/20/2025",
        )
    }


def test_morton_injections_count_the_same_interspace_in_six_months_plus_today():
    history = [
        past(1, datetime.date(2026, 5, 20), ["64632"], ["3rd"]),  # exactly 6 months: out
        past(2, datetime.date(2026, 6, 1), ["64632"], ["3rd"]),
        past(3, datetime.date(2026, 8, 1), ["64455"], ["3 rd"]),
        past(4, datetime.date(2026, 9, 1), ["64632"], ["2nd"]),  # another interspace
    ]
    found = prefill(element_keys=ALL, codes=["64632"], sites=["3rd"], date=DAY, past=history)
    assert found == {
        "site_injections_6mo": (
            {"value": "3"},
            "2 earlier in this practice's signed notes since 05/20/2026, plus today",
        )
    }


def test_the_64632_justification_is_required_only_above_three_injections(catalog):
    definitions = build_definitions(["64632"])
    elements = definitions["elements"]

    def missing(count):
        answers = {"site_injections_6mo": {"value": count}}
        return [g.key for g in assess(elements, answers).missing_required]

    assert "repeat_injection_justification" not in missing("2")
    assert "repeat_injection_justification" not in missing("3")
    assert "repeat_injection_justification" in missing("4")
    assert "repeat_injection_justification" in missing("30")
