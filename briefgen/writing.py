"""Atomic writes: an output is either its old complete version or its new one, never half."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from briefgen.errors import NeedsAttention
from briefgen.problems import Problem, display_path


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_or_stop(path: Path, data: bytes, root: Path) -> None:
    """`write_atomic` where a failed write ends the command with one line (a folder or a read-only file
    in the way, a full disk): nothing half-written, and a person must clear the way (exit 5)."""
    try:
        write_atomic(path, data)
    except OSError as error:
        hint = "check that the folder is writable, nothing is in the way and the disk is not full"
        message = f"cannot write: {error.strerror or error}"
        raise NeedsAttention(Problem(display_path(path, root), 1, 1, message, hint=hint)) from None
