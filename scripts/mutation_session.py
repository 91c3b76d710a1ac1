"""One pytest session for a whole mutmut run: a fork of it per mutant, no pytest.main each.

mutmut 3 forks a child per mutant and calls pytest.main() in it with the mutant's tests.
For the pure rule tests that costs far more than the tests: a new pytest config, plugin
registration and collection of the test files take 0.15 to 0.3 s, while the tests a mutant
runs take a few milliseconds. Here the parent collects the tests once, before the first
fork (ForkRunner.startup); each child then runs its tests through that session's own
pytest_runtest_protocol hook (fixtures, markers, xfail, warnings filters as in a plain
pytest run) and stops at the first failure, as mutmut's `-x` does. Stats collection, the
clean run and the forced-fail check still go through mutmut's own pytest.main() runs.

This leans on mutmut's runner classes and two pytest internals (_prepareconfig, the
temporary-path factory): scripts/mutation.py pins mutmut, and requirements-dev.txt pytest.
"""

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from math import ceil
from pathlib import Path

from mutmut.runners.harness import PytestRunner
from mutmut.utils.file_utils import change_cwd
from mutmut.utils.format_utils import mangled_name_from_mutant_name
from mutmut.workers.isolation import ForkRunner

# Written in the run's folder (.mutation/run/), one line per step.
PHASES = Path("phases.log").absolute()


class SessionRunner(PytestRunner):
    """A PytestRunner whose mutant runs reuse one collected session (see the module doc)."""

    def __init__(self) -> None:
        super().__init__()
        self.session = None
        self.items = {}
        self.scratch = None
        # Function (mangled name) -> the tests that killed its earlier mutants, latest
        # first. The children report a kill on `notes`; the parent reads the reports
        # before each fork, so a child tries the likeliest killers before the rest.
        self.killers: dict[str, list[str]] = {}
        self.notes = None
        self.notes_read = None

    def open_session(self) -> None:
        """In the parent, once: configure pytest and collect the selected tests."""
        from _pytest.config import _prepareconfig
        from _pytest.main import Session

        args = ["--rootdir=.", "--tb=native", "-q", "--capture=no", "-p", "no:randomly"]
        args += self._pytest_add_cli_args_test_selection + self._pytest_add_cli_args
        with change_cwd("mutants"):
            config = _prepareconfig(args)
            session = Session.from_config(config)
            config._do_configure()
            config.hook.pytest_sessionstart(session=session)
            config.hook.pytest_collection(session=session)
        if session.testsfailed:
            raise RuntimeError("collecting the mutation tests failed")
        self.session = session
        self.items = {item.nodeid: item for item in session.items}
        self.scratch = Path(tempfile.mkdtemp(prefix="mutation-tmp-"))
        self.notes = os.open(self.scratch / "kills", os.O_CREAT | os.O_WRONLY | os.O_APPEND)
        self.notes_read = open(self.scratch / "kills")  # noqa: SIM115 (open for the run)
        self.notes_pending = ""  # a line read before its child had finished writing it
        # One clean test here sets up the session-scoped fixtures (Django's test
        # environment, the scratch folders of tests/conftest.py) once for every child;
        # the teardown towards the first test leaves only those standing.
        first, last = session.items[0], session.items[-1]
        with change_cwd("mutants"):
            last.ihook.pytest_runtest_protocol(item=last, nextitem=first)
        if session.testsfailed:
            raise RuntimeError(f"the clean test {last.nodeid} failed in the mutation session")

    def close_session(self) -> None:
        if self.session is None:
            return
        config = self.session.config
        with change_cwd("mutants"):
            config.hook.pytest_sessionfinish(session=self.session, exitstatus=0)
            config._ensure_unconfigure()
        self.session = None
        os.close(self.notes)
        self.notes_read.close()
        shutil.rmtree(self.scratch, ignore_errors=True)

    def read_kills(self) -> None:
        """In the parent: take in the kills the children have reported since last time.

        A child may be writing its line while the parent reads: only whole lines are taken,
        the rest waits for the next read (CI once met half a line)."""
        *lines, self.notes_pending = (self.notes_pending + self.notes_read.read()).split("\n")
        for line in lines:
            mutant_name, nodeid = line.split("\t")
            tried = self.killers.setdefault(mangled_name_from_mutant_name(mutant_name), [])
            if nodeid in tried:
                tried.remove(nodeid)
            tried.insert(0, nodeid)

    def run_tests(self, *, mutant_name, tests) -> int:
        tests = list(tests)
        if mutant_name is None or self.session is None or not all(t in self.items for t in tests):
            return super().run_tests(mutant_name=mutant_name, tests=tests)
        # In the forked child: its own temporary folder (tmp_path), not its siblings'.
        factory = self.session.config._tmp_path_factory
        factory._given_basetemp = self.scratch / str(os.getpid())
        factory._basetemp = None
        factory._next_number = {}
        # The order changes only how soon a kill is found: a mutant survives only when
        # every one of its tests passes.
        likeliest = self.killers.get(mangled_name_from_mutant_name(mutant_name), [])
        first = [t for t in likeliest if t in tests]
        items = [self.items[t] for t in dict.fromkeys(first + tests)]
        with change_cwd("mutants"):
            self.session._setupstate.teardown_exact(items[0])
            for index, item in enumerate(items):
                following = items[index + 1] if index + 1 < len(items) else None
                item.ihook.pytest_runtest_protocol(item=item, nextitem=following)
                if self.session.testsfailed:
                    os.write(self.notes, f"{mutant_name}\t{item.nodeid}\n".encode())
                    return 1
        return 0


class SessionForkRunner(ForkRunner):
    def startup(self) -> None:
        with phase("opening the mutation session"):
            self.test_runner.open_session()
        super().startup()
        self.mutants = phase("running the mutants")
        self.mutants.__enter__()

    def submit(self, mutant_name, tests, cpu_time_limit, estimated_time) -> None:
        # mutmut lets a child burn 30 x (its tests' time + 1 s) of CPU before SIGXCPU: a
        # mutant that loops for ever (three in completeness.applies) held a worker 15 s.
        # 1 s + 20 x the tests' measured time is still 60 times what a mutant needs, and
        # CPU time does not stretch when the machine is busy. mutmut's wall-clock limit
        # stays as it is, for a child that hangs without using CPU. Either counts as killed.
        super().submit(mutant_name, tests, 1 + ceil(20 * estimated_time), estimated_time)

    def wait_for_result(self, timeout=None):
        result = super().wait_for_result(timeout)
        self.test_runner.read_kills()
        return result

    def run_clean_tests(self, tests) -> int:
        with phase("clean run"):
            return super().run_clean_tests(tests)

    def shutdown(self) -> None:
        super().shutdown()
        self.mutants.__exit__(None, None, None)
        self.test_runner.close_session()


def install(mutmut_main, modules: list[str]) -> None:
    """Patch mutmut's run (`mutmut.__main__`) to use the session runner, and to compile the
    mutated modules once before anything imports them."""
    create_mutants = mutmut_main.create_mutants

    def create_and_compile(max_children: int):
        stats = create_mutants(max_children)
        # A mutated module holds every mutant's copy of its functions (3.7 MB of source
        # for rules/checks.py). Compiled on import, with PYTHONDONTWRITEBYTECODE set as it
        # may be, the compiler's peak leaves the importing process at about 300 MB instead
        # of 70 MB: each fork of it then copies four times the page tables. compileall
        # writes the bytecode whatever that variable says, in a process of its own.
        files = [str(Path("mutants") / module) for module in modules]
        with phase("compiling the mutated modules"):
            subprocess.run([sys.executable, "-m", "compileall", "-q", *files], check=True)
        return stats

    mutmut_main.create_mutants = timed("generating the mutants", create_and_compile)
    mutmut_main.collect_or_load_stats = timed("stats run", mutmut_main.collect_or_load_stats)
    mutmut_main.run_forced_fail_test = timed("forced-fail run", mutmut_main.run_forced_fail_test)
    mutmut_main.get_mutant_runner = get_mutant_runner

    # mutmut rewrites a module's whole results file after each mutant and recounts every
    # module's results for its progress line before each one: for 1,700 mutants of one
    # module that is quadratic, seconds of the parent's time. Both are done once, at the end.
    print_stats = mutmut_main.print_stats

    def print_final_stats(data_by_path, force_output=False):
        if force_output:
            print_stats(data_by_path, force_output=True)

    def register_result(result, mutation_data_by_mutant_name):
        data = mutation_data_by_mutant_name[result.mutant_name]
        assert result.mutant_name in data.exit_code_by_key, result.mutant_name
        data.exit_code_by_key[result.mutant_name] = result.exit_code
        data.durations_by_key[result.mutant_name] = result.duration
        UNSAVED.add(data)

    mutmut_main.print_stats = print_final_stats
    mutmut_main._register_mutant_result = register_result


# Results not yet written to their module's results file (see install).
UNSAVED = set()


def save_results() -> None:
    """Writes the results that install()'s register_result kept in memory."""
    while UNSAVED:
        UNSAVED.pop().save()


@contextlib.contextmanager
def phase(name: str):
    """Logs the wall time and CPU time (this process, its children) of a step to PHASES,
    which scripts/mutation.py prints (mutmut's own output capture would swallow stderr)."""
    wall, cpu = time.monotonic(), os.times()
    yield
    end = os.times()
    line = (
        f"[mutation] {name}: {time.monotonic() - wall:.1f} s wall, "
        f"{end.user + end.system - cpu.user - cpu.system:.1f} s CPU here, "
        f"{end.children_user + end.children_system - cpu.children_user - cpu.children_system:.1f}"
        " s CPU in children\n"
    )
    with open(PHASES, "a") as log:
        log.write(line)


def timed(name: str, function):
    def wrapper(*args, **kwargs):
        with phase(name):
            return function(*args, **kwargs)

    return wrapper


def get_mutant_runner(max_workers: int = 1) -> ForkRunner:
    """Stands in for mutmut.workers.isolation.get_mutant_runner (fork isolation only)."""
    runner = SessionRunner()
    runner.prepare_main_test_run()
    return SessionForkRunner(max_workers=max_workers, test_runner=runner)
