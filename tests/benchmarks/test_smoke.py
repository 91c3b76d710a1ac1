"""Every benchmark still runs: each script's --smoke mode, as a subprocess, in seconds.

Nothing here is timed; the benchmarks print figures for people to read. This only fails
when a benchmark stops running (as pdf_render.py did once the side check landed).
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _collected_static():
    """What the app's own collected static folder holds: name -> modification time."""
    folder = ROOT / "var" / "staticfiles"
    return {str(path): path.stat().st_mtime_ns for path in folder.rglob("*")}


def _smoke(script, *args):
    # Each benchmark makes its own scratch SQLite database and collects static files into
    # its own folder: never the test database, never var/staticfiles, which other test
    # processes serve from (WhiteNoise scans it, and a file collectstatic replaces while it
    # scans fails the request: CI once failed that way).
    kept = ("DATABASE_URL", "SIGNED_PDF_DIR", "STATIC_ROOT")
    env = {k: v for k, v in os.environ.items() if k not in kept}
    before = _collected_static()
    process = subprocess.run(
        [sys.executable, f"benchmarks/{script}", "--smoke", *args],
        cwd=ROOT,
        env=env | {"LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert process.returncode == 0, process.stdout[-2000:] + process.stderr[-4000:]
    assert _collected_static() == before, f"{script} wrote into var/staticfiles"
    return process.stdout


def _pages_column(out):
    """Document name -> the pages column of the benchmark's table."""
    rows = {}
    for line in out.splitlines():
        name, _, rest = line.partition("  ")
        if name.startswith(("draft ", "blank ")) and rest.split():
            rows[name.strip()] = int(rest.split()[0])
    return rows


def test_the_pdf_benchmark_runs_and_its_documents_print_the_pages_they_are_named_for():
    out = _smoke("pdf_render.py")
    # The goals are for a 2-page and a 20-page note: a change in what a note prints must not
    # quietly turn the "20-page" draft into 28 pages (as it once was) or 15.
    assert _pages_column(out) == {
        "draft 2-page": 2,
        "draft 10-page": 10,
        "draft 20-page": 20,
        "blank 64681": 6,
    }
    assert "signed 2-page, stored, downloaded" in out
    assert "goal, draft 20-page <= 700 ms" in out
    assert "(20 pages)" in out
    assert "goal, signed download <= 5 ms median" in out
    # Timed by the loop request_profile uses, each download after the same two floors.
    assert "floors before each download: /healthz through the same client" in out


def test_the_request_profile_runs():
    out = _smoke("request_profile.py")
    assert "GET /notes/<id>/edit/" in out
    assert "GET /notes/<id>/pdf/ (signed)" in out
    assert "floors before each signed download: /healthz through the same client" in out


def test_the_review_benchmark_runs():
    out = _smoke("review_dashboard.py")
    assert "dashboard one code, drafts median / p90 ms" in out
    assert "bulk PDF, stored, notes/s" in out


def test_the_documentation_effort_benchmark_runs():
    # Drives Debian's chromium through the first case against a runserver of its own.
    out = _smoke("documentation_effort.py")
    assert "| case | actions | clicks |" in out
    assert "Tab stops: met" in out or "Tab stops: NOT met" in out


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc for CPU and memory")
def test_the_load_test_runs_without_errors_or_lost_writes():
    out = _smoke("load_test.py", "--port", str(_free_port()))
    assert "errors: 0" in out
    assert "audit chain: intact" in out


def test_the_tally_choice_benchmark_runs():
    out = _smoke("tally_choice.py")
    assert "one code, drafts" in out
    assert "save closing a gap" in out
