"""Tallies or not: the dashboard's figures from the tallies against the notes' own
covering-index aggregates, and what the tally triggers cost a save (not a test).

    .venv/bin/python benchmarks/tally_choice.py --url postgres://postgres@127.0.0.1:54392/review_bench_100000
    .venv/bin/python benchmarks/tally_choice.py --smoke     # 50 notes in a scratch SQLite file

--url is a database review_dashboard.py seeded (review_bench_<N>). Both halves run in this
process, interleaved, so the machine's load weighs on both sides alike:
- `dashboard_data(request, use_tallies=...)` plus its page of notes, per view;
- saves of drafts with the triggers installed and with them dropped inside the same
  rolled-back transaction (nothing is kept).
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class _Rollback(Exception):
    pass


def _setup(url):
    os.environ.update(
        DATABASE_URL=url, DEBUG="0", LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="config.settings"
    )
    import django

    django.setup()


def _views():
    from django.utils import timezone

    start = timezone.localdate() - datetime.timedelta(days=90)
    return {
        "all notes": {},
        "last 90 days": {"dos_from": start.isoformat()},
        "one code, drafts": {"code": "64633", "status": "draft"},
    }


def figures(repeat):
    """Median wall ms per view, with the tallies and from the notes."""
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from review.views import dashboard_data

    user = get_user_model().objects.get(username="manager")

    def run(params, tallies):
        request = RequestFactory().get("/review/", params)
        request.user = user
        started = time.perf_counter()
        data = dashboard_data(request, use_tallies=tallies)
        list(data["page"].object_list)
        return time.perf_counter() - started, data["total"].notes

    rows = {}
    for label, params in _views().items():
        times = {True: [], False: []}
        for tallies in (True, False):
            run(params, tallies)
        for _ in range(repeat):
            counted = set()
            for tallies in (True, False):
                elapsed, notes = run(params, tallies)
                times[tallies].append(elapsed)
                counted.add(notes)
            assert len(counted) == 1, f"{label}: the two paths disagree ({counted})"
        rows[label] = [statistics.median(times[t]) * 1000 for t in (True, False)]
    return rows


def _typed(note):
    """The note's answers with one text answer typed on (an autosave)."""
    answers = dict(note.answers or {})
    for key, answer in answers.items():
        value = answer.get("value")
        if isinstance(value, str) and value and not value[:4].isdigit():
            answers[key] = {**answer, "value": value + " x"}
            return answers
    return None


def _one_more(note):
    """The note's answers with one more text element answered (a gap closes)."""
    answers = dict(note.answers or {})
    for element in note.definitions.get("elements", []):
        if element["key"] not in answers and element["input_type"] in ("text", "long_text"):
            answers[element["key"]] = {"value": "Synthetic test text"}
            return answers
    return None


def write_cost(saves):
    """Median wall ms of a save with the triggers and without them."""
    from django.db import connection, transaction

    from checklists import services
    from checklists.models import Note
    from review import tally_triggers

    drafts = list(
        Note.objects.filter(status=Note.Status.DRAFT, required_missing__gt=1).order_by("-pk")[
            :saves
        ]
    )

    def save(note, make, triggers):
        answers = make(note)
        if answers is None:
            return None
        try:
            with transaction.atomic():
                if not triggers:
                    tally_triggers.uninstall(connection)  # undone by the rollback
                fresh = Note.objects.select_related("snapshot", "patient").get(pk=note.pk)
                started = time.perf_counter()
                services.save_note(
                    fresh, version=fresh.version, answers=answers, actor=fresh.clinician
                )
                elapsed = time.perf_counter() - started
                raise _Rollback
        except _Rollback:
            return elapsed

    rows = {}
    kinds = (("autosave (one answer typed)", _typed), ("save closing a gap", _one_more))
    for label, make in kinds:
        times = {True: [], False: []}
        for note in drafts:
            for triggers in (True, False):
                elapsed = save(note, make, triggers)
                if elapsed is not None:
                    times[triggers].append(elapsed)
        rows[label] = [
            statistics.median(times[t]) * 1000 if times[t] else float("nan") for t in (True, False)
        ] + [len(times[True])]
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a seeded database (review_dashboard.py's review_bench_N)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--saves", type=int, default=60)
    parser.add_argument("--smoke", action="store_true", help="50 notes in a scratch SQLite file")
    options = parser.parse_args()
    scratch = None
    if options.smoke:
        scratch = tempfile.TemporaryDirectory(prefix="tally-choice-smoke-")
        options.url = f"sqlite:///{Path(scratch.name) / 'smoke.sqlite3'}"
        options.repeat, options.saves = 1, 5
        env = os.environ | {"DATABASE_URL": options.url, "PYTHONPATH": str(ROOT)}
        for command in (["migrate", "--no-input", "-v", "0"], ["load_catalog"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
    if not options.url:
        parser.error("--url or --smoke")
    _setup(options.url)
    from django.db import connection

    from checklists.models import Note

    if options.smoke:
        from checklists.demo_notes import generate_notes
        from practice.demo import seed_practice

        seed_practice()
        generate_notes(50)
    notes = Note.objects.count()
    print(f"{notes:,} notes on {connection.vendor}, load average {os.getloadavg()[0]:.1f}")
    print(f"{'dashboard figures, median ms':34}{'tallies':>10}{'notes':>10}{'ratio':>8}")
    for label, (tallied, counted) in figures(options.repeat).items():
        print(f"{label:34}{tallied:10.1f}{counted:10.1f}{counted / tallied:7.1f}x")
    print(f"{'a save, median ms':34}{'triggers':>10}{'none':>10}{'saves':>8}")
    for label, (with_triggers, without, count) in write_cost(options.saves).items():
        print(f"{label:34}{with_triggers:10.2f}{without:10.2f}{count:8}")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
