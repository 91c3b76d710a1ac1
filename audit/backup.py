"""Online backup and restore of the database, and the checks a backup passes before a
restore touches anything.

SQLite: the online backup API copies a consistent snapshot while the app keeps running.
PostgreSQL: pg_dump / pg_restore in the custom format (the client tools must match the
server's major version). Backups hold PHI: written 0600 in a 0700 directory.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from config.private_files import private_dir, private_file

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupRefused(Exception):
    """The file is not a backup this installation can restore; nothing was touched."""


def _pg_env_and_args(settings_dict):
    env = {"PGPASSWORD": settings_dict.get("PASSWORD") or ""}
    args = ["--dbname", settings_dict["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [flag, str(settings_dict[key])]
    return env, args


def _postgres_url(settings_dict, name) -> str:
    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(name)}"


def _pg_admin(*statements):
    """CREATE/DROP DATABASE, which no transaction may hold: a connection of their own."""
    import psycopg

    settings_dict = connection.settings_dict
    with psycopg.connect(
        dbname=settings_dict["NAME"],
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        autocommit=True,
    ) as admin:
        for statement in statements:
            admin.execute(statement)


def _pg_tool(name):
    return shutil.which(name) or name


def backup(destination: Path) -> Path:
    destination = Path(destination)
    private_dir(destination.parent)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        destination.touch(mode=0o600)
        private_file(destination)
        target = sqlite3.connect(destination)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return private_file(destination)
    if connection.vendor == "postgresql":
        env, args = _pg_env_and_args(connection.settings_dict)
        destination.touch(mode=0o600)
        private_file(destination)
        subprocess.run(
            [_pg_tool("pg_dump"), "--format=custom", "--file", str(destination)] + args,
            check=True,
            env={**env, "PATH": "/usr/bin:/usr/local/bin"},
        )
        return private_file(destination)
    raise NotImplementedError(f"no backup for {connection.vendor}")


def _expected_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _check_migrations(recorded: set[tuple[str, str]], source: Path):
    expected = _expected_migrations()
    ours = {app for app, _ in expected}
    if not recorded & expected:
        raise BackupRefused(f"{source} is not a backup of this app (none of its migrations).")
    missing = sorted(expected - recorded)
    unknown = sorted((app, name) for app, name in recorded - expected if app in ours)
    if unknown:
        raise BackupRefused(
            f"{source} comes from a newer release (migrations this code lacks: "
            f"{', '.join(f'{a}.{n}' for a, n in unknown[:5])}): restore it with that release."
        )
    if missing:
        raise BackupRefused(
            f"{source} comes from an older release (migrations it lacks: "
            f"{', '.join(f'{a}.{n}' for a, n in missing[:5])}): restore it with that "
            "release, then upgrade."
        )


def _verify_copy(database_url: str, source: Path) -> str:
    """verify_audit run on the backup's copy, by this release's own command in a process of
    its own (its own database connection): the summary line, or BackupRefused."""
    result = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "verify_audit"],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": database_url},
    )
    if result.returncode == 0:
        return result.stdout.strip()
    problems = [line[2:] for line in result.stderr.splitlines() if line.startswith("- ")]
    if not problems:
        problems = [result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "?"]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    raise BackupRefused(f"{source} fails verify_audit: {problems[0]}{more}")


def _check_sqlite(source: Path):
    with source.open("rb") as file:
        if file.read(16) != SQLITE_MAGIC:
            raise BackupRefused(f"{source} is not a SQLite database, so not a backup_db backup.")
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "check.sqlite3"
        shutil.copyfile(source, copy)
        try:
            database = sqlite3.connect(copy)
            try:
                (result,) = database.execute("PRAGMA integrity_check").fetchone()
                if result != "ok":
                    raise BackupRefused(f"{source} fails SQLite's integrity check: {result}.")
                recorded = set(database.execute("SELECT app, name FROM django_migrations"))
            finally:
                database.close()
        except sqlite3.DatabaseError as exc:
            raise BackupRefused(f"{source} cannot be read as a database: {exc}.") from exc
        _check_migrations(recorded, source)
        return _verify_copy(f"sqlite:///{copy}", source)


def _check_postgresql(source: Path):
    with source.open("rb") as file:
        if file.read(5) != PG_DUMP_MAGIC:
            raise BackupRefused(
                f"{source} is not a pg_dump custom-format file, so not a backup_db backup."
            )
    listing = subprocess.run(
        [_pg_tool("pg_restore"), "--list", str(source)], capture_output=True, text=True
    )
    if listing.returncode != 0:
        raise BackupRefused(f"{source} cannot be read by pg_restore: {listing.stderr.strip()}")
    # Restored into a scratch database of the same server, checked there, dropped.
    scratch = f"{connection.settings_dict['NAME']}_restore_check"
    env, args = _pg_env_and_args({**connection.settings_dict, "NAME": scratch})
    _pg_admin(f'DROP DATABASE IF EXISTS "{scratch}"', f'CREATE DATABASE "{scratch}"')
    try:
        restored = subprocess.run(
            [_pg_tool("pg_restore"), "--no-owner", *args, str(source)],
            capture_output=True,
            text=True,
            env={**env, "PATH": "/usr/bin:/usr/local/bin"},
        )
        if restored.returncode != 0:
            raise BackupRefused(f"{source} does not restore cleanly: {restored.stderr.strip()}")
        listed = subprocess.run(
            [
                _pg_tool("psql"),
                *args,
                "--no-align",
                "--tuples-only",
                "--field-separator=|",
                "--command",
                "SELECT app, name FROM django_migrations",
            ],
            capture_output=True,
            text=True,
            env={**env, "PATH": "/usr/bin:/usr/local/bin"},
        )
        if listed.returncode != 0:
            raise BackupRefused(f"{source} is not a backup of this app (no migrations table).")
        recorded = {
            tuple(line.split("|", 1)) for line in listed.stdout.splitlines() if "|" in line
        }
        _check_migrations(recorded, source)
        return _verify_copy(_postgres_url(connection.settings_dict, scratch), source)
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{scratch}"')


def check_backup(source: Path):
    """Refuse (BackupRefused, one sentence) a file that is no sound backup of this app."""
    source = Path(source)
    if not source.is_file():
        raise BackupRefused(f"No backup at {source}.")
    if source.stat().st_size == 0:
        raise BackupRefused(f"{source} is empty, so not a backup.")
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return _check_sqlite(source)
    if connection.vendor == "postgresql":
        return _check_postgresql(source)
    raise NotImplementedError(f"no restore for {connection.vendor}")


def restore(source: Path) -> None:
    """Replace the database's content with the backup's (the app should be stopped).
    Call check_backup first."""
    source = Path(source)
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
            [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner"]
            + args
            + [str(source)],
            check=True,
            env={**env, "PATH": "/usr/bin:/usr/local/bin"},
        )
        return
    raise NotImplementedError(f"no restore for {connection.vendor}")
