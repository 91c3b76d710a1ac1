"""Run CPU-heavy work at a lower CPU priority: PDF rendering and password hashing.

On the 2-core server a clinic runs, one note PDF (about 120 ms of CPU) or one Argon2
password check (about 240 ms of CPU over its lanes, when a clinician signs) competes with
the pages and autosaves of everybody else. Linux gives each thread its own nice value and
lets any thread lower its own priority (never raise it back without privileges), so
these jobs run on one dedicated thread per process whose nice value is raised by
LOW_PRIORITY_NICENESS: pages and saves go first, a PDF waits a little when the machine is
busy and not at all when it is idle. Threads Argon2 starts inherit the nice value.
LOW_PRIORITY_NICENESS = 0 runs the jobs at normal priority (still on that thread).
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_owner_pid: int | None = None


def _lower_own_priority():
    niceness = settings.LOW_PRIORITY_NICENESS
    if niceness <= 0 or not hasattr(os, "setpriority"):
        return
    thread = threading.get_native_id()
    try:
        current = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, min(19, current + niceness))
    except OSError:  # not permitted here: run at the normal priority
        pass


def _pool() -> ThreadPoolExecutor:
    global _executor, _owner_pid
    with _lock:
        # A forked process (a gunicorn worker) must not use its parent's thread.
        if _executor is None or _owner_pid != os.getpid():
            _executor = ThreadPoolExecutor(
                max_workers=1,
                thread_name_prefix="low-priority",
                initializer=_lower_own_priority,
            )
            _owner_pid = os.getpid()
        return _executor


def run(function, /, *args, **kwargs):
    """`function(*args, **kwargs)` on the low-priority thread; waits for its result."""
    if threading.current_thread().name.startswith("low-priority"):
        return function(*args, **kwargs)  # already there (a PDF inside a PDF job)
    return _pool().submit(function, *args, **kwargs).result()
