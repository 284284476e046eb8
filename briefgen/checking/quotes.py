"""Rules on quotes: each key claim's and section's quote is in the source file it comes from."""

from __future__ import annotations

from briefgen.checking.context import BriefContext
from briefgen.loading import Loc
from briefgen.sources import find_quote


def check(context: BriefContext) -> None:
    sources = context.brief.sources
    with_files = list(dict.fromkeys(s.id for s in sources if s.file))
    ids = {s.id for s in sources}
    for i, claim in enumerate(context.brief.key_claims):
        if claim.quote:
            cited = [cid for cid in claim.sources if cid in with_files]
            defined = [cid for cid in claim.sources if cid in ids and cid not in with_files]
            _check_quote(context, ("key_claims", i, "quote"), claim.quote, cited, defined)
    # A section quote is checked against every source file of the brief.
    no_file = [] if with_files else [s.id for s in sources]
    for i, section in enumerate(context.brief.sections):
        for j, quote in enumerate(section.quotes):
            _check_quote(context, ("sections", i, "quotes", j), quote, with_files, no_file)


def _check_quote(
    context: BriefContext, loc: Loc, quote: str, cited: list[str], without_file: list[str]
) -> None:
    """`cited`: ids of sources with a readable file to search; `without_file`: cited ids that have none."""
    articles = [context.articles[cid] for cid in cited if cid in context.articles]
    names = ", ".join(f"'{cid}'" for cid in without_file)
    unchecked = f"{'source' if len(without_file) == 1 else 'sources'} {names} without a `file`"
    if not cited:
        if without_file:
            context.add(
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
    message = f"quote not found in {', '.join(context.relative(a.path) for a in articles)}"
    if match.passage:
        shown = match.passage if len(match.passage) <= 160 else match.passage[:157] + "..."
        hint = f"closest passage, {round(match.similarity * 100)}% alike: {shown}"
    else:
        hint = "the source has no text"
    if without_file:  # it may come from a source we cannot read
        context.add("quote-unchecked", loc, f"{message}, and it cites {unchecked}", hint)
    else:
        context.add("quote-not-in-source", loc, message, hint)
