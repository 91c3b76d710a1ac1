"""Online backup and restore of the database.

SQLite: the online backup API copies a consistent snapshot while the app keeps running.
PostgreSQL: pg_dump / pg_restore in the custom format (the client tools must match the
server's major version).
"""

import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection


def _pg_env_and_args(settings_dict):
    env = {"PGPASSWORD": settings_dict.get("PASSWORD") or ""}
    args = ["--dbname", settings_dict["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [flag, str(settings_dict[key])]
    return env, args


def backup(destination: Path) -> Path:
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        target = sqlite3.connect(destination)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return destination
    if connection.vendor == "postgresql":
        env, args = _pg_env_and_args(connection.settings_dict)
        subprocess.run(
            [shutil.which("pg_dump") or "pg_dump", "--format=custom", "--file", str(destination)]
            + args,
            check=True,
            env={**env, "PATH": "/usr/bin:/usr/local/bin"},
        )
        return destination
    raise NotImplementedError(f"no backup for {connection.vendor}")


def restore(source: Path) -> None:
    """Replace the database's content with the backup's (the app should be stopped)."""
    source = Path(source)
    if not source.exists():
        raise FileNotFoundError(source)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        origin = sqlite3.connect(source)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
        return
    if connection.vendor == "postgresql":
        connection.close()
        env, args = _pg_env_and_args(connection.settings_dict)
        subprocess.run(
            [shutil.which("pg_restore") or "pg_restore", "--clean", "--if-exists", "--no-owner"]
            + args
            + [str(source)],
            check=True,
            env={**env, "PATH": "/usr/bin:/usr/local/bin"},
        )
        return
    raise NotImplementedError(f"no restore for {connection.vendor}")
