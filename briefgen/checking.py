"""Rules a valid brief must still pass before it is published: it says what its source says.

The loader already guarantees the brief's shape (required fields, enums, dates). These rules look at
meaning: quotes that are not in the source, sections that do not mirror the article, claims without
sourcing, estimative language off the one ICD 203 scale, leftover TODOs, dates that cannot be. Each
finding carries a rule id, a severity and the file:line:column of the value to fix; where the
finding is about a word inside a text field, the column is the word's own.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.config import Workspace
from briefgen.loading import LoadedBrief, Loc, field_path
from briefgen.model import Likelihood, Status
from briefgen.problems import Problem, Severity, sort_problems
from briefgen.sources import Article, SourceError, find_quote, normalise, read_article


@dataclass(frozen=True, slots=True)
class Rule:
    severity: Severity
    summary: str


RULES: dict[str, Rule] = {
    "invalid-brief": Rule(
        "error", "the file does not load: YAML syntax, unknown or missing fields, bad values"
    ),
    "quote-not-in-source": Rule("error", "a key claim's or section's quote is not in the source file"),
    "quote-unchecked": Rule("warning", "a quote cannot be checked: a source it cites has no `file`"),
    "heading-not-in-source": Rule("error", "a section heading does not appear in the source"),
    "heading-not-a-section": Rule(
        "warning", "a section heading is in the source's text but is not one of its headings"
    ),
    "heading-out-of-order": Rule("error", "sections are not in the source's order"),
    "heading-repeated": Rule("error", "two sections share one heading of the source"),
    "claim-without-source": Rule("error", "a key claim cites no source"),
    "unknown-source": Rule("error", "a key claim cites a source id that `sources` does not define"),
    "duplicate-source-id": Rule("error", "two entries in `sources` share an id"),
    "source-file-missing": Rule("error", "a source's `file` does not exist"),
    "source-outside-workspace": Rule("error", "a source's `file` resolves outside the workspace"),
    "source-unreadable": Rule("error", "a source's `file` cannot be read"),
    "likelihood-off-scale": Rule("warning", "an estimative word that is not on the ICD 203 likelihood scale"),
    "confidence-with-likelihood": Rule(
        "warning", "one sentence states both a confidence level and a likelihood"
    ),
    "todo-in-final": Rule("error", "a TODO placeholder is left in a brief whose status is final"),
    "bluf-too-long": Rule("warning", "the BLUF has more words than the configured `bluf_max_words`"),
    "date-in-future": Rule("error", "the brief's date or a source's publication date is after today"),
    "date-before-source": Rule("error", "the brief is dated before a source it summarises was published"),
}
"""Rule id → severity and what it catches. The README lists the same table."""


# ---- estimative language ---------------------------------------------------------------------

SCALE = [str(term) for term in Likelihood]
_OFF_SCALE: list[tuple[str, str]] = [
    # Earlier patterns win where two start at one word: "certainly not" before "certainly".
    (r"(?:almost |nearly |virtually )?certainly not", Likelihood.ALMOST_NO_CHANCE),
    (
        r"almost certainly|nearly certain(?:ly)?|virtually certain(?:ly)?|all but certain",
        Likelihood.ALMOST_CERTAIN,
    ),
    (r"extremely likely", Likelihood.ALMOST_CERTAIN),
    (r"highly likely|highly probable", Likelihood.VERY_LIKELY),
    (r"highly unlikely|highly improbable|extremely unlikely", Likelihood.VERY_UNLIKELY),
    (r"more likely than not|quite likely|fairly likely|rather likely|probabl[ey]", Likelihood.LIKELY),
    (r"improbable|fairly unlikely|rather unlikely|somewhat unlikely", Likelihood.UNLIKELY),
    (
        r"(?:roughly |about )?even odds|fifty-fifty|fifty fifty|50[-/]50 chance|toss-up",
        Likelihood.ROUGHLY_EVEN_CHANCE,
    ),
    # "Possibly" and "perhaps" say only that it can happen, neither expected nor ruled out: the middle
    # of the scale is the nearest reading (an analyst who leans against it means "unlikely").
    (r"possibly|perhaps", Likelihood.ROUGHLY_EVEN_CHANCE),
    # "Conceivably" (it can be imagined) and "doubtful" (probably not) lean against the event.
    (r"conceivably|doubtful(?:ly)?", Likelihood.UNLIKELY),
    (r"certainly", Likelihood.ALMOST_CERTAIN),
    # Not "may", "could" or "might": mostly permission, ability or plain conditionals, not estimates.
    (
        r"remote (?:chance|possibility|likelihood)|virtually impossible|almost impossible|little to no chance",
        Likelihood.ALMOST_NO_CHANCE,
    ),
]
_OFF_SCALE_RE = re.compile(
    "|".join(
        rf"(?P<t{i}>\b(?:{pattern})\b)".replace(" ", r"\s+") for i, (pattern, _) in enumerate(_OFF_SCALE)
    ),
    re.IGNORECASE,
)
_ANY_LIKELIHOOD_RE = re.compile(  # off-scale phrases first, so "highly likely" is named whole
    _OFF_SCALE_RE.pattern
    + r"|\b(?:almost\s+no\s+chance|(?:very\s+)?(?:un)?likely|roughly\s+even\s+chance|almost\s+certain)\b",
    re.IGNORECASE,
)
_CONFIDENCE_RE = re.compile(
    r"\b(?:high|moderate|medium|low)[- ]confidence\b|\bconfidence (?:is|was|remains) (?:high|moderate|medium|low)\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"|`[^`]*`")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+|\n\s*\n")
_TODO = re.compile(r"\bTODO\b")


def _mask_quoted(text: str) -> str:
    """Words inside quotation marks are the source's, not the analyst's estimate: blank them out."""
    return _QUOTED.sub(lambda m: " " * len(m.group()), text)


def _analyst_text(brief: Any) -> Iterator[tuple[Loc, str]]:
    """Fields written in the analyst's own words (not quotes, headings or names), with their locations."""
    for name in ("title", "subtitle", "bluf", "context"):
        if getattr(brief, name):
            yield (name,), getattr(brief, name)
    for i, claim in enumerate(brief.key_claims):
        yield ("key_claims", i, "text"), claim.text
    for i, section in enumerate(brief.sections):
        if section.summary:
            yield ("sections", i, "summary"), section.summary
        for j, point in enumerate(section.points):
            yield ("sections", i, "points", j), point
    for i, implication in enumerate(brief.implications):
        yield ("implications", i, "text"), implication.text
    for name in ("recommendations", "indicators"):
        for i, item in enumerate(getattr(brief, name)):
            yield (name, i), item


def _words(text: str) -> int:
    return len(re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", text))


# ---- the checker -----------------------------------------------------------------------------


@dataclass
class _Raw:
    """The brief file's text, to point at a word inside a value rather than at the value's start."""

    text: str
    line_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", self.text)]

    def offset(self, line: int, column: int) -> int:
        return self.line_starts[min(line, len(self.line_starts)) - 1] + column - 1

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def find(self, phrase: str, start: tuple[int, int], occurrence: int) -> tuple[int, int] | None:
        """The `occurrence`-th (0-based) appearance of `phrase` from `start`, across line folds."""
        found = next(
            itertools.islice(_phrase(phrase).finditer(self.text, self.offset(*start)), occurrence, None), None
        )
        return self.position(found.start()) if found else None


def _phrase(phrase: str) -> re.Pattern[str]:
    """The words of `phrase` as whole words, any whitespace (a folded line) between them."""
    return re.compile(r"\b" + r"\s+".join(re.escape(word) for word in phrase.split()) + r"\b", re.IGNORECASE)


class Checker:
    """Runs every rule over loaded briefs; reads each source article once for all of them."""

    def __init__(self, workspace: Workspace, today: dt.date | None = None) -> None:
        self.workspace = workspace
        self.root = workspace.root.resolve()
        self.today = today or dt.date.today()
        self._articles: dict[Path, Article | SourceError] = {}

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
        return sort_problems(_BriefCheck(self, loaded).run())


class _BriefCheck:
    """The rules for one brief; `add` pins each finding to the file position of a value."""

    def __init__(self, checker: Checker, loaded: LoadedBrief) -> None:
        self.checker = checker
        self.loaded = loaded
        self.brief = loaded.brief
        self.findings: list[Problem] = []
        try:
            self.raw: _Raw | None = _Raw(loaded.path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError):
            self.raw = None
        self.articles: dict[str, Article] = {}
        """Source id → its readable article (sources with a `file` that passed the file rules)."""

    def add(
        self, rule: str, loc: Loc, message: str, hint: str = "", at: tuple[int, int] | None = None
    ) -> None:
        line, column = at or self.loaded.positions.of(loc)
        severity = RULES[rule].severity
        self.findings.append(
            Problem(self.loaded.display, line, column, message, field_path(loc), hint, severity, rule)
        )

    def word_position(self, loc: Loc, text: str, start: int, end: int) -> tuple[int, int] | None:
        """Where text[start:end], inside the value at `loc`, is in the file (None: at the value)."""
        if self.raw is None:
            return None
        occurrence = len(_phrase(text[start:end]).findall(text, 0, start))
        return self.raw.find(text[start:end], self.loaded.positions.of(loc), occurrence)

    def run(self) -> list[Problem]:
        self.source_files()
        self.claims()
        self.quotes()
        self.headings()
        self.language()
        self.todos()
        self.bluf()
        self.dates()
        return self.findings

    # -- sources ------------------------------------------------------------------------------

    def source_files(self) -> None:
        seen: dict[str, int] = {}
        for i, source in enumerate(self.brief.sources):
            if source.id in seen:
                self.add(
                    "duplicate-source-id",
                    ("sources", i, "id"),
                    f"source id '{source.id}' is already used by sources[{seen[source.id]}]",
                    "give each source its own id",
                )
            seen.setdefault(source.id, i)
            if source.file is None:
                continue
            loc = ("sources", i, "file")
            try:
                path = (self.checker.root / source.file).resolve()
            except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
                hint = "replace the link with a copy of the article"
                self.add(
                    "source-unreadable", loc, f"{source.file} cannot be resolved (a symlink loop?)", hint
                )
                continue
            if not path.is_relative_to(self.checker.root):
                self.add(
                    "source-outside-workspace",
                    loc,
                    f"{source.file} resolves outside the workspace",
                    "keep a copy of the article under seeds/",
                )
                continue
            if not path.is_file():
                hint = "check the path (relative to the workspace root)"
                if path.parent.is_dir():
                    close = difflib.get_close_matches(path.name, [p.name for p in path.parent.iterdir()], n=1)
                    if close:
                        hint = f"did you mean '{(path.parent / close[0]).relative_to(self.checker.root).as_posix()}'?"
                self.add("source-file-missing", loc, f"{source.file} does not exist", hint)
                continue
            try:
                article = self.checker.article(path)
            except SourceError as error:
                self.add("source-unreadable", loc, f"{source.file}: {error}")
                continue
            self.articles.setdefault(source.id, article)

    def claims(self) -> None:
        ids = [source.id for source in self.brief.sources]
        for i, claim in enumerate(self.brief.key_claims):
            if not claim.sources:
                hint = f"add `sources: [{ids[0]}]`" if ids else "add an entry to `sources` and cite its id"
                self.add("claim-without-source", ("key_claims", i), "key claim cites no source", hint)
            for j, cited in enumerate(claim.sources):
                if cited not in ids:
                    close = difflib.get_close_matches(cited, ids, n=1)
                    hint = (
                        f"did you mean '{close[0]}'?"
                        if close
                        else ("defined: " + ", ".join(ids) if ids else "add it to `sources`")
                    )
                    self.add(
                        "unknown-source",
                        ("key_claims", i, "sources", j),
                        f"source '{cited}' is not defined in `sources`",
                        hint,
                    )

    # -- quotes and headings ------------------------------------------------------------------

    def quotes(self) -> None:
        with_files = list(dict.fromkeys(s.id for s in self.brief.sources if s.file))
        ids = {s.id for s in self.brief.sources}
        for i, claim in enumerate(self.brief.key_claims):
            if claim.quote:
                cited = [cid for cid in claim.sources if cid in with_files]
                defined = [cid for cid in claim.sources if cid in ids and cid not in with_files]
                self.quote(("key_claims", i, "quote"), claim.quote, cited, defined)
        # A section quote is checked against every source file of the brief.
        no_file = [] if with_files else [s.id for s in self.brief.sources]
        for i, section in enumerate(self.brief.sections):
            for j, quote in enumerate(section.quotes):
                self.quote(("sections", i, "quotes", j), quote, with_files, no_file)

    def quote(self, loc: Loc, quote: str, cited: list[str], without_file: list[str]) -> None:
        """`cited`: ids of sources with a readable file to search; `without_file`: cited ids that have none."""
        articles = [self.articles[cid] for cid in cited if cid in self.articles]
        names = ", ".join(f"'{cid}'" for cid in without_file)
        unchecked = f"{'source' if len(without_file) == 1 else 'sources'} {names} without a `file`"
        if not cited:
            if without_file:
                self.add(
                    "quote-unchecked",
                    loc,
                    f"quote cannot be checked: {unchecked}",
                    "save the article under seeds/ and set `file`",
                )
            return
        if not articles:
            return  # the source file itself is already reported
        best = None
        for article in articles:
            match = find_quote(quote, article.index)
            if match.found:
                return
            if best is None or match.similarity > best[0].similarity:
                best = (match, article)
        assert best is not None
        match, article = best
        message = f"quote not found in {', '.join(self.relative(a.path) for a in articles)}"
        if match.passage:
            shown = match.passage if len(match.passage) <= 160 else match.passage[:157] + "..."
            hint = f"closest passage, {round(match.similarity * 100)}% alike: {shown}"
        else:
            hint = "the source has no text"
        if without_file:  # it may come from a source we cannot read
            self.add("quote-unchecked", loc, f"{message}, and it cites {unchecked}", hint)
        else:
            self.add("quote-not-in-source", loc, message, hint)

    def relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.checker.root).as_posix()
        except ValueError:
            return path.as_posix()

    def headings(self) -> None:
        articles = list({id(article): article for article in self.articles.values()}.values())
        if not self.brief.sections or not articles:
            return
        known = [h.text for article in articles for h in article.headings]
        places: list[tuple[int, int] | None] = []
        for i, section in enumerate(self.brief.sections):
            place, is_heading = self.locate_heading(section.heading, articles)
            places.append(place)
            if place is not None and not is_heading:
                self.not_a_section(i, section.heading, articles[place[0]], place[1], known)
            if place is None:
                close = difflib.get_close_matches(section.heading, known, n=1, cutoff=0.5)
                if close:
                    hint = f"did you mean '{close[0]}'?"
                elif known:
                    hint = "the source's headings: " + " → ".join(known)
                else:
                    hint = "copy the heading exactly as the article writes it"
                names = ", ".join(self.relative(a.path) for a in articles)
                self.add(
                    "heading-not-in-source", ("sections", i, "heading"), f"heading not found in {names}", hint
                )
        found = [(i, p) for i, p in enumerate(places) if p is not None]
        keep = _longest_increasing([p for _, p in found])
        in_order = [found[k] for k in keep]
        for k, (i, place) in enumerate(found):
            if k in keep:
                continue
            same = [j for j, p in found if j < i and p == place]
            if same:  # the article has that section once: the brief mirrors it once
                message = f"section repeats the heading of sections[{same[0]}]"
                self.add(
                    "heading-repeated", ("sections", i, "heading"), message, "merge the two sections into one"
                )
                continue
            # Name the section this one conflicts with: one above it that the source has later, or one below it earlier.
            later = [j for j, p in in_order if j < i and p > place]
            earlier = [j for j, p in in_order if j > i and p < place]
            if later:
                where = f"in the source it comes before '{self.brief.sections[later[0]].heading}'"
            elif earlier:
                where = f"in the source it comes after '{self.brief.sections[earlier[-1]].heading}'"
            else:  # only ties with sections below it, which the repeat check above reports from their side
                where = "another section has the same place in the source"
            order = [self.brief.sections[j].heading for j, _ in sorted(found, key=lambda item: item[1])]
            hint = "the article's order: " + " → ".join(order)
            self.add(
                "heading-out-of-order",
                ("sections", i, "heading"),
                f"section out of the source's order: {where}",
                hint,
            )

    def not_a_section(self, i: int, heading: str, article: Article, offset: int, known: list[str]) -> None:
        """A heading matched only in the body (a bullet's label, a phrase): the brief no longer mirrors the sections."""
        close = difflib.get_close_matches(heading, known, n=1, cutoff=0.5)
        under = [h.text for h in article.headings if h.offset <= offset]
        if close:
            hint = f"the closest section heading is '{close[0]}'; "
        elif under:
            hint = f"it is under '{under[-1]}'; "
        else:
            hint = ""
        if known:
            hint += "the source's headings: " + " → ".join(known)
        else:
            hint += f"no section headings were found in {self.relative(article.path)}"
        message = f"'{heading}' is in the source but not as one of its section headings"
        self.add("heading-not-a-section", ("sections", i, "heading"), message, hint)

    @staticmethod
    def locate_heading(heading: str, articles: list[Article]) -> tuple[tuple[int, int] | None, bool]:
        """(article number, offset in its text) of the heading, and whether it is a detected heading.

        A detected heading wins; else the phrase anywhere in the text, whose place still orders the
        sections (so one finding, not two, when the analyst renames a section to a phrase under it).
        """
        wanted = normalise(heading)
        for number, article in enumerate(articles):
            for detected in article.headings:
                if normalise(detected.text) == wanted:
                    return (number, detected.offset), True
        for number, article in enumerate(articles):
            match = find_quote(heading, article.index)
            if match.found:
                return (number, match.start), False
        return None, False

    # -- language ------------------------------------------------------------------------------

    def language(self) -> None:
        for loc, text in _analyst_text(self.brief):
            masked = _mask_quoted(text)
            for match in _OFF_SCALE_RE.finditer(masked):
                index = int(next(name for name, value in match.groupdict().items() if value)[1:])
                term = str(_OFF_SCALE[index][1])
                at = self.word_position(loc, text, match.start(), match.end())
                self.add(
                    "likelihood-off-scale",
                    loc,
                    f"'{match.group()}' is not on the likelihood scale",
                    f"use '{term}'; the scale: {', '.join(SCALE)}",
                    at,
                )
            for sentence in _sentences(masked):
                confidence = _CONFIDENCE_RE.search(masked, *sentence)
                likelihood = _ANY_LIKELIHOOD_RE.search(masked, *sentence)
                if confidence and likelihood:
                    at = self.word_position(loc, text, confidence.start(), confidence.end())
                    self.add(
                        "confidence-with-likelihood",
                        loc,
                        f"one sentence states '{confidence.group()}' and '{likelihood.group()}'",
                        "ICD 203: give confidence in the evidence and the likelihood of the event in separate sentences",
                        at,
                    )

    def todos(self) -> None:
        if self.brief.status != Status.FINAL or self.raw is None:
            return
        values = sorted((position, loc) for loc, position in self.loaded.positions.values.items())
        for match in _TODO.finditer(self.raw.text):
            line, column = self.raw.position(match.start())
            before = [loc for position, loc in values if position <= (line, column)]
            loc = before[-1] if before else ()
            self.add(
                "todo-in-final",
                loc,
                "TODO placeholder left in a final brief",
                "write the text, or set `status: draft`",
                (line, column),
            )

    def bluf(self) -> None:
        limit = self.checker.workspace.config.bluf_max_words
        count = _words(self.brief.bluf)
        if count > limit:
            self.add(
                "bluf-too-long",
                ("bluf",),
                f"BLUF has {count} words, more than {limit}",
                "keep the bottom line to a few sentences; move detail to context",
            )

    def dates(self) -> None:
        today = self.checker.today
        if self.brief.date > today:
            self.add(
                "date-in-future",
                ("date",),
                f"brief dated {self.brief.date.isoformat()}, after today ({today.isoformat()})",
                "a typo in the year?",
            )
        for i, source in enumerate(self.brief.sources):
            if source.published is None:
                continue
            if source.published > today:
                self.add(
                    "date-in-future",
                    ("sources", i, "published"),
                    f"published {source.published.isoformat()}, after today ({today.isoformat()})",
                    "a typo in the year?",
                )
            if self.brief.date < source.published:
                self.add(
                    "date-before-source",
                    ("date",),
                    f"brief dated {self.brief.date.isoformat()}, "
                    f"before source '{source.id}' was published ({source.published.isoformat()})",
                    "check both dates",
                )


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _SENTENCE_END.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def _longest_increasing(places: list[tuple[int, int]]) -> set[int]:
    """Indices of the longest run of places in increasing order (earliest entries win ties)."""
    if not places:
        return set()
    length = [1] * len(places)
    previous = [-1] * len(places)
    for i in range(len(places)):
        for j in range(i):
            if places[j] < places[i] and length[j] + 1 > length[i]:
                length[i], previous[i] = length[j] + 1, j
    i = max(range(len(places)), key=lambda k: (length[k], -k))
    chosen = set()
    while i >= 0:
        chosen.add(i)
        i = previous[i]
    return chosen
