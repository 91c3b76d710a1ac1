"""Benchmark the note PDF: `.venv/bin/python benchmarks/pdf_render.py [--runs N] [--keep DIR]`.

Builds a throwaway SQLite database in a temp dir (catalog, demo practice), writes a typical
2-page note, a 10-page and a 20-page note through the real services, and prints, each next
to its floor measured in the same run:

- drafts, rendered live on every download (`render_note_pdf`): the pages each prints (the
  long notes are made to print exactly 10 and 20: LONG_NOTES), median and p95 wall time in
  a warm process, median CPU time and its ratio to WeasyPrint rendering a minimal one-page
  document, PDF size, peak Python heap of one render, and what PDF/A-3b plus the note.json
  attachment add over a plain PDF; the blank paper checklist of 64681 likewise;
- the signed 2-page note downloaded through the app (`/notes/<id>/pdf/`: access check,
  stored bytes read and checked against their SHA-256, audit event), each download right
  after its two floors: the same client fetching `/healthz`, and one durable SQLite commit
  on the same disk (the audit event's commit waits for one: "wait" is the download's wall
  time less its CPU time). The server's start-up (config.wsgi: views imported, start-up
  objects out of the garbage collector's way) is done first, as gunicorn does, and the
  download is timed by benchmarks/signed_download.py, the loop request_profile.py uses too,
  with its settings (DEBUG off), so the two benchmarks time the same thing the same way.

Goals (issue 19, 2 cores): draft 2-page note <= 80 ms median and <= 8x the minimal page,
20-page note <= 700 ms, signed download <= 5 ms median. `--smoke` runs each once, in
seconds (the test suite runs it so the benchmark cannot rot). `--keep DIR` saves the PDFs.
"""

import argparse
import atexit
import gc
import io
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="pdf-bench-")
atexit.register(shutil.rmtree, WORKDIR, ignore_errors=True)
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR}/bench.sqlite3"
os.environ["SIGNED_PDF_DIR"] = f"{WORKDIR}/signed-pdfs"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# The render's own cost: at normal priority (production lowers it, LOW_PRIORITY_NICENESS, so
# that on a busy machine a PDF waits for pages; the load test measures that).
os.environ.setdefault("LOW_PRIORITY_NICENESS", "0")
# As in production, so a download pays no debug bookkeeping.
os.environ |= {"DEBUG": "0", "SECURE_SSL_REDIRECT": "0", "ALLOWED_HOSTS": "testserver"}

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from weasyprint import HTML  # noqa: E402

from benchmarks.signed_download import floors, median_ms, time_downloads  # noqa: E402
from checklists import services  # noqa: E402
from checklists.pdf import render  # noqa: E402
from checklists.pdf.note_context import note_context  # noqa: E402
from coding.sides import documented_side  # noqa: E402
from practice import demo  # noqa: E402
from practice.models import Patient  # noqa: E402
from procedures.models import ProcedureCode  # noqa: E402
from tests.notes import complete_answers  # noqa: E402

SENTENCES = [
    "Axial low back pain for more than three years, worse with extension and rotation.",
    "Two diagnostic medial branch blocks gave 85 % and 90 % relief for the expected duration.",
    "Physical therapy for twelve weeks and NSAIDs did not change function or sleep.",
    "Fluoroscopy confirmed needle position parallel to the nerve on the lateral view.",
    "Sensory stimulation at 50 Hz reproduced concordant pain below 0.5 V at each level.",
    "Motor stimulation at 2 Hz up to 2 V produced no fasciculation in the limb.",
    "Lesioning at 80 degrees Celsius for 90 seconds was done at each level after lidocaine.",
    "The patient tolerated the procedure well and walked out of the suite unassisted.",
]
TYPICAL = {
    "indication": (
        "Cancer-related pelvic pain from recurrent cervical carcinoma, poorly controlled on "
        "escalating opioids with sedation and constipation. A diagnostic superior hypogastric "
        "plexus block gave more than 70 % relief for the duration of the local anesthetic."
    ),
    "conservative_care_failure": (
        "Twelve weeks of scheduled opioids with adjuvant gabapentin and duloxetine; dose "
        "increases limited by sedation. Pelvic radiotherapy completed in March without lasting "
        "relief."
    ),
    "post_procedure_exam": (
        "Alert and oriented, vital signs stable, lower-extremity strength and sensation "
        "unchanged from baseline, no back or flank tenderness, voided without difficulty."
    ),
    "follow_up_plan": (
        "Telephone check in 48 hours; clinic visit in two weeks to reassess pain, opioid use "
        "and bowel and bladder function. Return at once for fever, weakness or bleeding."
    ),
}
THREE_CODES = [
    {"code": "64633", "units": 1, "modifiers": ["LT"], "side": "left", "site": "C5-C6"},
    {"code": "64634", "units": 1, "modifiers": ["LT"], "side": "left", "site": "C6-C7"},
    {"code": "64635", "units": 1, "modifiers": ["RT"], "side": "right", "site": "L4-L5"},
]


def narrative(paragraphs: int) -> str:
    return "\n\n".join(
        " ".join(SENTENCES[(p + i) % len(SENTENCES)] for i in range(6)) for p in range(paragraphs)
    )


def setup_database():
    call_command("migrate", verbosity=0)
    call_command("load_catalog", stdout=io.StringIO())
    demo.seed_practice()


def build_note(*, lines, technique, text, sign=True):
    clinician = get_user_model().objects.get(username="dr.demo")
    patient = Patient.objects.get(mrn="DEMO-0001")
    note = services.create_note(
        clinician=clinician,
        patient=patient,
        date_of_service=timezone.localdate(),
        place_of_service="22",
        lines=lines,
    )
    # The side treated documented as the lines bill it: signing checks that they agree.
    answers = complete_answers(note.definitions, technique, documented_side(lines))
    for element in note.definitions["elements"]:
        if element["input_type"] == "long_text" and element["key"] in answers:
            answers[element["key"]] = {"value": text(element["key"])}
    note = services.save_note(note, version=note.version, answers=answers, actor=clinician)
    if sign:
        note = services.sign_note(note, user=clinician, version=note.version)
    return note


TYPICAL_LINES = [{"code": "64681", "units": 1, "modifiers": [], "side": "", "site": ""}]


def typical_note(*, sign):
    return build_note(
        lines=TYPICAL_LINES,
        technique="chemical",
        text=lambda key: TYPICAL.get(key, "Discussed and documented; see above."),
        sign=sign,
    )


# The long drafts: paragraphs of free text in each long answer, chosen so that the note
# prints exactly this many pages (the procedure description quotes each long answer, and
# the record prints it again under its label). The table prints each document's pages, and
# tests/benchmarks/test_smoke.py checks them, so the "20-page" note cannot drift.
LONG_NOTES = (("draft 10-page", 7, 10), ("draft 20-page", 16, 20))


def sample_notes():
    """The drafts benchmarked: the typical 2-page note, then the 10- and 20-page notes."""
    notes = [("draft 2-page", typical_note(sign=False))]
    for name, paragraphs, _pages in LONG_NOTES:
        note = build_note(
            lines=THREE_CODES,
            technique="thermal_rf",
            text=lambda key, paragraphs=paragraphs: narrative(paragraphs),
            sign=False,
        )
        notes.append((name, note))
    return notes


def measure(functions: dict, runs: int) -> dict:
    """Wall and CPU seconds per call, the functions interleaved so load hits them alike.
    Each call starts from a collected heap, so that a garbage collection the previous call
    left due does not land, round after round, on the same function."""
    wall = {name: [] for name in functions}
    cpu = {name: [] for name in functions}
    for _ in range(runs):
        for name, function in functions.items():
            gc.collect()
            started, started_cpu = time.perf_counter(), time.process_time()
            function()
            wall[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - started_cpu)
    return {name: (wall[name], cpu[name]) for name in functions}


def paired_overhead(cpu: list[float], plain_cpu: list[float]) -> float:
    """Median of run-by-run CPU ratios: each pair ran back to back, under the same load."""
    return (statistics.median(a / b for a, b in zip(cpu, plain_cpu, strict=True)) - 1) * 100


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def python_peak(function) -> int:
    """Peak Python heap of one call (tracemalloc: WeasyPrint's boxes, not Pango's buffers)."""
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def plain_render(note):
    """The same note as a plain PDF without the attachment, to price PDF/A and note.json."""
    html = render_to_string("pdf/note.html", note_context(note, timezone.now()))
    return render.write_pdf(html, variant=None)


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def row(name, pdf, wall, cpu, base_cpu, extra=""):
    print(
        f"{name:<14}{page_count(pdf):>6}"
        f"{statistics.median(wall) * 1000:>11.0f}{p95(wall) * 1000:>8.0f}"
        f"{statistics.median(cpu) * 1000:>8.0f}"
        f"{statistics.median(cpu) / statistics.median(base_cpu):>11.1f}"
        f"{len(pdf) / 1024:>9.1f}{extra}"
    )


def minimal():
    return HTML(string="<p>Minimal one-page document.</p>").write_pdf()


def signed_download(runs: int) -> dict:
    """The signed 2-page note's stored PDF downloaded `runs` times, after the server's
    start-up, each after its floors (benchmarks/signed_download.py, shared with
    request_profile)."""
    import config.wsgi  # noqa: F401 - the server's start-up, as gunicorn runs it

    note = typical_note(sign=True)
    client = Client()
    client.force_login(note.clinician)
    return time_downloads(client, f"/notes/{note.pk}/pdf/", runs, WORKDIR)


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30, help="renders of the 2-page note")
    parser.add_argument("--keep", type=Path, help="save the benchmarked PDFs here")
    parser.add_argument("--smoke", action="store_true", help="one run of each, in seconds")
    args = parser.parse_args()
    if args.smoke:
        args.runs = 1
    setup_database()
    notes = sample_notes()
    for _ in range(1 if args.smoke else 3):  # warm: imports, fontconfig, templates, stylesheet
        minimal()
        render.render_note_pdf(notes[0][1])

    header = (
        f"{'document':<14}{'pages':>6}{'median ms':>11}{'p95 ms':>8}{'cpu ms':>8}"
        f"{'x minimal':>11}{'size KB':>9}{'py peak MB':>12}{'PDF/A+json':>12}"
    )
    print(header)
    print("-" * len(header))
    medians, pages, ratio = {}, {}, None
    for index, (name, note) in enumerate(notes):
        runs = args.runs if index == 0 or args.smoke else max(8, args.runs // (3 * index))
        results = measure(
            {
                "minimal": minimal,
                "note": lambda note=note: render.render_note_pdf(note),
                "plain": lambda note=note: plain_render(note),
            },
            runs,
        )
        (wall, cpu), (base_wall, base_cpu) = results["note"], results["minimal"]
        if index == 0:
            row("minimal page", minimal(), base_wall, base_cpu, base_cpu)
            ratio = statistics.median(cpu) / statistics.median(base_cpu)
        medians[name] = statistics.median(wall) * 1000
        pdf = render.render_note_pdf(note)
        pages[name] = page_count(pdf)
        archive = paired_overhead(cpu, results["plain"][1])
        if args.smoke and index:  # the long notes' pages, without a traced render
            peak = "-"
        else:
            peak = f"{python_peak(lambda note=note: render.render_note_pdf(note)) / 2**20:.1f}"
        row(name, pdf, wall, cpu, base_cpu, f"{peak:>12}{archive:>+11.1f}%")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / f"{name.replace(' ', '-')}.pdf").write_bytes(pdf)

    code = ProcedureCode.objects.get(code="64681")
    results = measure(
        {"minimal": minimal, "checklist": lambda: render.render_checklist_pdf(code)},
        max(1, args.runs // 3),
    )
    checklist = render.render_checklist_pdf(code)
    row("blank 64681", checklist, *results["checklist"], results["minimal"][1])
    if args.keep:
        (args.keep / "blank-checklist-64681.pdf").write_bytes(checklist)

    got = signed_download(max(10, args.runs * 3))
    download = statistics.median(got["wall"]) * 1000

    print(
        f"\nsigned 2-page, stored, downloaded: median {download:.1f} ms (min "
        f"{min(got['wall']) * 1000:.1f}, p95 {p95(got['wall']) * 1000:.1f}), CPU "
        f"{median_ms(got, 'cpu'):.1f} ms, wait {median_ms(got, 'wait'):.1f} ms, "
        f"{statistics.median(got['queries']):.0f} queries ({len(got['pdf']) / 1024:.1f} KB); "
        f"floors before each download: {floors(got)}"
    )
    print(
        f"\n{args.runs} runs of the 2-page draft, fewer of the long ones; each interleaved with "
        f"the minimal page and the plain render (x minimal and PDF/A+json compare CPU time).\n"
        f"Process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores."
    )
    print(
        f"goal, draft 2-page <= 80 ms median and <= 8x minimal: {medians['draft 2-page']:.0f} ms "
        f"({pages['draft 2-page']} pages), "
        f"{ratio:.1f}x, {verdict(medians['draft 2-page'] <= 80 and ratio <= 8)}"
    )
    twenty = medians["draft 20-page"]
    print(
        f"goal, draft 20-page <= 700 ms: {twenty:.0f} ms ({pages['draft 20-page']} pages), "
        f"{verdict(twenty <= 700)}"
    )
    print(f"goal, signed download <= 5 ms median: {download:.1f} ms, {verdict(download <= 5)}")


if __name__ == "__main__":
    main()
