"""Files that hold PHI are the service account's alone: files 0600, directories 0700.

The database (and SQLite's WAL and shared-memory files, which SQLite creates with the
database file's mode), backups, anchors and export zips. Created through these helpers,
whatever the process's umask.
"""

import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path) -> Path:
    path = Path(path)
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    path.chmod(DIR_MODE)
    return path


def private_file(path) -> Path:
    """Make an existing file private (after a library wrote it)."""
    path = Path(path)
    path.chmod(FILE_MODE)
    return path


def opener(path, flags):
    """For open(..., opener=opener): the file is created 0600, never readable by others."""
    return os.open(path, flags, FILE_MODE)


def protect_sqlite(sender=None, connection=None, **kwargs):
    """connection_created: the SQLite database and its WAL/SHM files, 0600."""
    if connection is None or connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return
    for suffix in ("", "-wal", "-shm"):
        candidate = Path(name + suffix)
        if candidate.exists():
            candidate.chmod(FILE_MODE)
