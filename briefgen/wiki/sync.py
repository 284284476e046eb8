"""Pages → the wiki folder: plan what to add, change and remove, then write only that.

The plan compares each page with the file on disk and with the manifest. A file is briefgen's only
if the manifest lists it (or it already holds exactly the bytes briefgen would write). Any other
file where a page must go stops the whole publish before anything is written: a team's own page is
never overwritten. Unchanged pages are not touched at all, so their bytes and timestamps stay and
the wiki shows no new revision. A page whose brief is gone is kept unless pruning was asked for, and
kept even then when someone edited it since briefgen wrote it. The manifest is a file in the wiki,
so it is trusted only for names the flavor would give a page: any other entry is ignored.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from briefgen.errors import NeedsAttention, unplaced
from briefgen.wiki.flavors import Flavor
from briefgen.wiki.manifest import MANIFEST_NAME, Owned, WikiManifest, digest
from briefgen.wiki.pages import Page
from briefgen.writing import write_or_stop

Kind = Literal["added", "changed", "removed", "kept"]


@dataclass(frozen=True)
class Change:
    path: str
    kind: Kind
    old: bytes | None = None
    new: bytes | None = None
    edited: bool = False
    """briefgen's page, but someone changed the file since briefgen last wrote it (never pruned)."""

    def diff(self) -> str:
        """A unified diff of a changed page (empty for other kinds)."""
        if self.kind != "changed" or self.old is None or self.new is None:
            return ""
        if not self.path.endswith(".md"):  # a figure's copy: its bytes are no diff to read
            return f"Binary file {self.path}: {len(self.old)} bytes → {len(self.new)} bytes\n"
        old = self.old.decode("utf-8", errors="replace").splitlines(keepends=True)
        new = self.new.decode("utf-8", errors="replace").splitlines(keepends=True)
        lines = difflib.unified_diff(old, new, f"a/{self.path}", f"b/{self.path}")
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@dataclass
class Plan:
    root: Path
    changes: list[Change] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    """One sentence per file briefgen must not touch but would have to."""
    ignored: list[str] = field(default_factory=list)
    """Manifest entries that are no page name of this flavor: never touched, dropped from the manifest."""
    skipped: list[str] = field(default_factory=list)
    """Optional pages (the sidebar) not written because a file briefgen did not create is there."""
    manifest_old: bytes | None = None
    manifest_new: bytes = b""
    scaffold: dict[str, bytes] = field(default_factory=dict)
    """Files created once when missing (mkdocs.yml) and never touched again: they are the team's."""

    def of(self, kind: Kind) -> list[Change]:
        return [change for change in self.changes if change.kind == kind]

    @property
    def manifest_changed(self) -> bool:
        return self.manifest_old != self.manifest_new

    def paths(self) -> set[str]:
        """Every file this publish may have written or removed (what a commit may contain); not a
        page kept because someone edited it: that edit is theirs to commit, not briefgen's."""
        written = {c.path for c in self.changes if not (c.kind == "kept" and c.edited)}
        return written | set(self.unchanged) | set(self.scaffold) | {MANIFEST_NAME}


class Refused(NeedsAttention):
    """A file that briefgen did not create is where one of its pages must go: nothing is written."""

    def __init__(self, conflicts: list[str]) -> None:
        hint = "move or rename those files: briefgen never overwrites a page it did not create"
        super().__init__(
            [*(unplaced(conflict) for conflict in conflicts), unplaced("nothing was published", hint)]
        )
        self.conflicts = conflicts


def _obstacle(root: Path, relative: str) -> str | None:
    """Why `relative` cannot be written safely: a symbolic link on the way, or a folder in the place."""
    current = root
    for part in relative.split("/"):
        current = current / part
        if current.is_symlink():
            return f"{current.relative_to(root).as_posix()} is a symbolic link"
    if current.is_dir():
        return f"{relative} is a folder"
    return None


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def plan(
    root: Path,
    pages: Iterable[Page],
    manifest: WikiManifest,
    flavor: Flavor,
    prune: bool,
    scaffold: dict[str, bytes] | None = None,
    withheld: frozenset[str] = frozenset(),
) -> Plan:
    """Compare pages with the wiki's files; nothing is written here. `withheld`: ids of briefs the
    wiki's release level leaves out: their pages and assets go, pruning or not, edited or not (what
    a stricter setting withholds must not stay behind)."""
    result = Plan(root, manifest_old=_read(root / MANIFEST_NAME))
    owned: dict[str, Owned] = {}
    generated: set[str] = set()
    published: set[str] = set()
    for page in pages:
        generated.add(page.path)
        if page.brief:
            published.add(page.brief)
        path = root / page.path
        obstacle = _obstacle(root, page.path)
        if obstacle:
            result.conflicts.append(f"{obstacle}; briefgen writes its page {page.path} only as a plain file")
            continue
        current = _read(path)
        mine = manifest.pages.get(page.path)
        if current is None:
            result.changes.append(Change(page.path, "added", None, page.data))
        elif current == page.data:
            result.unchanged.append(page.path)  # also adopts an identical file when the manifest was lost
        elif mine is None:
            if page.optional:  # the team's own sidebar: theirs to keep, and no reason to refuse the rest
                result.skipped.append(page.path)
            else:
                result.conflicts.append(
                    f"{page.path} exists and briefgen did not create it (it is not in {MANIFEST_NAME})"
                )
            continue
        else:
            edited = digest(current) != mine.sha256
            result.changes.append(Change(page.path, "changed", current, page.data, edited))
        owned[page.path] = Owned(digest(page.data), page.brief)
    for name, mine in sorted(manifest.pages.items()):
        if name in generated:
            continue
        if not flavor.owns(name):
            result.ignored.append(name)
            continue
        current = None if _obstacle(root, name) else _read(root / name)
        if current is None:
            continue  # already gone: forget it
        edited = digest(current) != mine.sha256
        # a figure its brief no longer shows goes with the page's update, as the build's copy does
        dropped = flavor.owns_asset(name) and mine.brief in published
        if (mine.brief is not None and mine.brief in withheld) or ((prune or dropped) and not edited):
            result.changes.append(Change(name, "removed", current, None))
        else:  # a human's edit is theirs to delete: pruning it would throw their work away
            result.changes.append(Change(name, "kept", current, None, edited))
            owned[name] = mine
    for name, data in (scaffold or {}).items():
        if (root / name).exists() or (root / name).is_symlink():
            continue
        result.scaffold[name] = data
    result.manifest_new = WikiManifest(owned, flavor.name).dumps()
    return result


def apply(plan: Plan) -> None:
    """Write the plan: pages first and the manifest last, so an interrupted publish is finished by the
    next."""
    if plan.conflicts:
        raise Refused(plan.conflicts)
    root = plan.root
    for name, data in plan.scaffold.items():
        write_or_stop(root / name, data, root)
    for change in plan.changes:
        if change.kind in ("added", "changed"):
            assert change.new is not None
            write_or_stop(root / change.path, change.new, root)
        elif change.kind == "removed":
            target = root / change.path
            target.unlink(missing_ok=True)
            _remove_empty_parents(target.parent, root)
    if plan.manifest_changed:
        write_or_stop(root / MANIFEST_NAME, plan.manifest_new, root)


def _remove_empty_parents(folder: Path, root: Path) -> None:
    """Folders that only held pruned pages go too; anything that still holds a file stays."""
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
