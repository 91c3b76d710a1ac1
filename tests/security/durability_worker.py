"""Run by test_durability in a child process: set up, save forever, or check a note.

python durability_worker.py setup|save|check   (DATABASE_URL points at a SQLite file)
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from io import StringIO  # noqa: E402

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402

from checklists import services  # noqa: E402
from checklists.models import Note, NoteGap  # noqa: E402
from checklists.services import assess_completeness  # noqa: E402
from practice.demo import seed_practice  # noqa: E402
from practice.models import Patient  # noqa: E402
from tests.notes import complete_answers  # noqa: E402

LINES = [{"code": "64681", "units": 1, "modifiers": [], "side": "", "site": ""}]


def answer_sets(note):
    full = complete_answers(note.definitions, "chemical")
    half = {k: v for i, (k, v) in enumerate(sorted(full.items())) if i % 2 == 0}
    return full, half


def setup():
    call_command("migrate", verbosity=0)
    call_command("load_catalog", stdout=StringIO())
    seed_practice()
    note = services.create_note(
        clinician=User.objects.get(username="dr.demo"),
        patient=Patient.objects.get(mrn="DEMO-0001"),
        date_of_service="2026-11-02",
        place_of_service="22",
        lines=LINES,
    )
    print(note.pk)


def save():
    note = Note.objects.get()
    user = note.clinician
    sets = answer_sets(note)
    count = 0
    while True:
        note = services.save_note(
            note, version=note.version, answers=sets[count % 2], lines=LINES, actor=user
        )
        count += 1
        print(count, flush=True)


def check():
    note = Note.objects.get()
    full, half = answer_sets(note)
    gaps = set(NoteGap.objects.filter(note=note).values_list("element_key", flat=True))
    expected_gaps = {g.key for g in assess_completeness(note).missing}
    print(
        json.dumps(
            {
                "matches_a_whole_save": note.answers in (full, half),
                "gaps_consistent": gaps == expected_gaps,
                "counters_consistent": note.required_missing
                == len(
                    [g for g in assess_completeness(note).missing if g.requirement == "required"]
                ),
                "lines": note.lines.count(),
                "version": note.version,
            }
        )
    )


{"setup": setup, "save": save, "check": check}[sys.argv[1]]()
