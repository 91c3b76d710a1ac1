"""Killing the app in the middle of saves leaves the old or the new note, never a mix."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

WORKER = Path(__file__).with_name("durability_worker.py")


def run(step, env, **kwargs):
    return subprocess.run(
        [sys.executable, str(WORKER), step], env=env, capture_output=True, text=True, **kwargs
    )


def test_a_killed_save_leaves_a_whole_note(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'clinic.sqlite3'}"}
    setup = run("setup", env, timeout=120)
    assert setup.returncode == 0, setup.stderr

    for attempt in range(3):
        saver = subprocess.Popen(
            [sys.executable, str(WORKER), "save"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        saves = 0
        deadline = time.monotonic() + 60
        while saves < 15 + attempt * 7 and time.monotonic() < deadline:
            line = saver.stdout.readline()
            if not line:
                break
            saves = int(line)
        # SIGKILL: no cleanup, no rollback by the app; only SQLite's journal protects us.
        os.kill(saver.pid, signal.SIGKILL)
        saver.wait(timeout=10)
        assert saves >= 15, saver.stderr.read()

        check = run("check", env, timeout=60)
        assert check.returncode == 0, check.stderr
        state = json.loads(check.stdout.strip().splitlines()[-1])
        assert state == state | {
            "matches_a_whole_save": True,
            "gaps_consistent": True,
            "counters_consistent": True,
            "lines": 1,
        }
        assert state["version"] >= saves + 1
