"""Binary articles (PDF, Word) parsed in a separate process under a time limit.

A PDF or .docx is a program for its parser: a crafted or damaged file can make pypdf or lxml loop,
recurse or allocate for minutes. Parsing in a child process that is killed after `PARSE_SECONDS`
keeps `new` and `check` from hanging on one file, and a crash in the child (a segfault, memory
exhausted) is one error line instead of a dead command. Library warnings and log lines about the
damage stay in the child: the user sees only the one line of `SourceError`.
"""

from __future__ import annotations

import logging
import multiprocessing
import warnings
from collections.abc import Callable
from pathlib import Path

from briefgen.sources.article import Article, SourceError

PARSE_SECONDS = 30
"""How long one PDF or Word article may take to parse before it is given up."""

Reader = Callable[[bytes, Path], Article]


def _quietly(reader: Reader, data: bytes, path: Path) -> Article:
    """The reader with library warnings and log lines silenced; any failure becomes a SourceError."""
    for name in ("pypdfium2", "docx"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return reader(data, path)
        except SourceError:
            raise
        except RecursionError:
            raise SourceError("its structure is nested too deeply to read") from None
        except MemoryError:
            raise SourceError("it needs too much memory to read") from None
        except Exception as error:
            raise SourceError(f"damaged or not readable ({type(error).__name__})") from None


def _answer(reader: Reader, data: bytes, path: Path) -> Article | tuple[str, str]:
    """`_quietly` for the child: a failure comes back as plain strings (message, hint), since an
    exception may drag along what cannot be pickled (lxml's error log did, now and then)."""
    try:
        return _quietly(reader, data, path)
    except SourceError as error:
        return (str(error), error.hint)


def parse_isolated(reader: Reader, data: bytes, path: Path, what: str) -> Article:
    """`reader(data, path)` in a child process, given up after `PARSE_SECONDS`.

    Inside a daemonic process (a pool worker), which may not start children, it runs in-process.
    """
    if multiprocessing.current_process().daemon:
        return _quietly(reader, data, path)
    from pebble import ProcessExpired, concurrent

    task = concurrent.process(timeout=PARSE_SECONDS)(_answer)
    future = task(reader, data, path)
    try:
        found = future.result()
    except TimeoutError:
        message = f"this {what} took longer than {PARSE_SECONDS} s to read: it may be damaged"
        raise SourceError(message) from None
    except ProcessExpired as error:
        message = f"reading this {what} crashed (exit code {error.exitcode}): it may be damaged"
        raise SourceError(message) from None
    if isinstance(found, tuple):
        raise SourceError(*found)
    return found
