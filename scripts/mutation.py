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


def work_dir(module: str) -> Path:
    return WORK / module.removesuffix(".py").replace("/", "-")


def prepare(module: str, *, reuse: bool) -> Path:
    folder = work_dir(module)
    if folder.exists() and not reuse:
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sources = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    for name in LINKED + sources["source_paths"]:
        link = folder / name
        if not link.exists():
            link.symlink_to(ROOT / name)
    return folder


def run_one(module: str, tests: list[str], jobs: int) -> None:
    """In the module's folder (the current directory): mutate `module`, run `tests`."""
    from mutmut import __main__ as mutmut_main
    from mutmut.configuration import config

    cfg = config()
    cfg.only_mutate = [module]
    cfg.pytest_add_cli_args_test_selection = list(tests)
    # Plugins are not discovered per run (PYTEST_DISABLE_PLUGIN_AUTOLOAD, set by main):
    # scanning the installed packages' entry points costs 0.1 s a mutant. The one plugin
    # the fast tests need is named instead.
    cfg.pytest_add_cli_args = [*cfg.pytest_add_cli_args, "-p", "pytest_django.plugin"]
    mutmut_main._run([], jobs)


def results(module: str) -> dict:
    """Counts and survivor names of the last run, read in the module's folder."""
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.stats import status_by_exit_code

    data = SourceFileMutationData(path=module)
    data.load()
    statuses = {key: status_by_exit_code[code] for key, code in data.exit_code_by_key.items()}
    killed = sum(1 for s in statuses.values() if s in KILLED)
    return {
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
    """Runs inside .mutation/<module>/: mutmut's run, then a JSON summary on the last line."""
    with open("mutation.log", "w") as log:
        stdout = os.dup(1)
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            run_one(args.child, args.tests, args.jobs)
        finally:
            sys.stdout.flush()
            os.dup2(stdout, 1)
    summary = results(args.child)
    if args.survivors:
        summary["diffs"] = {name: diff(name) for name in summary["survivors"]}
    print(json.dumps(summary))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="modules to test (default: all in MODULES)")
    parser.add_argument("--survivors", action="store_true", help="print each survivor's diff")
    parser.add_argument("--reuse", action="store_true", help="keep results of unchanged code")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--tests", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    table = MODULES | PENDING
    modules = args.modules or list(MODULES)
    unknown = [m for m in modules if m not in table]
    if unknown:
        parser.error(f"not in MODULES or PENDING (scripts/mutation.py): {', '.join(unknown)}")
    rows = []
    for module in modules:
        folder = prepare(module, reuse=args.reuse)
        started = time.monotonic()
        command = [sys.executable, str(Path(__file__).resolve()), "--child", module]
        command += ["--jobs", str(args.jobs), "--tests", *table[module]]
        command += ["--survivors"] if args.survivors else []
        environment = os.environ | {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
        done = subprocess.run(command, cwd=folder, env=environment, capture_output=True, text=True)
        if done.returncode != 0 or not done.stdout.strip():
            log = (folder / "mutation.log").read_text(errors="replace")
            print(log[-3000:] + done.stderr[-3000:])
            print(f"{module}: mutmut failed (whole log: {folder / 'mutation.log'})")
            return 2
        summary = json.loads(done.stdout.strip().splitlines()[-1])
        summary["seconds"] = time.monotonic() - started
        rows.append(summary)
        for name in summary["survivors"]:
            print(f"  {summary['statuses'][name]}: {name}")
            if args.survivors:
                print(summary["diffs"][name])

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
    if failing:
        print(f"\nUnder the floor of {FLOOR:.0f} % killed: {', '.join(failing)}")
        return 1
    print(f"\nEvery module held to the floor is at {FLOOR:.0f} % killed or more.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
