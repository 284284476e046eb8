"""Source articles as briefs need them: title, date, section headings, hashtags, and quote lookup.

Articles arrive as plain text (often one paragraph per line, as copied from a web page), Markdown or
a saved HTML page. Each reader turns its format into the same `Article`: readable text with
paragraphs separated by blank lines and the section headings found in it, each with its offset in
that text. `briefgen new` scaffolds from it and `briefgen check` verifies quotes and heading order
against it without caring which format the article came in.

Quotes are compared after normalising what copying text around changes without changing the words:
Unicode forms, curly versus straight quote marks, the many dashes, whitespace and case.

The package, one module per concern, imports flowing one way: `reading` (file → format → reader)
→ `plain`, `markdown`, `html` (one reader per format) → `extraction` (a page's main-content headings,
by trafilatura), `dates` (htmldate for pages, dateparser in the article's language for text),
`lines` (which lines look like headings or prose), `metadata` (English dates, hashtags, URLs) and
`article` (the `Article` every reader returns) → `quotes` (normalisation and quote lookup over an
article's text).
"""

from briefgen.sources.article import Article, Format, Heading, SourceError
from briefgen.sources.metadata import hashtags
from briefgen.sources.quotes import Normalised, QuoteMatch, closest_passage, find_quote, normalise
from briefgen.sources.reading import MAX_SOURCE_BYTES, parse_article, parse_bytes, read_article, sniff

__all__ = [
    "MAX_SOURCE_BYTES",
    "Article",
    "Format",
    "Heading",
    "Normalised",
    "QuoteMatch",
    "SourceError",
    "closest_passage",
    "find_quote",
    "hashtags",
    "normalise",
    "parse_article",
    "parse_bytes",
    "read_article",
    "sniff",
]
