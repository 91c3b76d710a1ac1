"""The signed-PDF download (`/notes/<id>/pdf/` of a signed note, served from its stored
bytes), timed one way for every benchmark that prints it: pdf_render and request_profile.

Each download comes right after the same two floors, taken at the same moment: /healthz
through the same client (the middleware, session and user every request pays; its CPU
time is the floor for the download's CPU time) and one durable SQLite commit on the same
disk (the floor for the download's wait: its audit event's commit is durable). The two
benchmarks once timed it in two loops of their own and printed 4.4 and 7.3 ms on a quiet
machine for the same code path; with one loop, a difference between them is the machine's
state at that moment, and the floors beside the figure show it.
"""

import statistics
import time

from django.db import connection

from benchmarks.durable_commit import DurableCommit
from benchmarks.query_counter import QueryCounter


def time_downloads(client, url: str, runs: int, folder, profile=None) -> dict:
    """Wall and CPU seconds of `runs` downloads of `url`, each after /healthz and one
    durable commit (their times too); the first download, which stores the PDF when no
    worker has yet, is not timed. Every download must give the same bytes."""
    first = client.get(url)
    assert first.status_code == 200, first.status_code
    durable = DurableCommit(folder)
    got = {key: [] for key in ("wall", "cpu", "healthz", "healthz_cpu", "commit", "queries")}
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get("/healthz")
        got["healthz"].append(time.perf_counter() - started)
        got["healthz_cpu"].append(time.process_time() - started_cpu)
        got["commit"].append(durable.once())
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            started, started_cpu = time.perf_counter(), time.process_time()
            if profile is not None:
                profile.enable()
            response = client.get(url)
            if profile is not None:
                profile.disable()
            got["wall"].append(time.perf_counter() - started)
            got["cpu"].append(time.process_time() - started_cpu)
        got["queries"].append(counter.count)
        assert response.content == first.content
    got["wait"] = [wall - cpu for wall, cpu in zip(got["wall"], got["cpu"], strict=True)]
    got["pdf"] = first.content
    return got


def median_ms(got: dict, key: str) -> float:
    return statistics.median(got[key]) * 1000


def floors(got: dict) -> str:
    """The floors timed between the downloads, for the line under a benchmark's figure."""
    return (
        f"/healthz through the same client {median_ms(got, 'healthz'):.1f} ms "
        f"({median_ms(got, 'healthz_cpu'):.1f} ms CPU), one durable SQLite commit on the "
        f"same disk {median_ms(got, 'commit'):.1f} ms (min {min(got['commit']) * 1000:.1f})"
    )
