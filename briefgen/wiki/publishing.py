"""`briefgen publish` as a plain sequence: load briefs → pages → plan → write → commit → push.

Safe to run every day from a scheduled job: the same briefs give the same pages, unchanged pages
are never rewritten, nothing is committed when nothing changed, and a brief with errors never makes
its page look removed (pruning is skipped for that run).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from briefgen.config import Workspace
from briefgen.errors import BriefError, ConfigError, reported_first, unplaced
from briefgen.figures import FigureError
from briefgen.loading import read_briefs
from briefgen.model import Handling
from briefgen.outcome import Outcome, failed
from briefgen.problems import Problem
from briefgen.releases import release as cut_brief
from briefgen.templates import Templates
from briefgen.wiki.config import FlavorName, WikiConfig
from briefgen.wiki.flavors import Flavor, flavor_for
from briefgen.wiki.git import GitError, Pushed, Repo, Status
from briefgen.wiki.manifest import MANIFEST_NAME, load_manifest
from briefgen.wiki.pages import PageClash, build_pages
from briefgen.wiki.sync import Plan, Refused, apply, plan

MKDOCS_CONFIG = "mkdocs.yml"
MKDOCS_SCAFFOLD = b"""\
# Created by `briefgen publish` because the folder had no mkdocs.yml. briefgen never changes it
# again: it is yours to edit. Build the site with `mkdocs build --strict`.
site_name: Briefs
docs_dir: docs
markdown_extensions:  # what brief fields may use: footnotes ([^1]) and tables
  - footnotes
  - tables
"""


@dataclass
class PublishReport:
    wiki: Path
    flavor: FlavorName
    dry_run: bool
    results: list[Outcome] = field(default_factory=list)
    plan: Plan | None = None
    repo: bool = False
    commit: str | None = None
    pushed: Pushed | None = None
    git_error: GitError | None = None
    prune_skipped: bool = False
    """--prune was asked for but some brief failed to load, so no page was treated as removed."""
    level: Handling = Handling.GREEN
    """The release level published."""
    withheld: list[str] = field(default_factory=list)
    """Ids of briefs with no BLUF at that level: not on the wiki."""

    @property
    def failed(self) -> int:
        return failed(self.results)


def resolve(workspace: Workspace, wiki: Path | None, flavor: FlavorName | None) -> tuple[WikiConfig, Path]:
    """The [wiki] table with command-line overrides applied, and the wiki folder."""
    config = workspace.section("wiki", WikiConfig)
    if flavor:
        config = config.model_copy(update={"flavor": flavor})
    if wiki is None:
        if config.path is None:
            raise ConfigError(
                unplaced(
                    "no wiki given",
                    f"pass --wiki PATH, or set path in the [wiki] table of {workspace.config_name}",
                )
            )
        wiki = workspace.root / config.path
    return config, wiki.resolve()


def _mkdocs_docs(folder: Path) -> str:
    """The docs_dir of an existing mkdocs.yml (its !ENV and !!python tags are read as nothing)."""
    path = folder / MKDOCS_CONFIG
    if not path.is_file():
        return "docs"

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        mark = getattr(error, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise ConfigError(
            [Problem(str(path), line, column, f"cannot read the MkDocs config: {error}")]
        ) from None
    docs = data.get("docs_dir", "docs") if isinstance(data, dict) else "docs"
    if not isinstance(docs, str) or Path(docs).is_absolute() or ".." in Path(docs).parts:
        raise ConfigError(
            [
                Problem(
                    str(path),
                    1,
                    1,
                    "docs_dir must be a folder inside the MkDocs project for briefgen to publish into it",
                )
            ]
        )
    return Path(docs).as_posix()


def publish(
    workspace: Workspace,
    config: WikiConfig,
    wiki: Path,
    *,
    dry_run: bool = False,
    prune: bool = False,
    push: bool = False,
    release: Handling | None = None,
) -> PublishReport:
    """Publish the release of every brief for the wiki's level (`release`, else the [wiki] table's)
    into `wiki`: pages, index, tag pages and assets are made from the cut briefs only. Raises
    ConfigError (no usable wiki, bad config or manifest) or Refused (a page that is not briefgen's
    is in the way) before writing anything."""
    report = PublishReport(wiki, config.flavor, dry_run)
    creating = config.flavor == "mkdocs" and not wiki.exists()  # a MkDocs folder may be new (made on write)
    if not wiki.is_dir() and not creating:
        hint = (
            "clone the wiki's Git repository first"
            if config.flavor != "mkdocs"
            else "create the folder or fix the path"
        )
        raise ConfigError(unplaced(f"{wiki} is not a folder", hint))
    repo = Repo.at(wiki) if wiki.exists() else None
    report.repo = repo is not None
    if push and repo is None:
        raise ConfigError(
            unplaced(
                f"--push needs a Git clone, and {wiki} is not the top of one",
                "clone the wiki, or drop --push",
            )
        )

    flavor: Flavor = flavor_for(config.flavor, _mkdocs_docs(wiki) if config.flavor == "mkdocs" else "")
    level = release or config.release
    if level is Handling.RED:
        raise ConfigError(unplaced("TLP:RED is never published to a wiki", "choose a lower --release"))
    report.level = level
    loaded = read_briefs(workspace)
    report.results = [result for result, _ in loaded]
    # a refusal or a broken wiki manifest still shows the briefs that did not load
    with reported_first(lambda: [p for result in report.results for p in result.problems]):
        good = [(result, item) for result, item in loaded if item is not None]
        templates = Templates(workspace.root)
        while True:
            try:
                cut = [(item, cut_brief(item.brief, level, workspace.config.handling)) for _, item in good]
                briefs = [brief for _, brief in cut if brief is not None]
                withheld = frozenset(item.brief.id for item, brief in cut if brief is None and item.brief.id)
                report.withheld = sorted(withheld)
                root = workspace.root
                pages = build_pages(briefs, workspace.config, templates, flavor, config.sidebar, root)
                break
            except FigureError as error:  # a figure file changed since it was read: publish nothing
                raise BriefError([unplaced(error.message, error.hint)]) from None
            except PageClash as clash:  # that brief fails like a bad one; the others are still published
                result, item = next((r, i) for r, i in good if i.brief.id == clash.brief)
                line, column = item.positions.of(("id",))
                message = f"page name clash: {clash}"
                result.problems.append(
                    Problem(item.display, line, column, message, "id", "give the brief another id")
                )
                good = [pair for pair in good if pair[1] is not item]
        report.prune_skipped = prune and report.failed > 0
        scaffold = {MKDOCS_CONFIG: MKDOCS_SCAFFOLD} if config.flavor == "mkdocs" else {}
        report.plan = plan(
            wiki, pages, load_manifest(wiki), flavor, prune and not report.prune_skipped, scaffold, withheld
        )
        if report.plan.conflicts:
            raise Refused(report.plan.conflicts)
        if dry_run:
            return report
        apply(report.plan)
        if repo is None:
            return report
        try:
            status = repo.status(report.plan.paths())
            if status.paths:
                report.commit = repo.commit(
                    status.paths, commit_message(status), config.author_name, config.author_email
                )
            if push:
                report.pushed = repo.push(config.remote, config.branch or repo.current_branch())
        except GitError as error:
            report.git_error = error
        return report


def commit_message(status: Status) -> str:
    """`Publish briefs: 1 added, 2 changed`, then one line per page, so `git log` tells what moved."""
    kinds = (("added", status.added), ("changed", status.changed), ("removed", status.removed))
    parts = [(kind, [path for path in paths if path != MANIFEST_NAME]) for kind, paths in kinds]
    summary = ", ".join(f"{len(paths)} {kind}" for kind, paths in parts if paths) or "manifest only"
    lines = [f"{kind}: {path}" for kind, paths in parts for path in paths]
    return f"Publish briefs: {summary}\n\n" + "\n".join(lines) + "\n"
