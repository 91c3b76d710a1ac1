"""Database side of benchmarks/load_test.py, run in its own process.

    python benchmarks/load_test_db.py prepare CLINICIANS MANAGERS PASSWORD [--patients N]
    python benchmarks/load_test_db.py verify < acknowledged.json
Both print one JSON line.
"""

import datetime
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import CommandError, call_command  # noqa: E402

from checklists.completeness import applicable_elements  # noqa: E402
from checklists.models import Note  # noqa: E402
from checklists.snapshot import build_definitions  # noqa: E402
from practice.models import Patient  # noqa: E402
from practice.roles import CLINICIAN, MANAGER  # noqa: E402
from tests.notes import complete_answers  # noqa: E402

CODES = ("64681", "64640", "64632")


def form_value(value):
    """An answer as the note form takes it: coded diagnoses are ICD-10-CM codes, one a line."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "\n".join(item["code"] for item in value)
    return value


def prepare(clinicians, managers, password, patients):
    for role, names in (
        (CLINICIAN, [f"clin{i:02d}" for i in range(clinicians)]),
        (MANAGER, [f"mgr{i}" for i in range(managers)]),
    ):
        group = Group.objects.get(name=role)
        for name in names:
            user, _ = User.objects.get_or_create(
                username=name, defaults={"first_name": "Load", "last_name": name}
            )
            user.set_password(password)
            user.save()
            user.groups.add(group)
    # A practice's patient list, not the six demo patients: with six, every signature
    # re-checks the payer rules of a history that grows by a note a second.
    existing = Patient.objects.filter(mrn__startswith="LOAD-").count()
    Patient.objects.bulk_create(
        Patient(
            first_name=f"Load{n:05d}",
            last_name="Synthetic",
            date_of_birth=datetime.date(1940, 1, 1) + datetime.timedelta(days=97 * n),
            mrn=f"LOAD-{n:05d}",
        )
        for n in range(existing, patients)
    )
    answers = {}
    for code in CODES:
        filled = complete_answers(build_definitions([code]), "chemical")
        answers[code] = {key: form_value(answer["value"]) for key, answer in filled.items()}
    # Only the run's own patients: a demo patient's signed notes of the same day would make
    # the claim scrubber (rightly) refuse the run's note for that day.
    own = Patient.objects.filter(mrn__startswith="LOAD-").values_list("pk", flat=True)
    return {"patients": list(own), "answers": answers}


def _comparable(values: dict) -> dict:
    # The server stores numbers as decimal strings and pain scores as integers.
    return {key: str(value) for key, value in values.items()}


def verify(acknowledged: dict):
    saved = acknowledged["saved"]
    notes = Note.objects.filter(pk__in=[int(pk) for pk in saved])
    mismatch = []
    for note in notes:
        stored = {k: form_value(v["value"]) for k, v in note.answers.items() if "value" in v}
        sent = saved[str(note.pk)]
        if note.is_signed:
            # Signing drops the answers whose condition no longer applies, and only those.
            answered = {k: {"value": v} for k, v in sent.items()}
            kept = {e["key"] for e in applicable_elements(note.definitions["elements"], answered)}
            sent = {k: v for k, v in sent.items() if k in kept}
        if _comparable(stored) != _comparable(sent):
            mismatch.append(note.pk)
    signed = Note.objects.filter(pk__in=acknowledged["signed"]).exclude(status=Note.Status.DRAFT)
    try:
        call_command("verify_audit", stdout=open(os.devnull, "w"))  # noqa: SIM115
        audit = "intact"
    except CommandError as error:
        audit = str(error)
    return {
        "checked": len(saved),
        "found": notes.count(),
        "mismatch": mismatch[:10],
        "signed_checked": len(acknowledged["signed"]),
        "signed_found": signed.count(),
        "audit": audit,
    }


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        patients = int(sys.argv[6]) if sys.argv[5:6] == ["--patients"] else 6
        result = prepare(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], patients)
    else:
        result = verify(json.load(sys.stdin))
    print(json.dumps(result))
