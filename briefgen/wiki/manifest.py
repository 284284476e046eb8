"""The wiki's manifest: which files briefgen wrote, and the SHA-256 of what it wrote.

It lives in the wiki (`.briefgen-wiki.json`, committed with the pages) so that every clone and every
scheduled job knows which pages are briefgen's: only those are ever changed or removed. It holds no
timestamps, so publishing unchanged briefs leaves it byte for byte the same.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.errors import ConfigError
from briefgen.problems import Problem

MANIFEST_NAME = ".briefgen-wiki.json"
FORMAT = 1


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Owned:
    sha256: str
    brief: str | None = None


@dataclass
class WikiManifest:
    pages: dict[str, Owned] = field(default_factory=dict)
    flavor: str | None = None

    def dumps(self) -> bytes:
        pages = {
            path: {"sha256": owned.sha256, **({"brief": owned.brief} if owned.brief else {})}
            for path, owned in sorted(self.pages.items())
        }
        data = {"generator": "briefgen", "format": FORMAT, "flavor": self.flavor, "pages": pages}
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def load_manifest(root: Path) -> WikiManifest:
    """The manifest in the wiki at `root`; an empty one when there is none yet."""
    path = root / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return WikiManifest()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([Problem(str(path), 1, 1, f"cannot read the wiki manifest: {error}")]) from None
    hint = (
        "restore it with git, or delete it to let briefgen adopt only pages identical to what it would write"
    )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(
            [Problem(str(path), error.lineno, error.colno, f"not valid JSON: {error.msg}", hint=hint)]
        ) from None
    try:
        pages = {
            str(name): Owned(str(entry["sha256"]), str(entry["brief"]) if entry.get("brief") else None)
            for name, entry in data["pages"].items()
        }
        flavor = data.get("flavor")
    except (KeyError, TypeError, AttributeError):
        raise ConfigError(
            [Problem(str(path), 1, 1, "not a briefgen wiki manifest (no valid 'pages' table)", hint=hint)]
        ) from None
    for name in pages:
        if name.startswith("/") or ".." in name.split("/"):
            raise ConfigError(
                [Problem(str(path), 1, 1, f"page path {name!r} points outside the wiki", hint=hint)]
            )
    return WikiManifest(pages, flavor if isinstance(flavor, str) else None)
