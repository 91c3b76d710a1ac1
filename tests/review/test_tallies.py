"""The dashboard's tallies stay equal to a recount of the notes, whatever writes them."""

import datetime

import pytest
from django.db import connection
from django.db.models import Sum

from checklists import services
from checklists.models import CodeLine, Note, NoteGap
from review import tally_triggers
from review.models import (
    TALLIES,
    CodePairTally,
    CodeTally,
    GapCodeTally,
    GapTally,
    NoteCodeTally,
    NoteTally,
)
from tests.notes import DOS, LINES, make_note, sign
from tests.tampering import guards_dropped

from .helpers import clone_notes, make_note_missing, required_keys

pytestmark = pytest.mark.django_db


def tallies() -> dict:
    """Every tally row that counts something, as {(model, key...): notes}."""
    found = {}
    for model in TALLIES:
        keys = tally_triggers.KEYS[model._meta.db_table]
        for row in model.objects.exclude(note_count=0).values(*keys, "note_count"):
            key = (model.__name__, *(str(row[k]) for k in keys))
            found[key] = row["note_count"]
    return found


def assert_tallies_match_a_recount():
    kept = tallies()
    tally_triggers.rebuild(connection)
    assert kept == tallies()
    assert not any(count < 0 for count in kept.values())


def test_it_counts_notes_created_saved_signed_and_amended(clinician, patient):
    draft = make_note(clinician, patient, "64643")
    signed = make_note(clinician, patient, "64681", complete=True)
    sign(signed, clinician)
    amended = make_note(clinician, patient, "64640", complete=True)
    amended = sign(amended, clinician)
    services.add_addendum(amended, author=clinician, reason="Correction", text="Synthetic.")
    assert_tallies_match_a_recount()

    assert (
        NoteTally.objects.filter(months=1)
        .filter(status="draft")
        .values_list("note_count", flat=True)
        .get()
        == 1
    )
    assert (
        sum(
            CodeTally.objects.filter(months=1)
            .filter(code="64643")
            .values_list("note_count", flat=True)
        )
        == 1
    )
    missing = draft.gaps.count()
    assert (
        missing
        and sum(GapTally.objects.filter(months=1).values_list("note_count", flat=True)) >= missing
    )


def notes_by_completeness() -> dict:
    """{complete: notes} as the tallies count them."""
    rows = (
        NoteTally.objects.filter(months=1).exclude(note_count=0).values_list("complete").order_by()
    )
    return dict(rows.annotate(notes=Sum("note_count")))


def test_it_follows_a_note_from_incomplete_to_complete(clinician, patient):
    answers = make_note(clinician, patient, complete=True).answers
    missing = required_keys(Note.objects.get())
    note = make_note_missing(clinician, patient, missing=missing)
    assert notes_by_completeness() == {True: 1, False: 1}
    assert sum(GapTally.objects.filter(months=1).values_list("note_count", flat=True)) == len(
        missing
    )

    services.save_note(note, version=note.version, answers=answers, actor=clinician)
    assert notes_by_completeness() == {True: 2}
    assert sum(GapTally.objects.filter(months=1).values_list("note_count", flat=True)) == 0
    assert_tallies_match_a_recount()


def test_it_counts_a_note_once_per_code_with_two_lines_of_it(clinician, patient):
    line = {"code": "64640", "units": 1, "modifiers": ["LT"], "side": "left", "site": "a"}
    note = make_note(
        clinician, patient, lines=[line, {**line, "modifiers": ["RT"], "side": "right"}]
    )
    assert list(
        CodeTally.objects.filter(months=1).exclude(note_count=0).values_list("code", "note_count")
    ) == [("64640", 1)]
    CodeLine.objects.filter(note=note, position=1).delete()
    assert list(
        CodeTally.objects.filter(months=1).exclude(note_count=0).values_list("code", "note_count")
    ) == [("64640", 1)]
    CodeLine.objects.filter(note=note).update(code="64641")
    assert list(
        CodeTally.objects.filter(months=1).exclude(note_count=0).values_list("code", "note_count")
    ) == [("64641", 1)]
    assert_tallies_match_a_recount()


def _pairs():
    return sorted(
        CodePairTally.objects.filter(months=1)
        .exclude(note_count=0)
        .values_list("code", "other_code", "note_count")
    )


def test_it_counts_each_pair_of_codes_billed_together_and_follows_line_changes(clinician, patient):
    note = make_note(clinician, patient, "64643")  # 64642 and 64643
    other = make_note(clinician, patient, "64681")
    assert _pairs() == [
        ("64642", "64642", 1),
        ("64642", "64643", 1),
        ("64643", "64642", 1),
        ("64643", "64643", 1),
        ("64681", "64681", 1),
    ]
    gaps = note.gaps.count()
    assert sum(
        GapCodeTally.objects.filter(months=1)
        .filter(code="64643")
        .values_list("note_count", flat=True)
    ) == (gaps)

    CodeLine.objects.filter(note=note, code="64643").update(code="64644")
    assert ("64642", "64644", 1) in _pairs() and ("64643", "64642", 1) not in _pairs()
    assert_tallies_match_a_recount()

    CodeLine.objects.filter(note=note, code="64644").update(note=other)
    assert ("64681", "64644", 1) in _pairs() and ("64642", "64644", 1) not in _pairs()
    assert_tallies_match_a_recount()

    CodeLine.objects.filter(note=other).delete()
    assert [pair for pair in _pairs() if "64681" in pair] == []
    assert (
        not NoteCodeTally.objects.filter(months=1)
        .filter(code="64681")
        .exclude(note_count=0)
        .exists()
    )
    assert_tallies_match_a_recount()


def test_a_save_that_changes_the_codes_moves_the_note_between_codes(clinician, patient):
    note = make_note(clinician, patient, "64643")
    services.save_note(
        note, version=note.version, answers={}, lines=LINES["64681"], actor=clinician
    )
    assert _pairs() == [("64681", "64681", 1)]
    assert set(
        GapCodeTally.objects.filter(months=1).exclude(note_count=0).values_list("code", flat=True)
    ) == {"64681"}
    assert_tallies_match_a_recount()


def test_it_follows_updates_that_bypass_the_services(clinician, other_clinician, patient):
    note = make_note(clinician, patient, "64643")
    Note.objects.filter(pk=note.pk).update(
        date_of_service=DOS - datetime.timedelta(days=40), place_of_service="11"
    )
    Note.objects.filter(pk=note.pk).update(clinician=other_clinician)
    NoteGap.objects.filter(note=note).update(requirement="recommended")
    NoteGap.objects.filter(note=note).first().delete()
    assert_tallies_match_a_recount()


def test_it_counts_bulk_created_notes_and_deleted_ones(clinician, patient):
    template = make_note(clinician, patient, "64643")
    clones = clone_notes(template, 30)
    assert_tallies_match_a_recount()
    assert sum(NoteTally.objects.filter(months=1).values_list("note_count", flat=True)) == 31

    for note in clones[:10]:
        note.delete()
    assert_tallies_match_a_recount()
    assert sum(NoteTally.objects.filter(months=1).values_list("note_count", flat=True)) == 21


def test_days_to_signature_use_the_local_calendar(clinician, patient):
    note = sign(make_note(clinician, patient, "64681", complete=True), clinician)
    # 23:30 in New York on the day of service is the next day in UTC.
    late = datetime.datetime(2026, 11, 3, 4, 30, tzinfo=datetime.UTC)
    with guards_dropped():  # signed late, as if at 23:30 on the day of service
        Note.objects.filter(pk=note.pk).update(signed_at=late)
    assert list(
        NoteTally.objects.filter(months=1)
        .exclude(note_count=0)
        .values_list("days_to_sign", flat=True)
    ) == [0]
    assert_tallies_match_a_recount()


def _figures(rf, manager, params, *, use_tallies):
    from review.views import dashboard_data

    request = rf.get("/review/", params)
    request.user = manager
    data = dashboard_data(request, use_tallies=use_tallies)
    total = data["total"]
    return {
        "total": (total.notes, total.complete, total.drafts, total.old_drafts, total.open_queries),
        "days": total.days_to_sign,
        "clinicians": [
            (g.key, g.notes, g.complete, g.drafts, g.old_drafts, g.open_queries)
            for g in data["per_clinician"]
        ],
        "codes": [(g.key, g.notes, g.complete) for g in data["per_code"]],
        "missing": [(m.element_key, m.requirement, m.notes, m.label) for m in data["missing"]],
    }


@pytest.fixture
def notes_over_months(clinician, other_clinician, patient, manager):
    """Notes over four months: drafts and signed, complete or not, two clinicians, two
    places, an amended note and an open query."""
    from review import queries

    incomplete = make_note(clinician, patient, "64643")
    clone_notes(incomplete, 40, start=datetime.date(2026, 11, 20))
    partly = make_note_missing(
        other_clinician, patient, "64640", missing=required_keys(make_note(clinician, patient))[:1]
    )
    clone_notes(partly, 25, start=datetime.date(2026, 10, 10))
    for index in range(4):
        note = make_note(clinician, patient, "64681", complete=True)
        Note.objects.filter(pk=note.pk).update(
            date_of_service=datetime.date(2026, 9, 27) + datetime.timedelta(days=index * 2),
            place_of_service="11",
        )
        sign(note, clinician)
    amended = sign(make_note(other_clinician, patient, "64640", complete=True), other_clinician)
    services.add_addendum(amended, author=other_clinician, reason="Correction", text="Synthetic.")
    queries.open_query(note=incomplete, manager=manager, message="Please document the agent.")


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"dos_from": "2026-09-01"},
        {"dos_from": "2026-09-15"},
        {"dos_to": "2026-10-12"},
        {"dos_from": "2026-10-02", "dos_to": "2026-10-12"},
        {"dos_from": "2026-09-29", "dos_to": "2026-11-30"},
        {"status": "draft"},
        {"status": "signed", "place": "11"},
        {"completeness": "incomplete", "dos_from": "2026-10-05"},
        {"completeness": "complete"},
        {"clinician": "OTHER"},
        {"older": "30"},
        {"older": "9", "dos_from": "2026-11-05"},
        {"older": "45", "dos_to": "2026-10-20"},
        {"code": "64643"},
        {"code": "64642", "status": "draft", "dos_from": "2026-11-05"},
        {"code": "64640", "dos_from": "2026-10-02", "dos_to": "2026-10-12"},
        {"code": "64681", "completeness": "complete", "place": "11"},
        {"code": "64640", "clinician": "OTHER", "status": "amended"},
        {"dos_from": "2026-11-20", "dos_to": "2026-11-20"},
        {"dos_from": "2026-10-31", "dos_to": "2026-11-01", "status": "draft"},
        {"older": "20", "dos_from": "2026-10-16", "dos_to": "2026-11-14"},
        {"code": "64640", "dos_from": "2026-10-16", "completeness": "incomplete"},
    ],
)
def test_the_tallies_give_the_figures_the_notes_give(
    rf, manager, other_clinician, notes_over_months, params
):
    params = {k: str(other_clinician.pk) if v == "OTHER" else v for k, v in params.items()}
    tallied = _figures(rf, manager, params, use_tallies=True)
    assert tallied == _figures(rf, manager, params, use_tallies=False)
    assert tallied["total"][0] > 0 or params.get("dos_to") == "2026-10-12"


def test_filters_the_tallies_do_not_key_use_the_notes(rf, manager, notes_over_months, monkeypatch):
    from review import tallied

    def refuse(*args, **kwargs):
        raise AssertionError("tallies used")

    monkeypatch.setattr(tallied, "by_clinician", refuse)
    assert _figures(rf, manager, {"below": "50"}, use_tallies=True)["total"][0] == 42
    with pytest.raises(AssertionError):
        _figures(rf, manager, {"status": "draft"}, use_tallies=True)


def test_lost_triggers_are_put_back_and_the_tallies_recounted(clinician, patient):
    make_note(clinician, patient, "64643")
    tally_triggers.uninstall(connection)
    make_note(clinician, patient, "64681")  # not counted: no triggers
    assert tally_triggers.ensure(connection) is True
    assert sum(NoteTally.objects.filter(months=1).values_list("note_count", flat=True)) == 2
    assert tally_triggers.ensure(connection) is False
    assert_tallies_match_a_recount()


def test_rebuild_tallies_reports_what_it_counted(clinician, patient):
    from io import StringIO

    from django.core.management import call_command

    make_note(clinician, patient, "64643")
    NoteTally.objects.filter(months=1).update(note_count=7)
    out = StringIO()
    call_command("rebuild_tallies", stdout=out)
    assert "Tallies recounted" in out.getvalue()
    assert sum(NoteTally.objects.filter(months=1).values_list("note_count", flat=True)) == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's row layout")
def test_the_large_note_columns_are_stored_last_and_the_snapshot_apart():
    """SQLite reads every column stored after a long value through its overflow pages:
    the dashboard's and the CSV's columns come before the answers, and the catalog
    snapshot (tens of kB) is not in the note row at all."""
    columns = [
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), "checklists_note"
        )
    ]
    assert "definitions" not in columns
    read = ["date_of_service", "status", "required_missing", "signed_at", "element_status"]
    assert max(columns.index(name) for name in read) < columns.index("answers")


@pytest.fixture
def notes_over_years(clinician, other_clinician, patient, manager):
    """Notes over four calendar years (2023 to 2026): drafts in runs of 90 days that cross
    the turns of the years, notes signed years ago, two clinicians and two places."""
    incomplete = make_note(clinician, patient, "64643")
    clone_notes(incomplete, 60, start=datetime.date(2024, 1, 20))  # Oct 2023 - Jan 2024
    clone_notes(incomplete, 30, start=datetime.date(2025, 1, 10))  # Oct 2024 - Jan 2025
    partly = make_note_missing(
        other_clinician, patient, "64640", missing=required_keys(make_note(clinician, patient))[:1]
    )
    clone_notes(partly, 45, start=datetime.date(2024, 7, 1))
    clone_notes(partly, 20, start=datetime.date(2026, 2, 15))
    for day in [
        datetime.date(2023, 12, 31),
        datetime.date(2024, 1, 1),
        datetime.date(2025, 6, 30),
    ]:
        note = make_note(clinician, patient, "64681", complete=True)
        Note.objects.filter(pk=note.pk).update(date_of_service=day, place_of_service="11")
        sign(note, clinician)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"dos_from": "2024-01-01"},
        {"dos_from": "2023-11-15"},
        {"dos_to": "2024-12-31"},
        {"dos_to": "2025-01-05"},
        {"dos_from": "2024-01-01", "dos_to": "2024-12-31"},
        {"dos_from": "2024-02-01", "dos_to": "2025-12-31"},
        {"dos_from": "2023-12-05", "dos_to": "2025-01-20"},
        {"dos_from": "2023-12-31", "dos_to": "2024-01-01"},
        {"older": "400"},
        {"older": "800", "dos_from": "2024-01-01"},
        {"older": "1000", "dos_to": "2025-12-31"},
        {"status": "signed", "dos_to": "2025-06-30"},
        {"clinician": "OTHER", "dos_from": "2023-12-01"},
        {"place": "11", "completeness": "complete"},
        {"code": "64643"},
        {"code": "64643", "status": "draft", "dos_from": "2024-01-01"},
        {"code": "64640", "dos_to": "2024-12-31", "older": "700"},
        {"code": "64681", "dos_from": "2023-12-31", "dos_to": "2025-06-30"},
        {"dos_from": "2024-06-08", "dos_to": "2024-06-28"},
        {"dos_from": "2024-06-09", "dos_to": "2024-06-21", "status": "draft"},
        {"dos_from": "2025-01-02", "older": "700"},
        {"dos_from": "2023-12-29", "dos_to": "2024-01-07", "code": "64643"},
        {"dos_from": "2023-12-31"},
        {"dos_from": "2023-11-30", "dos_to": "2023-12-01", "code": "64643"},
        {"dos_from": "2024-05-16", "dos_to": "2024-06-14", "clinician": "OTHER"},
        {"dos_from": "2025-01-02", "dos_to": "2025-01-02"},
    ],
)
def test_the_year_rows_give_the_figures_the_notes_give(
    rf, manager, other_clinician, notes_over_years, params
):
    params = {k: str(other_clinician.pk) if v == "OTHER" else v for k, v in params.items()}
    tallied = _figures(rf, manager, params, use_tallies=True)
    assert tallied == _figures(rf, manager, params, use_tallies=False)
    assert tallied["total"][0] > 0


def _sums(model, months, period) -> dict:
    """{(period of the row's month, key...): notes} over the rows of one grain."""
    keys = [k for k in tally_triggers.KEYS[model._meta.db_table] if k not in ("month", "months")]
    found = {}
    for row in model.objects.filter(months=months).values("month", *keys, "note_count"):
        key = (period(row["month"]), *(row[k] for k in keys))
        found[key] = found.get(key, 0) + row["note_count"]
    return {key: count for key, count in found.items() if count}


def test_each_grain_holds_the_sum_of_the_finer_one_all_time_years_months_days(
    notes_over_years,
):
    for model in TALLIES:
        every = lambda day: None  # noqa: E731
        year = lambda day: day.year  # noqa: E731
        month = lambda day: (day.year, day.month)  # noqa: E731
        assert _sums(model, tally_triggers.ALL_TIME, every) == _sums(model, 12, every)
        assert set(
            model.objects.filter(months=tally_triggers.ALL_TIME).values_list("month", flat=True)
        ) == {datetime.date(1, 1, 1)}
        assert _sums(model, 12, year) == _sums(model, 1, year)
        assert _sums(model, 1, month) == _sums(model, 0, month)
        assert {
            d.month for d in model.objects.filter(months=12).values_list("month", flat=True)
        } <= {1}
        assert {d.day for d in model.objects.filter(months=1).values_list("month", flat=True)} <= {
            1
        }
    assert {
        m.year for m in NoteTally.objects.filter(months=12).values_list("month", flat=True)
    } == {2023, 2024, 2025, 2026}


def test_a_day_row_counts_the_notes_of_its_day_and_follows_a_moved_note(clinician, patient):
    notes = []
    for day in (datetime.date(2024, 2, 7), datetime.date(2024, 2, 7), datetime.date(2024, 2, 29)):
        note = make_note(clinician, patient, "64643")
        Note.objects.filter(pk=note.pk).update(date_of_service=day)
        notes.append(note)
    Note.objects.filter(pk=notes[1].pk).update(date_of_service=datetime.date(2024, 3, 1))

    def day_rows(rows):
        return sorted(
            rows.filter(months=0).exclude(note_count=0).values_list("month", "note_count")
        )

    assert day_rows(NoteTally.objects) == [
        (datetime.date(2024, 2, 7), 1),
        (datetime.date(2024, 2, 29), 1),
        (datetime.date(2024, 3, 1), 1),
    ]
    assert day_rows(CodeTally.objects.filter(code="64643")) == day_rows(NoteTally.objects)
