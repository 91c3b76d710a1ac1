"""Benchmark the ICD-10-CM code set: `.venv/bin/python benchmarks/icd10_search.py [--runs N]`.

Prints, in one run on this machine: the floor (reading the package's plain code list into a
dict, the least any loader must do), importing `simple_icd_10_cm` (it parses the CMS
tabular XML), building the search index of billable codes (checklists/icd10.py), and the
warm latency of the picker's searches (median and p95 over --runs rounds of typical
queries), each also as a multiple of the floor. Goals (2 cores, quiet machine): code set
loaded in at most 3 s, a search in at most 100 ms at p95 (the picker searches as the user
types, 250 ms after the last key). `--smoke` does one round and checks nothing: the test
command runs it so the script keeps working.
"""

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUERIES = ["M47.81", "m4781", "M5", "lumbar spondylosis", "morton", "plantar nerve left",
           "cervical dystonia", "G57.6", "knee osteoarthritis", "sacroiliitis"]  # fmt: skip
LOAD_GOAL_S, SEARCH_GOAL_MS = 3.0, 100.0


def floor_seconds() -> float:
    # find_spec locates the package without running it (its import parses the XML).
    package = Path(importlib.util.find_spec("simple_icd_10_cm").submodule_search_locations[0])
    started = time.perf_counter()
    path = next((package / "data").glob("code-list-*.txt"))
    codes = {line.strip(): None for line in path.read_text().splitlines()}
    assert len(codes) > 90_000
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--smoke", action="store_true", help="one round, no goals")
    args = parser.parse_args(argv)
    runs = 1 if args.smoke else args.runs

    floor = floor_seconds()
    started = time.perf_counter()
    import simple_icd_10_cm  # noqa: F401

    imported = time.perf_counter() - started
    from checklists import icd10

    started = time.perf_counter()
    icd10.warm()
    indexed = time.perf_counter() - started
    billable = len(icd10._tables()[1])

    timings = []
    for _ in range(runs):
        for query in QUERIES:
            started = time.perf_counter()
            icd10.search(query)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    median = statistics.median(timings)
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]

    load = imported + indexed
    print(f"{icd10.code_set()}: {billable} billable codes")
    print(f"{'step':<34}{'time':>12}{'x floor':>10}")
    print(f"{'floor: code list into a dict':<34}{floor * 1000:>9.0f} ms{1:>10.1f}")
    print(f"{'import simple_icd_10_cm':<34}{imported * 1000:>9.0f} ms{imported / floor:>10.1f}")
    print(f"{'build the search index':<34}{indexed * 1000:>9.0f} ms{indexed / floor:>10.1f}")
    print(f"{'load in all (goal <= 3 s)':<34}{load * 1000:>9.0f} ms{load / floor:>10.1f}")
    print(f"{'search median':<34}{median:>9.1f} ms{median / 1000 / floor:>10.2f}")
    print(f"{'search p95 (goal <= 100 ms)':<34}{p95:>9.1f} ms{p95 / 1000 / floor:>10.2f}")
    if args.smoke:
        return 0
    met = load <= LOAD_GOAL_S and p95 <= SEARCH_GOAL_MS
    print("goals met" if met else "GOALS NOT MET (is the machine busy? compare with the floor)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
