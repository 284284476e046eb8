"""Rules on section headings: each is one of the source's headings, once, in the source's order."""

from __future__ import annotations

import difflib

from briefgen.checking.context import BriefContext
from briefgen.sources import Article, find_quote, normalise


def check(context: BriefContext) -> None:
    articles = list({id(article): article for article in context.articles.values()}.values())
    sections = context.brief.sections
    if not sections or not articles:
        return
    known = [h.text for article in articles for h in article.headings]
    places: list[tuple[int, int] | None] = []
    for i, section in enumerate(sections):
        place, is_heading = _locate_heading(section.heading, articles)
        places.append(place)
        if place is not None and not is_heading:
            _not_a_section(context, i, section.heading, articles[place[0]], place[1], known)
        if place is None:
            close = difflib.get_close_matches(section.heading, known, n=1, cutoff=0.5)
            if close:
                hint = f"did you mean '{close[0]}'?"
            elif known:
                hint = "the source's headings: " + " → ".join(known)
            else:
                hint = "copy the heading exactly as the article writes it"
            names = ", ".join(context.relative(a.path) for a in articles)
            context.add(
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
            context.add(
                "heading-repeated", ("sections", i, "heading"), message, "merge the two sections into one"
            )
            continue
        # Name the section this one conflicts with: one above it that the source has later, or one
        # below it earlier.
        later = [j for j, p in in_order if j < i and p > place]
        earlier = [j for j, p in in_order if j > i and p < place]
        if later:
            where = f"in the source it comes before '{sections[later[0]].heading}'"
        elif earlier:
            where = f"in the source it comes after '{sections[earlier[-1]].heading}'"
        else:  # only ties with sections below it, which the repeat check above reports from their side
            where = "another section has the same place in the source"
        order = [sections[j].heading for j, _ in sorted(found, key=lambda item: item[1])]
        hint = "the article's order: " + " → ".join(order)
        context.add(
            "heading-out-of-order",
            ("sections", i, "heading"),
            f"section out of the source's order: {where}",
            hint,
        )


def _not_a_section(
    context: BriefContext, i: int, heading: str, article: Article, offset: int, known: list[str]
) -> None:
    """Matched only in the body (a bullet's label, a phrase): the brief no longer mirrors the sections."""
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
        hint += f"no section headings were found in {context.relative(article.path)}"
    message = f"'{heading}' is in the source but not as one of its section headings"
    context.add("heading-not-a-section", ("sections", i, "heading"), message, hint)


def _locate_heading(heading: str, articles: list[Article]) -> tuple[tuple[int, int] | None, bool]:
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
