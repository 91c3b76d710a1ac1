"""Benchmark of the review dashboard, its CSV and the bulk PDF export (not a test).

    .venv/bin/python benchmarks/review_dashboard.py                 # SQLite, 1,000 and 100,000
    .venv/bin/python benchmarks/review_dashboard.py --sizes 1000    # just one size
    .venv/bin/python benchmarks/review_dashboard.py --postgres postgres://postgres@127.0.0.1:54329/
    .venv/bin/python benchmarks/review_dashboard.py --smoke         # 50 notes, seconds
    .venv/bin/python benchmarks/review_dashboard.py --dashboard-only  # no CSV, no PDF export

Each size gets its own scratch database (SQLite files in the temp folder, or PostgreSQL
databases review_bench_<size> created on the server given), seeded once with
`seed_demo --notes N` and reused by later runs (--reseed starts over). It prints a table:
seeding time, dashboard median / p90, the app's CPU and queries (unfiltered and three
filtered views, one of them a range that cuts a month), each view's largest / smallest
ratio (wall and CPU), CSV rows per second (first download, and the median of the next 3
or 15), and bulk PDF notes per second with the worker's peak memory.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOALS = {
    "dashboard": "<= 30 ms median at 100,000 notes, <= 40 ms at 1,000,000 on PostgreSQL, "
    "every view; largest / 1,000-note time <= 1.5x; <= 6 queries",
    "csv": "> 20,000 rows/s",
    "bulk PDF of signed notes": ">= 150 notes/s (stored PDFs), worker < 200 MB",
}


def _env(url: str) -> dict:
    return os.environ | {
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def _manage(url, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(url),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _database_url(size: int, postgres: str | None, reseed: bool, folder=None) -> str:
    if postgres:
        import psycopg

        name = f"review_bench_{size}"
        with psycopg.connect(postgres.rstrip("/") + "/postgres", autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if exists and reseed:
                conn.execute(f"DROP DATABASE {name}")
                exists = None
            if not exists:
                conn.execute(f"CREATE DATABASE {name}")
        return postgres.rstrip("/") + "/" + name
    path = Path(folder or tempfile.gettempdir()) / f"review-bench-{size}.sqlite3"
    if reseed:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def measure(size: int, url: str, repeat: int, *, exports: bool = True) -> dict:
    """Run in a child process with DATABASE_URL set: seed if needed, then measure."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from checklists.demo_notes import generate_notes
    from checklists.models import Note
    from practice.demo import seed_practice

    result = {"size": size, "vendor": connection.vendor}
    seed_practice()
    have = Note.objects.count()
    if have < size:
        started = time.perf_counter()
        generate_notes(size - have)
        result["seed_s"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        # What autovacuum / PRAGMA optimize keep up to date on a live server.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    client.force_login(get_user_model().objects.get(username="manager"))

    cpu_times = []

    def timed(url, params=None, *, stream=False):
        with CaptureQueriesContext(connection) as context:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, params or {})
            body = b"".join(response.streaming_content) if stream else response.content
            elapsed = time.perf_counter() - started
            cpu_times.append(time.process_time() - started_cpu)
        assert response.status_code == 200, (url, response.status_code)
        return elapsed, len(context.captured_queries), body

    from review.views import dashboard_data

    def own_queries(params):
        from django.test import RequestFactory

        request = RequestFactory().get("/review/", params)
        request.user = get_user_model().objects.get(username="manager")
        with CaptureQueriesContext(connection) as context:
            data = dashboard_data(request)
            list(data["page"].object_list)
        return len(context.captured_queries)

    floor = []
    cpu_times.clear()
    for _ in range(repeat + 2):
        floor.append(timed("/healthz")[0])
    result["floor"] = {
        "median_ms": statistics.median(floor[2:]) * 1000,
        "cpu_ms": statistics.median(cpu_times[2:]) * 1000,
    }
    views = {
        "all notes": {},
        "last 90 days": {"dos_from": _days_ago(90)},
        "one code, drafts": {"code": "64633", "status": "draft"},
        # "Last 90 days" starts on the 1st of a month about one day in thirty; this range
        # always cuts its first month, whose days are counted from the notes.
        "from mid-month": {"dos_from": _days_ago(90)[:8] + "16"},
    }
    for label, params in views.items():
        for _ in range(2):
            timed("/review/", params)
        times, queries = [], 0
        cpu_times.clear()
        for _ in range(repeat):
            elapsed, queries, _ = timed("/review/", params)
            times.append(elapsed)
        result[f"dashboard {label}"] = {
            "median_ms": statistics.median(times) * 1000,
            # The app's own CPU (this process: views, ORM, templates), not the database's.
            "cpu_ms": statistics.median(cpu_times) * 1000,
            "load": os.getloadavg()[0],
            "p90_ms": sorted(times)[int(len(times) * 0.9) - 1] * 1000,
            "queries": queries,
            "own_queries": own_queries(params),
        }

    if not exports:
        return result
    # The first download, then the median of the next ones: the first pays for what a
    # worker process has not yet read (pages, compiled queries). Three for 100,000 notes,
    # fifteen for 1,000, whose 40 ms downloads vary with anything else on the machine.
    # Above CSV_MAX_NOTES the CSV is skipped: it reads every note (minutes at 1,000,000).
    result["csv"] = {"rows": 0, "first_rows_per_s": float("nan"), "rows_per_s": float("nan")}
    runs = []
    for _ in range(
        0 if size > CSV_MAX_NOTES else 1 + (1 if repeat == 1 else 3 if size >= 10_000 else 15)
    ):
        elapsed, _, body = timed("/review/notes.csv", stream=True)
        runs.append(elapsed)
    if runs:
        rows = body.count(b"\n") - 1
        result["csv"] = {
            "rows": rows,
            "first_rows_per_s": rows / runs[0],
            "rows_per_s": rows / statistics.median(runs[1:]),
        }

    result["pdf"] = _pdf(url, PDF_NOTES if size >= 1000 else 5)
    return result


def _days_ago(days):
    import datetime

    from django.utils import timezone

    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


PDF_NOTES = 120
CSV_MAX_NOTES = 200_000


def _pdf(url, notes: int) -> dict:
    """Bulk exports of the newest `notes` signed notes, each run by a real `db_worker`
    process: first with none of their PDFs stored (the worker renders and stores them, as
    after an upgrade), then again (the stored bytes). The floor: reading those stored files
    in this process, one by one."""
    from checklists.models import Note, SignedPdf

    newest = list(
        Note.objects.signed()
        .order_by("-date_of_service", "-pk")
        .values_list("pk", "date_of_service")[:notes]
    )
    ids = [pk for pk, _ in newest]
    filters = {"status": "signed", "dos_from": newest[-1][1].isoformat()}
    # None stored to begin with, whatever an earlier run (from another checkout, with its
    # own SIGNED_PDF_DIR) left in this database.
    for record in SignedPdf.objects.filter(note__in=ids):
        record.file.delete(save=False)
        record.delete()
    first = _export(url, filters)
    stored = _export(url, filters)
    records = list(SignedPdf.objects.filter(note__in=ids))
    started = time.perf_counter()
    for record in records:
        with record.file.open("rb") as file:
            file.read()
    floor = len(records) / (time.perf_counter() - started) if records else 0
    return {"first": first, "stored": stored, "floor_notes_per_s": floor}


def _export(url, filters) -> dict:
    from django.contrib.auth import get_user_model

    from review import tasks
    from review.exports import file_path
    from review.models import ExportJob

    job = ExportJob.objects.create(
        created_by=get_user_model().objects.get(username="manager"), filters=filters
    )
    tasks.build_pdf_zip.enqueue(job.pk)
    started = time.perf_counter()
    worker = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0",
            "-v",
            "0",
        ],
        cwd=ROOT,
        env=_env(url),
    )
    peaks = {}
    while worker.poll() is None:
        for pid in [worker.pid, *_children(worker.pid)]:
            peaks[pid] = max(peaks.get(pid, 0), _peak_rss_mb(pid))
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    if file_path(job):
        file_path(job).unlink()
    # The job's own start and finish: rendering and zipping, not the worker's start-up.
    busy = (job.finished_at - job.started_at).total_seconds() if job.finished_at else elapsed
    return {
        "status": job.status,
        "notes": job.done,
        "failed": job.failed,
        "seconds": elapsed,
        "notes_per_s": job.done / busy if busy else 0,
        # The largest peak of the worker and of each of its rendering processes.
        "peak_mb": max(peaks.values(), default=0),
        "load": os.getloadavg()[0],
    }


def _children(pid) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as file:
            return [int(child) for child in file.read().split()]
    except OSError:
        return []


def _peak_rss_mb(pid) -> float:
    """VmHWM: the process's own peak resident memory (Linux)."""
    try:
        with open(f"/proc/{pid}/status") as file:
            for line in file:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0


def _table(results):
    lines = []
    lines.append(f"{'':34}" + "".join(f"{r['size']:>16,} notes" for r in results))
    lines.append(f"{'database':34}" + "".join(f"{r['vendor']:>22}" for r in results))
    if any("seed_s" in r for r in results):
        lines.append(
            f"{'seed_demo --notes N (s)':34}"
            + "".join(f"{r.get('seed_s', float('nan')):>22.1f}" for r in results)
        )
    lines.append(
        f"{'floor: /healthz median ms (CPU)':34}"
        + "".join(
            f"{r['floor']['median_ms']:>15.1f} ({r['floor'].get('cpu_ms', 0):4.1f})"
            for r in results
        )
    )
    for key in [k for k in results[0] if k.startswith("dashboard")]:
        lines.append(
            f"{key + ' median / p90 ms':34}"
            + "".join(f"{r[key]['median_ms']:>13.1f} / {r[key]['p90_ms']:6.1f}" for r in results)
        )
        lines.append(
            f"{'  app CPU ms, median (load avg)':34}"
            + "".join(f"{r[key]['cpu_ms']:>13.1f} ({r[key]['load']:5.1f})" for r in results)
        )
        lines.append(
            f"{'  queries (dashboard / request)':34}"
            + "".join(f"{r[key]['own_queries']:>16} / {r[key]['queries']:3}" for r in results)
        )
    if "csv" not in results[0]:
        return "\n".join([*lines, *_ratios(results), "", *_goals()])
    lines.append(
        f"{'CSV rows/s, median (rows)':34}"
        + "".join(f"{r['csv']['rows_per_s']:>12,.0f} ({r['csv']['rows']:>7,})" for r in results)
    )
    lines.append(
        f"{'  first download rows/s':34}"
        + "".join(f"{r['csv']['first_rows_per_s']:>22,.0f}" for r in results)
    )
    lines.append(
        f"{'bulk PDF, stored, notes/s (notes)':34}"
        + "".join(
            f"{r['pdf']['stored']['notes_per_s']:>15.1f} ({r['pdf']['stored']['notes']:>4})"
            for r in results
        )
    )
    lines.append(
        f"{'  floor: read stored files, /s':34}"
        + "".join(f"{r['pdf']['floor_notes_per_s']:>22.0f}" for r in results)
    )
    lines.append(
        f"{'  first export (renders, stores)':34}"
        + "".join(f"{r['pdf']['first']['notes_per_s']:>22.1f}" for r in results)
    )
    lines.append(
        f"{'  worker peak memory (MB)':34}"
        + "".join(
            f"{max(r['pdf']['first']['peak_mb'], r['pdf']['stored']['peak_mb']):>22.0f}"
            for r in results
        )
    )
    return "\n".join([*lines, *_ratios(results), "", *_goals()])


def _ratios(results) -> list[str]:
    """Each view's time at the largest size over the smallest (wall, then app CPU)."""
    if len(results) < 2:
        return []
    small, large = results[0], results[-1]
    return [
        f"{key + ' ratio (CPU)':34}"
        f"{large[key]['median_ms'] / small[key]['median_ms']:>15.1f}x"
        f" ({large[key]['cpu_ms'] / small[key]['cpu_ms']:.1f}x)"
        for key in [k for k in small if k.startswith("dashboard")]
    ]


def _goals() -> list[str]:
    return [f"goal, {name}: {goal}" for name, goal in GOALS.items()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--postgres", help="server URL; databases review_bench_<N> are made")
    parser.add_argument("--reseed", action="store_true", help="drop the scratch data first")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--measure", nargs=2, metavar=("SIZE", "URL"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--dashboard-only", action="store_true", help="the dashboard only: no CSV, no PDF"
    )
    parser.add_argument(
        "--smoke", action="store_true", help="50 notes in a scratch SQLite file, each view once"
    )
    args = parser.parse_args()
    scratch = None
    if args.smoke:
        scratch = tempfile.TemporaryDirectory(prefix="review-bench-smoke-")
        args.sizes, args.repeat, args.postgres, args.reseed = [50], 1, None, True
        os.environ["SIGNED_PDF_DIR"] = str(Path(scratch.name) / "signed-pdfs")

    if args.measure:
        size, url = int(args.measure[0]), args.measure[1]
        print(json.dumps(measure(size, url, args.repeat, exports=not args.dashboard_only)))
        return

    # Its own collected static files (the measuring child inherits the setting):
    # collectstatic must not rewrite a folder that a test or a running server is reading.
    static = tempfile.TemporaryDirectory(prefix="review-bench-static-")
    os.environ["STATIC_ROOT"] = static.name

    results = []
    for size in args.sizes:
        url = _database_url(size, args.postgres, args.reseed, scratch and scratch.name)
        print(f"{size:,} notes on {url} ...", file=sys.stderr, flush=True)
        _manage(url, "migrate", "--no-input", "-v", "0")
        _manage(url, "load_catalog")
        # DEBUG=0, as in production: templates need the collected static files' manifest.
        _manage(url, "collectstatic", "--no-input", "-v", "0")
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--measure",
                str(size),
                url,
                "--repeat",
                str(args.repeat),
                *(["--dashboard-only"] if args.dashboard_only else []),
            ],
            cwd=ROOT,
            env=_env(url),
            capture_output=True,
            text=True,
        )
        if child.returncode:
            sys.exit(f"measuring {size:,} notes failed:\n{child.stderr[-4000:]}")
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    print(_table(results))


if __name__ == "__main__":
    main()
