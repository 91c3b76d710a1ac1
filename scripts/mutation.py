"""Mutation testing of the rule modules: does some test fail when a rule is changed?

mutmut (pinned in requirements-dev.txt, shared settings in pyproject.toml [tool.mutmut])
mutates one module at a time and runs, for each mutant, only the tests of MODULES below
that execute the mutated function. A mutant is killed when a test fails; the score is
killed / mutants. Exits 1 when a module scores under FLOOR. Usage and the survivors that
are left on purpose: docs/testing.md.

    scripts/mutation                          every module in MODULES
    scripts/mutation rules/engine.py          one module (or several, from MODULES or PENDING)
    scripts/mutation --survivors              also print each survivor's diff
    scripts/mutation --reuse                  keep earlier results of unchanged functions

Each module runs in its own folder, .mutation/<module>/ (symbolic links to the project and
mutmut's mutants/ copy), so `cd .mutation/rules-engine && mutmut show <name>` works after a
run.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".mutation"
FLOOR = 90.0

# The rule modules and the fast tests (pure: no database, no browser) that pin them down.
# mutmut runs a mutant against those of these tests that call the mutated function. Every
# module here is held to FLOOR and runs by default (in .ci/run).
MODULES = {
    "checklists/completeness.py": ["tests/checklists/test_completeness.py"],
    "checklists/canonical.py": ["tests/checklists/test_canonical.py"],
    "rules/checks.py": [
        "tests/rules/test_check_kinds.py",
        "tests/rules/test_engine.py",
        "tests/rules/test_dates_and_pack_order.py",
        "tests/rules/test_issue15_cases.py",
        "tests/rules/test_new_kinds_exact.py",
    ],
    "rules/engine.py": [
        "tests/rules/test_engine.py",
        "tests/rules/test_check_kinds.py",
        "tests/rules/test_dates_and_pack_order.py",
        "tests/rules/test_issue15_cases.py",
        "tests/rules/test_new_kinds_exact.py",
    ],
    # The claim scrubber (issue 14): the rule kinds called directly on hand-built claims,
    # then the scenario table and its exact messages.
    **{
        f"coding/{name}.py": [
            "tests/coding/test_claim_and_sides.py",
            "tests/coding/test_line_rule_kinds.py",
            "tests/coding/test_claim_rule_kinds.py",
            "tests/coding/test_claim_scenarios.py",
            "tests/coding/test_claim_messages.py",
        ]
        for name in ("claim", "claim_rules", "line_rules", "problems", "scrub", "sides", "sites")
    },
}
# Measured when named on the command line, not yet held to the floor (a new rule module
# until its tests reach FLOOR; then its line moves up into MODULES). None today.
PENDING: dict[str, list[str]] = {}

# What mutmut needs next to the code: the project's settings and manage.py (pytest-django
# puts its folder on sys.path, and it must be the mutated copy's).
LINKED = ["pyproject.toml", "manage.py", "tests"]

KILLED = {"killed", "timeout", "caught by type check"}


def prepare(*, reuse: bool) -> Path:
    """The run's folder: symbolic links to the project, mutmut's mutants/ copy inside."""
    folder = WORK / "run"
    if folder.exists() and not reuse:
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sources = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    for name in LINKED + sources["source_paths"]:
        link = folder / name
        if not link.exists():
            link.symlink_to(ROOT / name)
    return folder


def run_all(modules: list[str], tests: list[str], jobs: int) -> None:
    """In the run's folder (the current directory): mutate `modules`, run `tests`."""
    import mutation_session
    from mutmut import __main__ as mutmut_main
    from mutmut.configuration import config

    cfg = config()
    cfg.only_mutate = list(modules)
    cfg.pytest_add_cli_args_test_selection = list(tests)
    # Plugins are not discovered per run (PYTEST_DISABLE_PLUGIN_AUTOLOAD, set by main):
    # scanning the installed packages' entry points costs 0.1 s a pytest run. The one
    # plugin the fast tests need is named instead.
    cfg.pytest_add_cli_args = [*cfg.pytest_add_cli_args, "-p", "pytest_django.plugin"]
    # mutmut copies tests/ whole, following the symbolic link to tests/fhir_js/node_modules
    # (260 MB); the Python tests are enough.
    cfg.also_copy = [path for path in cfg.also_copy if path != Path("tests")]
    shutil.copytree(
        "tests", "mutants/tests", ignore=shutil.ignore_patterns("node_modules"), dirs_exist_ok=True
    )
    # Each mutant runs in a fork of one small, collected pytest session (mutation_session.py).
    mutation_session.install(mutmut_main, modules)
    try:
        mutmut_main._run([], jobs)
    finally:
        mutation_session.save_results()


def results(module: str) -> dict:
    """Counts and survivor names of the last run, read in the module's folder."""
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.stats import status_by_exit_code

    data = SourceFileMutationData(path=module)
    data.load()
    statuses = {key: status_by_exit_code[code] for key, code in data.exit_code_by_key.items()}
    killed = sum(1 for s in statuses.values() if s in KILLED)
    return {
        # Time the module's mutants took, added up over the parallel jobs.
        "seconds": sum(data.durations_by_key.values()),
        "module": module,
        "mutants": len(statuses),
        "killed": killed,
        "survivors": sorted(k for k, s in statuses.items() if s not in KILLED),
        "statuses": {k: s for k, s in statuses.items() if s not in KILLED},
    }


def diff(name: str) -> str:
    from mutmut.__main__ import find_mutant, get_diff_for_mutant

    return get_diff_for_mutant(name, path=find_mutant(name).path)


def child(args) -> int:
    """Runs inside .mutation/run/: mutmut's run, then a JSON summary on the last line."""
    with open("mutation.log", "w") as log:
        stdout = os.dup(1)
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            run_all(args.child, args.tests, args.jobs)
        finally:
            sys.stdout.flush()
            os.dup2(stdout, 1)
    summary = [results(module) for module in args.child]
    if args.survivors:
        for row in summary:
            row["diffs"] = {name: diff(name) for name in row["survivors"]}
    print(json.dumps(summary))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="modules to test (default: all in MODULES)")
    parser.add_argument("--survivors", action="store_true", help="print each survivor's diff")
    parser.add_argument("--reuse", action="store_true", help="keep results of unchanged code")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--tests", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    table = MODULES | PENDING
    modules = args.modules or list(MODULES)
    unknown = [m for m in modules if m not in table]
    if unknown:
        parser.error(f"not in MODULES or PENDING (scripts/mutation.py): {', '.join(unknown)}")
    # One mutmut run for all the modules: its set-up (copying the sources, a stats run that
    # maps each function to the tests that call it, a clean run) is paid once.
    tests = list(dict.fromkeys(test for module in modules for test in table[module]))
    folder = prepare(reuse=args.reuse)
    (folder / "phases.log").unlink(missing_ok=True)
    started = time.monotonic()
    command = [sys.executable, str(Path(__file__).resolve()), "--child", *modules]
    command += ["--jobs", str(args.jobs), "--tests", *tests]
    command += ["--survivors"] if args.survivors else []
    environment = os.environ | {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    done = subprocess.run(command, cwd=folder, env=environment, capture_output=True, text=True)
    if done.returncode != 0 or not done.stdout.strip():
        log = (folder / "mutation.log").read_text(errors="replace")
        print(log[-3000:] + done.stderr[-3000:])
        print(f"mutmut failed (whole log: {folder / 'mutation.log'})")
        return 2
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    seconds = time.monotonic() - started
    for row in rows:
        for name in row["survivors"]:
            print(f"  {row['statuses'][name]}: {name}")
            if args.survivors:
                print(row["diffs"][name])

    print("\nTime by step (mutation_session.py):")
    print((folder / "phases.log").read_text().rstrip())
    print(f"\n{'module':<30} {'killed':>7} {'mutants':>8} {'score':>7} {'seconds':>8}")
    failing = []
    for row in rows:
        score = 100.0 * row["killed"] / row["mutants"] if row["mutants"] else 100.0
        print(
            f"{row['module']:<30} {row['killed']:>7} {row['mutants']:>8} "
            f"{score:>6.1f}% {row['seconds']:>8.0f}"
            + ("  (pending: not held to the floor)" if row["module"] in PENDING else "")
        )
        if score < FLOOR and row["module"] in MODULES:
            failing.append(row["module"])
    print(f"{'whole run, wall clock':<55} {seconds:>8.0f}")
    if failing:
        print(f"\nUnder the floor of {FLOOR:.0f} % killed: {', '.join(failing)}")
        return 1
    print(f"\nEvery module held to the floor is at {FLOOR:.0f} % killed or more.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
