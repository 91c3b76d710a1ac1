"""Run CPU-heavy work at a lower CPU priority: PDF rendering and password hashing.

On the 2-core server a clinic runs, one note PDF (about 120 ms of CPU) or one Argon2
password check (about 240 ms of CPU over its lanes, when a clinician signs) competes with
the pages and autosaves of everybody else. Linux gives each thread its own nice value and
lets any thread lower its own priority (never raise it back without privileges), so
these jobs run on one dedicated thread per process whose nice value is raised by
LOW_PRIORITY_NICENESS: pages and saves go first, a PDF waits a little when the machine is
busy and not at all when it is idle. Threads Argon2 starts inherit the nice value.
LOW_PRIORITY_NICENESS = 0 runs the jobs at normal priority (still on that thread).

The thread runs its jobs inside one roomy frame (`frame_room`): CPython 3.11 keeps each
thread's Python frames in 16 KB chunks, maps a new chunk whenever a call crosses the end of
one and unmaps it when that call returns. WeasyPrint's layout recurses up and down across
such a boundary about a thousand times per note, and each crossing costs an mmap, an
munmap and four page faults: a tenth of a short note's render (docs/performance.md). Jobs
that start with half a megabyte of frame room never cross one.
"""

import os
import queue
import threading
from concurrent.futures import Future

from django.conf import settings

# Frame room the jobs start with, in pointers: the layout of a 20-page note recurses well
# within it. The frame that reserves it is made once, when the thread starts.
FRAME_ROOM = 32_768

_lock = threading.Lock()
_jobs: "queue.SimpleQueue | None" = None
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


def frame_room(slots: int):
    """A function that calls `function()` from a frame with `slots` unused local variables:
    CPython gives a frame that large a chunk of its own, twice its size, and everything
    the call does runs in that chunk's other half. Only the code object's local names
    change; the function does what `lambda function: function()` does."""

    def roomy(function):
        return function()

    code = roomy.__code__
    names = code.co_varnames + tuple(f"_room_{index}" for index in range(slots))
    roomy.__code__ = code.replace(co_varnames=names, co_nlocals=len(names))
    return roomy


def _serve(jobs: "queue.SimpleQueue"):
    _lower_own_priority()
    while True:
        future, function, args, kwargs = jobs.get()
        if not future.set_running_or_notify_cancel():
            continue
        try:
            future.set_result(function(*args, **kwargs))
        except BaseException as error:  # the caller gets it, as from an executor
            future.set_exception(error)
        del future, function, args, kwargs


def _queue() -> "queue.SimpleQueue":
    global _jobs, _owner_pid
    with _lock:
        # A forked process (a gunicorn worker) must not use its parent's thread.
        if _jobs is None or _owner_pid != os.getpid():
            jobs = queue.SimpleQueue()
            roomy = frame_room(FRAME_ROOM)
            threading.Thread(
                target=roomy,
                args=(lambda: _serve(jobs),),
                name="low-priority",
                daemon=True,
            ).start()
            _jobs, _owner_pid = jobs, os.getpid()
        return _jobs


def run(function, /, *args, **kwargs):
    """`function(*args, **kwargs)` on the low-priority thread; waits for its result."""
    if threading.current_thread().name.startswith("low-priority"):
        return function(*args, **kwargs)  # already there (a PDF inside a PDF job)
    future = Future()
    _queue().put((future, function, args, kwargs))
    return future.result()
