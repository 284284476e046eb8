"""`briefgen diff`: what changed between two briefs, or a brief and its version at a git revision."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from briefgen.changes import Changes, compare
from briefgen.config import find_workspace
from briefgen.errors import ConfigError, ExitCode, exit_codes_help
from briefgen.history import file_at
from briefgen.lineage import Lineage
from briefgen.loading import LoadedBrief, default_id, load_brief, load_bytes
from briefgen.problems import Problem, display_path


def _brief(lineage: Lineage, name: str) -> LoadedBrief:
    """A brief file, or the brief of the workspace with that id."""
    path = Path(name)
    if path.is_file():
        root = lineage.workspace.root.resolve()
        if not path.resolve().is_relative_to(root):
            hint = "briefs are read only from inside the workspace; copy the file in"
            raise ConfigError(Problem(name, 1, 1, "outside the workspace", hint=hint))
        return load_brief(path, display_path(path, lineage.workspace.root))
    found = lineage.predecessor(name)
    if found.loaded is None:
        hint = "give a brief file or the id of a brief in briefs/"
        raise ConfigError(Problem(name, 1, 1, "no such brief file or id", hint=hint))
    return found.loaded


def _text(changes: Changes) -> str:
    old, new = changes.old, changes.new
    lines = [f"{old.id} ({old.date.isoformat()}) → {new.id} ({new.date.isoformat()})"]

    def block(title: str, items: list[str], mark: str) -> None:
        if items:
            lines.append(f"{title}:")
            lines.extend(f"  {mark} {item}" for item in items)

    block("claims added", changes.claims_added, "+")
    block("claims removed", changes.claims_removed, "-")
    if changes.claims_reworded:
        lines.append("claims reworded:")
        for item in changes.claims_reworded:
            lines += [f"  - {item.old}", f"  + {item.new}"]
    block("confidence moved", [f"{m.old} → {m.new}: {m.text}" for m in changes.confidence_moved], "~")
    block("implications added", changes.implications_added, "+")
    block("implications removed", changes.implications_removed, "-")
    block("likelihood moved", [f"{m.old} → {m.new}: {m.text}" for m in changes.likelihood_moved], "~")
    block("indicators added", changes.indicators_added, "+")
    block("indicators removed", changes.indicators_removed, "-")
    block("new sources", changes.sources_added, "+")
    if changes.empty:
        lines.append("no change to claims, judgments, indicators or sources")
    if changes.explanation:
        lines += ["why (changes):", *("  " + line for line in changes.explanation.splitlines())]
    return "\n".join(lines)


@click.command(
    epilog=exit_codes_help(ExitCode.OK, ExitCode.FAILED, ExitCode.USAGE)
    + "\n\n(0: compared, whether or not anything changed; 1: a brief does not load; "
    "2: no such brief, or the revision or git cannot be used.)"
)
@click.argument("old")
@click.argument("new", required=False)
@click.option(
    "--since",
    "revision",
    metavar="REV",
    help="Compare the brief OLD with its own version at this git revision (a commit, tag or branch).",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people; json (a stable object) for scripts.",
)
def diff(old: str, new: str | None, revision: str | None, output: str) -> None:
    """Show what changed from brief OLD to brief NEW, field by field.

    OLD and NEW are brief files or ids. Claims are matched by content, not position: added,
    removed, reworded, and confidence moved (`moderate → high`); implications added, removed and
    likelihood moved; indicators added and removed; new sources; and NEW's `changes` text.
    With --since REV, compare the brief OLD with its version at that git revision:

    \b
        briefgen diff briefs/a.yaml briefs/b.yaml
        briefgen diff briefs/b.yaml --since HEAD~1 --format json
    """
    workspace = find_workspace()
    lineage = Lineage(workspace)
    if revision is not None:
        if new is not None:
            raise click.UsageError("give one brief with --since, or two briefs without it")
        current = _brief(lineage, old)
        shown = f"{current.display}@{revision}"
        before = load_bytes(file_at(current.path, revision), shown, default_id=default_id(current.path))
        changes = compare(before.brief, current.brief)
    else:
        if new is None:
            raise click.UsageError("give two briefs (OLD NEW), or one with --since REV")
        changes = compare(_brief(lineage, old).brief, _brief(lineage, new).brief)
    if output == "json":
        click.echo(json.dumps(changes.as_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(_text(changes))
    sys.exit(ExitCode.OK)
