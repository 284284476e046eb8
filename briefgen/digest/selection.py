"""Which briefs go into a digest, and reading them from the workspace."""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.config import Workspace
from briefgen.digest.period import Period
from briefgen.loading import LoadedBrief, read_briefs
from briefgen.model import Brief, Handling, Status, slugify
from briefgen.problems import Problem


@dataclass(frozen=True)
class Selection:
    """Which briefs go in: dated within the period, with any of `tags` (if given), of `status` (if given)."""

    period: Period
    tags: tuple[str, ...] = ()
    status: Status | None = None
    release: Handling | None = None
    """The release level: each brief cut by `releases.release` before the digest sees it."""
    lang: str | None = None
    """The digest's language when not the workspace's (`--lang`): its words, dates and name."""

    @property
    def name(self) -> str:
        """digest-2025-W41, plus the filters and the release level, so a filtered digest or a
        release never overwrites the full one."""
        parts = ["digest", self.period.key, *(slugify(tag) for tag in sorted(set(self.tags)))]
        if self.status:
            parts.append(str(self.status))
        if self.release:
            parts.append(self.release.slug)
        if self.lang:
            parts.append(self.lang.lower())
        return "-".join(parts)

    def describe(self) -> str:
        text = f"dated {self.period.dates}"
        if self.tags:
            text += f", tagged {' or '.join(self.tags)}"
        if self.status:
            text += f", with status {self.status}"
        if self.release:
            text += f", releasable at {self.release.value}"
        return text

    def wants(self, brief: Brief) -> bool:
        return (
            brief.date in self.period
            and (not self.tags or bool(set(self.tags) & set(brief.tags)))
            and (self.status is None or brief.status == self.status)
        )


def select(workspace: Workspace, selection: Selection) -> tuple[list[LoadedBrief], list[Problem]]:
    """Every valid brief the selection wants, oldest first; problems of briefs that could not be read.

    A brief superseded by another brief in the same selection is left out: readers get the newer one.
    """
    problems: list[Problem] = []
    chosen: list[LoadedBrief] = []
    for result, item in read_briefs(workspace):
        problems.extend(result.problems)
        if item is not None and selection.wants(item.brief):
            chosen.append(item)
    replaced = {item.brief.supersedes for item in chosen if item.brief.supersedes}
    chosen = [item for item in chosen if item.brief.id not in replaced]
    chosen.sort(key=lambda item: (item.brief.date, item.brief.id or ""))
    return chosen, problems
