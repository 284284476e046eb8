"""A time limit for work done in the main process: the HTML and Markdown renders of a build without
PDFs, and the digest. PDFs have theirs in the worker pool; these run in-process to stay fast, but
brief text is untrusted, so a brief that makes the pure-Python Markdown writer crawl must cost only
its own output, not the build."""

from __future__ import annotations

import ctypes
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class TimeLimitExceeded(BaseException):
    """A BaseException, so that no `except Exception` on the way out turns it into a different error."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeLimitExceeded in the block after `seconds` (SIGALRM: main thread only, elsewhere no
    limit)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeLimitExceeded(seconds)

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expire)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    if outer and outer < seconds:  # inside a shorter limit: that one still rules
        signal.setitimer(signal.ITIMER_REAL, outer)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:  # an enclosing limit: re-armed with what is left of it (at least a moment)
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 0.001))


@contextmanager
def thread_time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeLimitExceeded in this thread after `seconds`, from a timer thread: for work in a thread
    that is not the main one (a Dask worker's), where SIGALRM cannot reach. The exception lands at the
    thread's next Python bytecode, which WeasyPrint's layout reaches often."""
    if seconds <= 0:
        yield
        return
    target = threading.get_ident()
    done = threading.Event()

    def expire() -> None:
        if not done.is_set():
            exception = ctypes.py_object(TimeLimitExceeded)
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), exception)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        done.set()
        timer.cancel()
