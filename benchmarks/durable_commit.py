"""A floor for requests that write: one durable commit of one tiny row, on the same disk.

A request that writes (every signed-PDF download appends its audit event) waits for SQLite
to make the commit durable (WAL, synchronous=FULL: an fsync of the log). That wait is the
disk's, and on a shared machine it swings from 0.2 ms to 10 ms with what the other
processes write. Timed next to the request, in the same database folder, it tells a
reader how much of the request's wall time was the disk's.
"""

import sqlite3
import time
from pathlib import Path


class DurableCommit:
    """Commits one row to a scratch SQLite file as the app commits: WAL, synchronous=FULL,
    BEGIN IMMEDIATE. `once()` returns the seconds it took."""

    def __init__(self, folder):
        path = Path(folder) / "durable-commit-floor.sqlite3"
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=FULL")
        self.connection.execute("CREATE TABLE IF NOT EXISTS tick (at REAL)")

    def once(self) -> float:
        started = time.perf_counter()
        self.connection.execute("BEGIN IMMEDIATE")
        self.connection.execute("INSERT INTO tick VALUES (?)", (started,))
        self.connection.execute("COMMIT")
        return time.perf_counter() - started
