"""PDF rendering and password hashing run at a lower CPU priority, with the same results."""

import os
import resource
import threading

from django.contrib.auth import hashers

from config import low_priority
from config import settings as shipped


def _niceness():
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_jobs_run_on_a_thread_with_a_lower_priority():
    job = low_priority.run(_niceness)
    assert job == min(19, _niceness() + shipped.LOW_PRIORITY_NICENESS)
    assert low_priority.run(lambda a, *, b: a + b, 1, b=2) == 3


def test_a_job_error_reaches_the_caller():
    def fails():
        raise ValueError("inside")

    try:
        low_priority.run(fails)
    except ValueError as error:
        assert str(error) == "inside"
    else:
        raise AssertionError("the error was lost")


def test_the_shipped_hasher_writes_and_reads_plain_argon2(clinician, settings):
    settings.PASSWORD_HASHERS = shipped.PASSWORD_HASHERS
    clinician.set_password("a-long-enough-password-1")
    assert clinician.password.startswith("argon2$argon2id$")
    assert clinician.check_password("a-long-enough-password-1")
    assert not clinician.check_password("a-long-enough-password-2")
    # Django's own hasher reads it: switching back needs no password reset.
    assert hashers.Argon2PasswordHasher().verify("a-long-enough-password-1", clinician.password)
    stock = hashers.Argon2PasswordHasher()
    assert hashers.check_password("old-password-12", stock.encode("old-password-12", stock.salt()))


def test_the_pdf_renders_on_the_low_priority_thread(monkeypatch):
    from checklists.pdf import render

    threads = []
    original = render._write_pdf

    def spy(*args):
        threads.append(threading.current_thread().name)
        return original(*args)

    monkeypatch.setattr(render, "_write_pdf", spy)
    assert render.write_pdf("<p>Low priority.</p>").startswith(b"%PDF-")
    assert threads and threads[0].startswith("low-priority")


def _recursing(depth):
    return 0 if depth == 0 else _recursing(depth - 1) + 1


def _sweep():
    # Up and down across many depths, as WeasyPrint's layout does while it lays out boxes.
    for _ in range(100):
        for depth in range(50, 400, 7):
            _recursing(depth)


def _page_faults(job) -> int:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    job()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def test_jobs_recurse_without_mapping_memory_for_their_frames():
    # CPython 3.11 maps a 16 KB chunk for a thread's frames whenever a call crosses the end
    # of one, and unmaps it on return: a plain thread pays page faults for every crossing.
    low_priority.run(_sweep)  # the thread is started and warm
    faults = []
    plain = threading.Thread(target=lambda: faults.append(_page_faults(_sweep)))
    plain.start()
    plain.join()
    on_the_low_priority_thread = low_priority.run(_page_faults, _sweep)
    assert faults[0] > 2_000, "a plain thread no longer pays for its frames: is the room needed?"
    assert on_the_low_priority_thread < 200


def test_a_roomy_frame_calls_its_function_as_it_is():
    roomy = low_priority.frame_room(1_000)
    assert roomy(lambda: "done") == "done"
    assert roomy.__code__.co_nlocals == 1_001
