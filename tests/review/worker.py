"""Run a real `manage.py db_worker` process against the test database.

PostgreSQL: the worker opens the test database itself (the test must commit, so it is a
transactional test). SQLite: the test database lives in memory, which no other process
can open, so it is copied to a file for the worker and copied back when the worker exits.
"""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection


def run_worker(tmp_path: Path, *, export_dir: Path, timeout: int = 300):
    connection.ensure_connection()
    file_copy = None
    if connection.vendor == "sqlite":
        file_copy = tmp_path / "worker.sqlite3"
        target = sqlite3.connect(file_copy)
        connection.connection.backup(target)
        target.close()
        database = {"ENGINE": connection.settings_dict["ENGINE"], "NAME": str(file_copy)}
    else:
        database = {
            key: connection.settings_dict[key]
            for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT")
        }
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "tests.review.worker_settings",
        "REVIEW_TEST_DATABASE": json.dumps(database),
        "REVIEW_EXPORT_DIR": str(export_dir),
        "SIGNED_PDF_DIR": str(tmp_path / "signed-pdfs"),
    }
    process = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if file_copy is not None:
        source = sqlite3.connect(file_copy)
        source.backup(connection.connection)
        source.close()
    return process
