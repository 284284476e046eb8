"""Rules on estimative language (ICD 203): likelihoods on the one scale, confidence in its own sentence."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from briefgen.checking.context import BriefContext
from briefgen.loading import Loc
from briefgen.model import Likelihood, text_of

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
        r"remote (?:chance|possibility|likelihood)|virtually impossible|almost impossible"
        r"|little to no chance",
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
    r"\b(?:high|moderate|medium|low)[- ]confidence\b"
    r"|\bconfidence (?:is|was|remains) (?:high|moderate|medium|low)\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"|`[^`]*`")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+|\n\s*\n")


def check(context: BriefContext) -> None:
    for loc, text in _analyst_text(context.brief):
        masked = _mask_quoted(text)
        for match in _OFF_SCALE_RE.finditer(masked):
            index = int(next(name for name, value in match.groupdict().items() if value)[1:])
            term = str(_OFF_SCALE[index][1])
            at = context.word_position(loc, text, match.start(), match.end())
            context.add(
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
                at = context.word_position(loc, text, confidence.start(), confidence.end())
                context.add(
                    "confidence-with-likelihood",
                    loc,
                    f"one sentence states '{confidence.group()}' and '{likelihood.group()}'",
                    "ICD 203: give confidence in the evidence and the likelihood of the event "
                    "in separate sentences",
                    at,
                )


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
            yield ((name, i) if isinstance(item, str) else (name, i, "text")), text_of(item)


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _SENTENCE_END.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)
