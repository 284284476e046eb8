"""The `Checker`: runs every rule family over loaded briefs, reading each source article once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from briefgen.checking import dates, figures, headings, language, markings, quotes, sources, text, tradecraft
from briefgen.checking.context import BriefContext
from briefgen.config import Workspace
from briefgen.lineage import Lineage
from briefgen.loading import LoadedBrief
from briefgen.problems import Problem, sort_problems
from briefgen.sources import Article, SourceError, read_article

FAMILIES: tuple[Callable[[BriefContext], None], ...] = (
    # The source files first: the quote and heading rules read the articles they leave in the context.
    sources.check_files,
    sources.check_claims,
    quotes.check,
    headings.check,
    language.check,
    text.check_todos,
    text.check_bluf,
    dates.check,
    figures.check,
    tradecraft.check_sourcing,
    tradecraft.check_reasoning,
    tradecraft.check_lineage,
    markings.check_banner,
    markings.check_releases,
)
"""The rule families, in the order they run over each brief."""


class Checker:
    """Runs every rule over loaded briefs; reads each source article once for all of them."""

    def __init__(self, workspace: Workspace, today: dt.date | None = None) -> None:
        self.workspace = workspace
        self.root = workspace.root.resolve()
        self.today = today or dt.date.today()
        self._articles: dict[Path, Article | SourceError] = {}
        self.lineage = Lineage(workspace)

    def article(self, path: Path) -> Article:
        """The parsed article; raises SourceError, remembered, so a bad file is read once for all briefs."""
        if path not in self._articles:
            try:
                self._articles[path] = read_article(path)
            except SourceError as error:
                self._articles[path] = error
        found = self._articles[path]
        if isinstance(found, SourceError):
            raise found
        return found

    def check(self, loaded: LoadedBrief) -> list[Problem]:
        context = BriefContext(self, loaded)
        for family in FAMILIES:
            family(context)
        return sort_problems(context.findings)
