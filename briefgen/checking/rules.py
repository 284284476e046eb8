"""The one table of check rules: id → severity and what it catches (`check --help` and the docs list it)."""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.problems import Severity


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
    "source-changed": Rule(
        "error", "a source's `file` no longer has the `sha256` it had when the brief was written from it"
    ),
    "likelihood-off-scale": Rule("warning", "an estimative word that is not on the ICD 203 likelihood scale"),
    "confidence-with-likelihood": Rule(
        "warning", "one sentence states both a confidence level and a likelihood"
    ),
    "high-confidence-single-source": Rule("warning", "a high-confidence claim rests on one source"),
    "high-confidence-weak-source": Rule(
        "warning", "a high-confidence claim whose sources are all graded D–F or 4–6"
    ),
    "source-ungraded": Rule(
        "warning", "a cited source has no reliability or credibility (an error when status is final)"
    ),
    "assumptions-missing": Rule(
        "warning", "a final brief with high confidence or a likely implication lists no assumptions"
    ),
    "alternatives-missing": Rule(
        "warning", "a final brief with high confidence or a likely implication weighs no alternatives"
    ),
    "supersedes-unknown": Rule(
        "warning", "`supersedes` names no brief of the workspace, or one that does not load"
    ),
    "supersedes-loop": Rule("error", "a `supersedes` chain comes back to a brief already in it"),
    "change-unexplained": Rule(
        "warning", "judgments moved since the superseded brief and `changes` is empty"
    ),
    "todo-in-final": Rule("error", "a TODO placeholder is left in a brief whose status is final"),
    "bluf-too-long": Rule("warning", "the BLUF has more words than the configured `bluf_max_words`"),
    "date-in-future": Rule("error", "the brief's date or a source's publication date is after today"),
    "date-before-source": Rule("error", "the brief is dated before a source it summarises was published"),
    "figure-missing": Rule("error", "a figure's `file` does not exist"),
    "figure-unreadable": Rule(
        "error", "a figure's `file` is not a PNG, JPEG, WebP or SVG inside the workspace, or is damaged"
    ),
    "figure-too-large": Rule("error", "a figure is over 10 MB or 40 megapixels (a decompression bomb?)"),
    "figure-unsafe-svg": Rule(
        "error", "an SVG figure has scripts, event handlers, foreignObject, entities or external references"
    ),
    "figure-unknown-source": Rule("error", "a figure cites a source id that `sources` does not define"),
    "figure-alt-is-filename": Rule(
        "warning", "a figure's alt text is its file name or an empty word such as 'image'"
    ),
    "figure-unsourced": Rule("warning", "a figure has neither `source` nor `credit`"),
    "portion-above-banner": Rule(
        "error", "a portion's or tearline's `handling` is above the brief's own marking (the banner)"
    ),
    "release-without-bluf": Rule(
        "warning", "a release named in the config (`releases`) cannot include the brief: no BLUF at its level"
    ),
    "claim-source-withheld": Rule(
        "warning", "a claim kept in a configured release loses all its sources there (shown unsourced)"
    ),
}
"""Rule id → severity and what it catches; docs/checking.md is generated from it."""
