"""Concurrent-load and durability benchmark (a script, not a test).

Starts the app under gunicorn on a fresh database, then for --duration seconds runs
--clinicians simulated clinicians (create a note, autosave drafts, save, sign, download
the PDF) and --managers simulated managers (dashboard, note list), all on loopback.
Prints requests/s and p50/p95/p99 latency per endpoint, errors, "database is locked"
lines from the server log, and finally checks that every acknowledged save is in the
database exactly as sent.

    .venv/bin/python benchmarks/load_test.py                       # SQLite, as shipped
    .venv/bin/python benchmarks/load_test.py --database postgres   # a throwaway PostgreSQL
    .venv/bin/python benchmarks/load_test.py --duration 20 --clinicians 5   # a quick look
"""

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "load-test-password-1"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PG_PORT = 54331


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class Stats:
    def __init__(self):
        self.latency = defaultdict(list)
        self.errors = defaultdict(int)
        self.error_samples = []

    def add(self, name, seconds, ok, detail=""):
        self.latency[name].append(seconds)
        if not ok:
            self.errors[name] += 1
            if len(self.error_samples) < 10:
                self.error_samples.append(f"{name}: {detail}")


async def timed(stats, name, coroutine, expect=(200, 302)):
    start = time.perf_counter()
    try:
        response = await coroutine
    except httpx.HTTPError as error:
        stats.add(name, time.perf_counter() - start, False, repr(error))
        return None
    ok = response.status_code in expect
    stats.add(name, time.perf_counter() - start, ok, f"HTTP {response.status_code}")
    return response


async def sign_in(client, username):
    page = await client.get("/login/")
    token = CSRF.search(page.text).group(1)
    response = await client.post(
        "/login/", data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
    )
    if response.status_code != 302:
        raise RuntimeError(f"{username} could not sign in: HTTP {response.status_code}")


def form_data(token, version, fields, line, patient):
    data = {
        "csrfmiddlewaretoken": token,
        "version": str(version),
        "header-patient": str(patient),
        "header-date_of_service": "2026-11-02",
        "header-place_of_service": "11",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "1",
        "lines-0-code": line["code"],
        "lines-0-units": "1",
        "lines-0-side": line["side"],
        "lines-0-modifiers": line["modifiers"],
        "lines-0-site": line["site"],
    }
    return data | fields


LINES = [
    {"code": "64681", "side": "", "modifiers": "", "site": "", "technique": "chemical"},
    {
        "code": "64640",
        "side": "left",
        "modifiers": "LT",
        "site": "suprascapular nerve",
        "technique": "chemical",
    },
    {"code": "64632", "side": "left", "modifiers": "LT", "site": "3rd", "technique": "chemical"},
]


async def clinician(
    base, index, definitions, stats, acknowledged, stop_at, patient_ids, think=1.0
):
    async with httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False) as client:
        await sign_in(client, f"clin{index:02d}")
        rng = random.Random(index)

        async def pause():
            # A person reads and types between two requests (0.5x to 1.5x --think seconds).
            if think:
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think)

        while time.monotonic() < stop_at:
            line = rng.choice(LINES)
            patient = rng.choice(patient_ids)
            page = await client.get("/notes/new/")
            token = CSRF.search(page.text).group(1)
            response = await timed(
                stats,
                "POST /notes/new/",
                client.post(
                    "/notes/new/",
                    data={
                        "csrfmiddlewaretoken": token,
                        "header-patient": str(patient),
                        "header-date_of_service": "2026-11-02",
                        "header-place_of_service": "11",
                        "lines-TOTAL_FORMS": "1",
                        "lines-INITIAL_FORMS": "0",
                        "lines-0-code": line["code"],
                        "lines-0-units": "1",
                        "lines-0-side": line["side"],
                        "lines-0-modifiers": line["modifiers"],
                        "lines-0-site": line["site"],
                    },
                ),
                expect=(302,),
            )
            await pause()
            if response is None or response.status_code != 302:
                continue
            note_id = int(response.headers["location"].split("/")[2])
            edit = await timed(
                stats, "GET /notes/<id>/edit/", client.get(f"/notes/{note_id}/edit/")
            )
            token = CSRF.search(edit.text).group(1)
            full = dict(definitions[line["code"]])
            keys = list(full)
            version = 1
            typed = {}
            # The clinician types: an autosave every few fields.
            for step in range(0, len(keys), 6):
                typed |= {k: full[k] for k in keys[: step + 6]}
                response = await timed(
                    stats,
                    "POST /notes/<id>/autosave/",
                    client.post(
                        f"/notes/{note_id}/autosave/",
                        data=form_data(token, version, typed, line, patient),
                        headers={"Accept": "application/json"},
                    ),
                    expect=(200,),
                )
                if response is not None and response.status_code == 200:
                    version = response.json()["version"]
                    acknowledged[note_id] = dict(typed)
                await pause()
                if time.monotonic() > stop_at:
                    return
            response = await timed(
                stats,
                "POST /notes/<id>/edit/",
                client.post(
                    f"/notes/{note_id}/edit/", data=form_data(token, version, full, line, patient)
                ),
                expect=(302,),
            )
            if response is None or response.status_code != 302:
                continue
            acknowledged[note_id] = dict(full)
            version += 1
            sign_page = await client.get(f"/notes/{note_id}/sign/")
            match = CSRF.search(sign_page.text)
            if match is None:
                continue
            response = await timed(
                stats,
                "POST /notes/<id>/sign/",
                client.post(
                    f"/notes/{note_id}/sign/",
                    data={
                        "csrfmiddlewaretoken": match.group(1),
                        "password": PASSWORD,
                        "version": str(version),
                    },
                ),
                expect=(302,),
            )
            await pause()
            await timed(stats, "GET /notes/<id>/pdf/", client.get(f"/notes/{note_id}/pdf/"))
            await pause()


async def manager(base, index, stats, stop_at):
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await sign_in(client, f"mgr{index}")
        while time.monotonic() < stop_at:
            await timed(stats, "GET /review/", client.get("/review/"), expect=(200, 404))
            await timed(stats, "GET /notes/?scope=all", client.get("/notes/?scope=all"))
            await asyncio.sleep(0.5)


async def baseline(base, stats, stop_at):
    """The cheapest Django view, measured in the same run for the latency ratio."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        while time.monotonic() < stop_at:
            await timed(stats, "GET /healthz", client.get("/healthz"))
            await asyncio.sleep(0.2)


def django_env(database_url):
    return {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1", "PYTHONPATH": str(ROOT)}


def _db_script(env, *args, stdin=None):
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "load_test_db.py"), *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def prepare(env, clinicians, managers):
    for args in (["migrate", "-v0"], ["load_catalog"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    return _db_script(env, "prepare", str(clinicians), str(managers), PASSWORD)


def verify(env, acknowledged):
    return _db_script(
        env, "verify", stdin=json.dumps({str(k): v for k, v in acknowledged.items()})
    )


def start_postgres(workdir):
    bin_dir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    data = workdir / "pg"
    shutil.chown(workdir, "postgres")
    run = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        run + [str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        run
        + [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(workdir / "pg.log"),
            "-w",
            "-o",
            f"-p {PG_PORT} -k {workdir} -c listen_addresses=127.0.0.1 -c max_connections=200",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        run
        + [
            str(bin_dir / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(PG_PORT),
            "-U",
            "postgres",
            "neurolysis",
        ],
        check=True,
    )

    def stop():
        subprocess.run(
            run + [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            capture_output=True,
        )

    return f"postgres://postgres@127.0.0.1:{PG_PORT}/neurolysis", stop


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--duration", type=int, default=120)
    parser.add_argument("--clinicians", type=int, default=20)
    parser.add_argument("--managers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8991)
    parser.add_argument(
        "--think", type=float, default=1.0, help="seconds a clinician pauses between requests"
    )
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="neurolysis-load-"))
    stop_pg = None
    if options.database == "postgres":
        database_url, stop_pg = start_postgres(workdir)
    else:
        database_url = f"sqlite:///{workdir / 'clinic.sqlite3'}"
    env = django_env(database_url)
    world = prepare(env, options.clinicians, options.managers)
    log = (workdir / "gunicorn.log").open("w")  # noqa: SIM115 - closed after the run
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            str(options.workers),
            "--bind",
            f"127.0.0.1:{options.port}",
            "--access-logfile",
            "-",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{options.port}"
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        stats, acknowledged = Stats(), {}
        stop_at = time.monotonic() + options.duration
        started = time.perf_counter()

        async def run_all():
            await asyncio.gather(
                *(
                    clinician(
                        base,
                        i,
                        world["answers"],
                        stats,
                        acknowledged,
                        stop_at,
                        world["patients"],
                        options.think,
                    )
                    for i in range(options.clinicians)
                ),
                *(manager(base, i, stats, stop_at) for i in range(options.managers)),
                baseline(base, stats, stop_at),
            )

        asyncio.run(run_all())
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()

    locked = (workdir / "gunicorn.log").read_text().count("database is locked")
    result = verify(env, acknowledged)
    if stop_pg:
        stop_pg()

    total = sum(len(v) for v in stats.latency.values())
    print(
        f"\nLoad test on {options.database}: {options.clinicians} clinicians, "
        f"{options.managers} managers, {options.workers} gunicorn workers, "
        f"think time {options.think} s, {elapsed:.0f} s"
    )
    print(
        f"{'endpoint':32} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'errors':>6}"
    )
    for name in sorted(stats.latency):
        values = stats.latency[name]
        print(
            f"{name:32} {len(values):8d} {len(values) / elapsed:7.1f} "
            f"{percentile(values, 0.5) * 1000:8.1f} {percentile(values, 0.95) * 1000:8.1f} "
            f"{percentile(values, 0.99) * 1000:8.1f} {stats.errors[name]:6d}"
        )
    print(f"{'all':32} {total:8d} {total / elapsed:7.1f}")
    note_page = statistics.median(stats.latency.get("GET /notes/<id>/edit/", [float("nan")]))
    minimal = statistics.median(stats.latency.get("GET /healthz", [float("nan")]))
    print(f"\nnote page p50 / minimal Django view p50: {note_page / minimal:.1f}x")
    print(f"'database is locked' in server log: {locked}")
    print(
        f"errors: {sum(stats.errors.values())}"
        + (f" (first: {stats.error_samples})" if stats.error_samples else "")
    )
    print(
        f"acknowledged saves verified: {result['found']} of {result['checked']} notes found, "
        f"{len(result['mismatch'])} differ {result['mismatch']}"
    )
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
