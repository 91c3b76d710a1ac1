"""The ICD-10-CM benchmark keeps working (its --smoke mode checks no timing)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_icd10_benchmark_runs_in_smoke_mode():
    result = subprocess.run(
        [sys.executable, "benchmarks/icd10_search.py", "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "ICD-10-CM April 2026: 74714 billable codes" in result.stdout
    assert "search p95 (goal <= 100 ms)" in result.stdout
