"""What the last build made from what: the state that lets a rebuild skip unchanged briefs.

Kept as one JSON file in the output folder, written compactly (no indentation, so that Python's C
encoder does the work: about 10 MB and a fraction of a second for 10,000 briefs) and only when it
changed. It records, per brief file, the stat and hash of the brief and of every workspace file it
references, the key its outputs were built with, and the outputs briefgen wrote (so that only those
are ever deleted). A missing, corrupt or foreign manifest simply means "nothing is known": a full
rebuild, never a crash and never a stale file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.model import SLUG_PATTERN
from briefgen.writing import write_atomic

MANIFEST_NAME = ".briefgen-manifest.json"
_SLUG = re.compile(SLUG_PATTERN)
FORMAT_VERSION = 1


@dataclass
class FileState:
    """Enough to tell cheaply whether a file changed: stat first, content hash when stat differs."""

    mtime_ns: int
    size: int
    sha256: str

    @classmethod
    def of(cls, path: Path, data: bytes | None = None) -> FileState:
        stat = path.stat()
        if data is None:
            data = path.read_bytes()
        return cls(stat.st_mtime_ns, stat.st_size, hashlib.sha256(data).hexdigest())

    def still_matches(self, path: str | Path) -> FileState | None:
        """The file's current state when its content is unchanged (stat refreshed), else None."""
        try:
            stat = os.stat(path)
        except OSError:
            return None
        if (stat.st_mtime_ns, stat.st_size) == (self.mtime_ns, self.size):
            return self
        if stat.st_size != self.size:
            return None
        try:
            current = FileState.of(Path(path))
        except OSError:
            return None
        return current if current.sha256 == self.sha256 else None


@dataclass
class Entry:
    """One brief file: its id, what it was built from, and what was written for it."""

    id: str
    brief: FileState
    deps: dict[str, FileState] = field(default_factory=dict)
    outputs: dict[str, tuple[str, str]] = field(default_factory=dict)
    """format → (output path relative to the output folder, key it was built with)."""

    def key(self, fingerprint: str) -> str:
        """Everything an output depends on, in one hash: brief, referenced files, templates, config,
        versions."""
        digest = hashlib.sha256(fingerprint.encode())
        digest.update(self.brief.sha256.encode())
        for name in sorted(self.deps):
            digest.update(f"\0{name}\0{self.deps[name].sha256}".encode())
        return digest.hexdigest()


@dataclass
class Manifest:
    out: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    saved: Any = None
    """The parsed document on disk when loaded: a no-op build compares with it and rewrites (and
    fsyncs) nothing, without even encoding the JSON."""

    @property
    def path(self) -> Path:
        return self.out / MANIFEST_NAME

    @classmethod
    def load(cls, out: Path) -> tuple[Manifest, str | None]:
        """The manifest, and a warning when one existed but could not be used."""
        path = out / MANIFEST_NAME
        try:
            text = path.read_bytes()
            raw = json.loads(text.decode("utf-8"))
        except (FileNotFoundError, NotADirectoryError):
            return cls(out), None
        except (OSError, ValueError) as error:
            return cls(out), f"{path}: unreadable build manifest ({error}); rebuilding everything"
        try:
            if raw.get("version") != FORMAT_VERSION:
                raise ValueError(f"version {raw.get('version')!r}")
            entries = {name: _entry(value) for name, value in raw["briefs"].items()}
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            return cls(out), f"{path}: invalid build manifest ({error}); rebuilding everything"
        return cls(out, entries, raw), None

    def save(self) -> None:
        data: dict[str, Any] = {
            "version": FORMAT_VERSION,
            "briefs": {name: _document(entry) for name, entry in self.entries.items()},
        }
        if data == self.saved and self.path.is_file():  # a dict comparison, in C: a no-op writes nothing
            return
        text = json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")
        write_atomic(self.path, text)
        self.saved = data


def _document(entry: Entry) -> dict[str, Any]:
    """The entry as JSON holds it (what `json.loads` gives back, so a loaded manifest compares equal);
    by hand, as `dataclasses.asdict` deep-copies and is several times slower."""
    return {
        "id": entry.id,
        "brief": _state_document(entry.brief),
        "deps": {name: _state_document(state) for name, state in entry.deps.items()},
        "outputs": {fmt: [relative, key] for fmt, (relative, key) in entry.outputs.items()},
    }


def _state_document(state: FileState) -> dict[str, Any]:
    return {"mtime_ns": state.mtime_ns, "size": state.size, "sha256": state.sha256}


def _entry(value: dict[str, Any]) -> Entry:
    entry = Entry(
        id=str(value["id"]),
        brief=_state(value["brief"]),
        deps={str(name): _state(state) for name, state in value["deps"].items()},
        outputs={str(fmt): (str(pair[0]), str(pair[1])) for fmt, pair in value["outputs"].items()},
    )
    # Builds read deps and delete outputs by these names: a tampered manifest must not reach outside.
    # String tests, not PurePosixPath: the same verdict, and a 10,000-brief manifest loads in a fraction
    # of the time (one brief names a dozen paths).
    if not _SLUG.fullmatch(entry.id):
        raise ValueError(f"id {entry.id!r}")
    for name in [*entry.deps, *(relative for relative, _ in entry.outputs.values())]:
        if not name or "\0" in name or name.startswith("/") or ".." in name.split("/") or "\\" in name:
            raise ValueError(f"path {name!r} leaves its folder")
    return entry


def _state(value: dict[str, Any]) -> FileState:
    """Typed as the build expects: `"sha256": 5` would otherwise crash a later build, not this load."""
    return FileState(int(value["mtime_ns"]), int(value["size"]), str(value["sha256"]))
