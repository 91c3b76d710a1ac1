"""Single-user cost of the clinician's requests (a script, not a test).

Builds a throwaway SQLite database (catalog, demo practice, --notes synthetic notes), signs
in one clinician with the Django test client and times each request of the load test's
journey with no concurrency at all: what one request costs in CPU and queries. The load
test (benchmarks/load_test.py) then shows what queueing adds on top.

    .venv/bin/python benchmarks/request_profile.py                 # the table
    .venv/bin/python benchmarks/request_profile.py --profile edit  # cProfile of one request
    .venv/bin/python benchmarks/request_profile.py --smoke         # each request once, seconds

As in production: DEBUG off (Django keeps no query log, {% static %} reads the manifest of
the static files collected into the scratch folder). Queries are counted by a wrapper that
only counts, so the count costs the request nothing. "wait" is the wall time less this
process's CPU time: the disk (a write's durable commit) and, on a busy machine, the wait
for a core; the floors below the table, timed before each signed download, are the
request's own (/healthz) and the disk's (one durable commit).
"""

import argparse
import atexit
import cProfile
import datetime
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="neurolysis-profile-"))
atexit.register(shutil.rmtree, WORKDIR, ignore_errors=True)
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'profile.sqlite3'}"
os.environ["SIGNED_PDF_DIR"] = str(WORKDIR / "signed-pdfs")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from benchmarks.query_counter import QueryCounter  # noqa: E402
from benchmarks.signed_download import floors, time_downloads  # noqa: E402
from checklists.snapshot import build_definitions  # noqa: E402
from practice.models import Patient  # noqa: E402
from practice.roles import CLINICIAN  # noqa: E402
from tests.notes import complete_answers  # noqa: E402

PASSWORD = "profile-password-1"
CODE = "64681"
LINE = {"lines-0-code": CODE, "lines-0-units": "1", "lines-0-side": "", "lines-0-modifiers": ""}


def form_value(value):
    """An answer as the note form takes it: coded diagnoses are ICD-10-CM codes, one a line."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "\n".join(item["code"] for item in value)
    return value


def prepare(notes, patients):
    call_command("migrate", verbosity=0)
    if not settings.DEBUG:
        # The manifest {% static %} reads in production, collected into the scratch folder
        # (uncompressed: the pages only need the names).
        settings.STATIC_ROOT = WORKDIR / "static"
        settings.STORAGES["staticfiles"] = {
            "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        }
        call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_catalog", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("seed_demo", notes=notes, stdout=open(os.devnull, "w"))  # noqa: SIM115
    Patient.objects.bulk_create(  # as many as the load test's practice
        Patient(
            first_name=f"Load{n:05d}",
            last_name="Synthetic",
            date_of_birth=datetime.date(1940, 1, 1) + datetime.timedelta(days=97 * n),
            mrn=f"LOAD-{n:05d}",
        )
        for n in range(max(0, patients - Patient.objects.count()))
    )
    user, _ = User.objects.get_or_create(username="profiler", defaults={"last_name": "Profile"})
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=CLINICIAN))
    answers = complete_answers(build_definitions([CODE]), "chemical")
    return user, {key: form_value(answer["value"]) for key, answer in answers.items()}


def post_data(version, values, patient, day):
    data = {
        "version": str(version),
        "header-patient": str(patient),
        "header-date_of_service": day,
        "header-place_of_service": "11",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "1",
        "lines-0-site": "",
        **LINE,
    }
    return data | {k: v for k, v in values.items() if v is not None}


class Journey:
    """The load test's clinician, one request at a time."""

    def __init__(self, client, answers, patients):
        self.client = client
        self.answers = answers
        self.patients = patients
        self.note_id = None
        self.version = 1
        self.typed = 0
        self.notes = 0

    @property
    def patient(self) -> int:
        return self.patients[self.notes % len(self.patients)]

    @property
    def day(self) -> str:
        # A patient and date of service per note: the claim scrubber refuses to sign a second
        # note billing the same code for the same patient on one day. The day moves back only
        # once every patient has had a note, so it stays after the answers' dates (10/15).
        back = self.notes // len(self.patients)
        return (datetime.date(2026, 11, 2) - datetime.timedelta(days=back)).isoformat()

    def new_note(self):
        self.notes += 1
        response = self.client.post(
            "/notes/new/",
            {
                "header-patient": str(self.patient),
                "header-date_of_service": self.day,
                "header-place_of_service": "11",
                "lines-TOTAL_FORMS": "1",
                "lines-INITIAL_FORMS": "0",
                **LINE,
                "lines-0-site": "",
            },
        )
        assert response.status_code == 302, response.status_code
        self.note_id = int(response["Location"].split("/")[2])
        self.version = 1
        self.typed = 0
        return response

    def autosave(self):
        keys = list(self.answers)
        self.typed = min(len(keys), self.typed + 6)
        values = {k: self.answers[k] for k in keys[: self.typed]}
        # Past the last field the clinician keeps editing one text answer, so every save
        # changes something (and writes an audit row), as typing does.
        values["indication"] = f"{self.answers.get('indication', 'x')} {self.version}"
        response = self.client.post(
            f"/notes/{self.note_id}/autosave/",
            post_data(self.version, values, self.patient, self.day),
            headers={"accept": "application/json"},
        )
        assert response.status_code == 200, response.content[:300]
        self.version = response.json()["version"]
        return response

    def save_full(self):
        response = self.client.post(
            f"/notes/{self.note_id}/edit/",
            post_data(self.version, self.answers, self.patient, self.day),
        )
        assert response.status_code == 302, response.status_code
        self.version += 1
        return response

    def sign(self):
        response = self.client.post(
            f"/notes/{self.note_id}/sign/", {"password": PASSWORD, "version": str(self.version)}
        )
        assert response.status_code == 302, response.status_code
        return response


def measure(label, action, repeat, table, profile=None):
    """Wall time, and this process's CPU time: on a machine others share, the CPU time is
    what the request costs; the wall time adds the disk's durable commits and the wait for
    a core."""
    times, cpu, queries = [], [], []
    for _ in range(repeat):
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            start, start_cpu = time.perf_counter(), time.process_time()
            if profile is not None:
                profile.enable()
            action()
            if profile is not None:
                profile.disable()
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        queries.append(counter.count)
    table.append(
        (
            label,
            statistics.median(times),
            min(times),
            statistics.median(cpu),
            statistics.median(w - c for w, c in zip(times, cpu, strict=True)),
            statistics.median(queries),
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--notes", type=int, default=300, help="synthetic notes in the list")
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument(
        "--profile",
        choices=[
            "healthz",
            "new",
            "create",
            "edit",
            "autosave",
            "save",
            "detail",
            "signpage",
            "list",
            "review",
            "sign",
            "pdf",
            "signed",
        ],
        help="print the cProfile of this request instead of timing all of them",
    )
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=45)
    parser.add_argument("--smoke", action="store_true", help="each request once, few notes")
    options = parser.parse_args()
    if options.smoke:
        options.repeat, options.notes, options.patients = 1, 10, 10

    _, answers = prepare(options.notes, options.patients)
    import config.wsgi  # noqa: F401 - what the server does at start-up (views, garbage collector)

    client = Client(HTTP_HOST="127.0.0.1")
    signed_in = client.post("/login/", {"username": "profiler", "password": PASSWORD})
    assert signed_in.status_code == 302, signed_in.status_code
    journey = Journey(client, answers, list(Patient.objects.values_list("pk", flat=True)))
    journey.new_note()
    for _ in range(3):  # warm up templates, caches and the first autosaves
        client.get(f"/notes/{journey.note_id}/edit/")
        journey.autosave()

    def fresh_signed():
        journey.new_note()
        journey.save_full()
        journey.sign()

    repeat = options.repeat
    profile = cProfile.Profile() if options.profile else None
    table = []

    def run(key, label, action, times=repeat, setup=None):
        if options.profile and options.profile != key:
            return
        if setup is not None:
            setup()
        measure(label, action, times, table, profile)

    def sign_once():
        journey.sign()

    def prepare_sign():
        journey.new_note()
        journey.save_full()

    run("healthz", "GET /healthz", lambda: client.get("/healthz"))
    run("new", "GET /notes/new/", lambda: client.get("/notes/new/"))
    run("create", "POST /notes/new/", journey.new_note)
    run("edit", "GET /notes/<id>/edit/", lambda: client.get(f"/notes/{journey.note_id}/edit/"))
    run("autosave", "POST /notes/<id>/autosave/", journey.autosave)
    run("save", "POST /notes/<id>/edit/", journey.save_full, setup=journey.new_note)
    run("detail", "GET /notes/<id>/ (draft)", lambda: client.get(f"/notes/{journey.note_id}/"))
    run(
        "signpage",
        "GET /notes/<id>/sign/",
        lambda: client.get(f"/notes/{journey.note_id}/sign/"),
        setup=prepare_sign,
    )
    run("list", "GET /notes/?scope=all", lambda: client.get("/notes/?scope=all"))
    manager = Client(HTTP_HOST="127.0.0.1")
    manager.post("/login/", {"username": "manager", "password": "demo-manager-pass"})
    run("review", "GET /review/ (manager)", lambda: manager.get("/review/"))

    if not options.profile or options.profile == "sign":
        for _ in range(min(repeat, 8)):
            prepare_sign()
            measure("POST /notes/<id>/sign/", sign_once, 1, table, profile)
        rows = [row for row in table if row[0] == "POST /notes/<id>/sign/"]
        table[:] = [row for row in table if row[0] != "POST /notes/<id>/sign/"]
        table.append(
            (
                "POST /notes/<id>/sign/",
                statistics.median(r[1] for r in rows),
                min(r[1] for r in rows),
                statistics.median(r[3] for r in rows),
                statistics.median(r[4] for r in rows),
                statistics.median(r[5] for r in rows),
            )
        )

    download = None
    if not options.profile or options.profile == "pdf":
        # No worker runs here: the first reader renders and stores the PDF, as when the
        # worker is behind; every download timed serves the stored bytes, each right after
        # its floors (benchmarks/signed_download.py, the loop pdf_render uses too).
        fresh_signed()
        download = time_downloads(
            client, f"/notes/{journey.note_id}/pdf/", max(repeat, 10), WORKDIR, profile
        )
        table.append(
            (
                "GET /notes/<id>/pdf/ (signed)",
                statistics.median(download["wall"]),
                min(download["wall"]),
                statistics.median(download["cpu"]),
                statistics.median(download["wait"]),
                statistics.median(download["queries"]),
            )
        )
    run("signed", "GET /notes/<id>/ (signed)", lambda: client.get(f"/notes/{journey.note_id}/"))

    if profile is not None:
        stats = pstats.Stats(profile)
        stats.strip_dirs().sort_stats(options.sort).print_stats(options.lines)
    print(
        f"\nSingle-user request cost, SQLite, {options.notes} synthetic notes, "
        f"{options.patients} patients, median of {repeat}"
    )
    print(
        f"load average {os.getloadavg()[0]:.1f}; DEBUG {'on' if settings.DEBUG else 'off'}; "
        "CPU: this process's CPU time, median; wait: wall less CPU, median"
    )
    print(
        f"{'request':34} {'median ms':>10} {'min ms':>8} {'CPU ms':>8} {'wait ms':>8} "
        f"{'queries':>8}"
    )
    for label, median, fastest, cpu, wait, queries in table:
        print(
            f"{label:34} {median * 1000:10.1f} {fastest * 1000:8.1f} {cpu * 1000:8.1f} "
            f"{wait * 1000:8.1f} {queries:8.0f}"
        )
    if download is not None:
        print(f"floors before each signed download: {floors(download)}")


if __name__ == "__main__":
    main()
