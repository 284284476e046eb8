"""The brief as analysts write it: one pydantic model, the single source of truth.

The JSON Schema for editors is generated from these classes, so field descriptions here are what
an analyst sees as completion hints. Every model forbids unknown keys: a misspelt key must be an
error, never silently ignored text.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)

SLUG_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
_SLUG_INVALID = re.compile(r"[^a-z0-9]+")


class Confidence(StrEnum):
    """ICD 203 analytic confidence in a claim's accuracy."""

    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"


class Likelihood(StrEnum):
    """ICD 203 expressions of likelihood: the one scale briefs may use, from lowest to highest."""

    ALMOST_NO_CHANCE = "almost no chance"
    VERY_UNLIKELY = "very unlikely"
    UNLIKELY = "unlikely"
    ROUGHLY_EVEN_CHANCE = "roughly even chance"
    LIKELY = "likely"
    VERY_LIKELY = "very likely"
    ALMOST_CERTAIN = "almost certain"


class Status(StrEnum):
    DRAFT = "draft"
    FINAL = "final"


class Handling(StrEnum):
    """Traffic Light Protocol 2.0 markings, from least to most restrictive."""

    CLEAR = "TLP:CLEAR"
    GREEN = "TLP:GREEN"
    AMBER = "TLP:AMBER"
    AMBER_STRICT = "TLP:AMBER+STRICT"
    RED = "TLP:RED"

    @property
    def rank(self) -> int:
        """Restrictiveness, so a digest can carry the most restrictive marking of its briefs."""
        return list(Handling).index(self)

    @property
    def slug(self) -> str:
        """The marking as a CSS class and a folder name: `TLP:AMBER+STRICT` → `tlp-amber-strict`."""
        return self.value.lower().replace("tlp:", "tlp-").replace("+", "-")


def slugify(text: str) -> str:
    """A safe id from a title or file name: lowercase ASCII letters, digits and single hyphens.

    Letters of any script are transliterated ("café-crème" → `cafe-creme`, "Война" → `voina`,
    "北京" → `bei-jing`), so articles named in Cyrillic or Chinese get readable, distinct ids rather
    than all becoming `brief`. python-slugify is imported here, on first use: commands that never
    make an id do not pay its 25 ms.
    """
    from slugify import slugify as transliterated

    slug = transliterated(text, max_length=100, word_boundary=True, lowercase=True)
    return _SLUG_INVALID.sub("-", slug).strip("-") or "brief"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _no_control(value: str) -> str:
    """YAML's `"\\e[2J"` escapes make characters no page can show and a terminal obeys (in error lines)."""
    found = _CONTROL.search(value)
    if found:
        raise ValueError(f"control character U+{ord(found[0]):04X} is not allowed")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_no_control)]
"""A non-empty line of plain text (never interpreted as Markdown)."""
Markdown = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_no_control)]
"""Markdown text: CommonMark with tables, strikethrough and footnotes; raw HTML is shown as text."""
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=100)]
Tag = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[^\s#,]+$", max_length=64),
    AfterValidator(_no_control),
]


LANG_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
"""A BCP 47 language tag, as briefs, briefgen.toml and `--lang` write it: fr, ar, pt-BR."""
Lang = Annotated[str, StringConstraints(pattern=LANG_PATTERN)]
"""A BCP 47 language tag, e.g. en, fr, ar, pt-BR."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, use_enum_values=False)


def _portion_handling() -> Any:
    return Field(
        None,
        description="Portion marking (TLP) when it differs from the brief's; releases below it leave it out.",
    )


class Marked(Strict):
    """A recommendation or indicator with its own portion marking (a plain string has the brief's)."""

    text: Markdown = Field(description="The recommendation or indicator (inline Markdown).")
    handling: Handling | None = _portion_handling()


def text_of(item: str | Marked) -> str:
    """The text of a recommendation or indicator, plain string or `{text, handling}`."""
    return item if isinstance(item, str) else item.text


class Tearline(Strict):
    """The releasable bottom line (and context) for readers at a lower marking than the brief's."""

    handling: Handling = Field(description="The marking this BLUF and context may be released at.")
    bluf: Markdown = Field(description="Bottom line up front for that level (Markdown).")
    context: Markdown | None = Field(None, description="Context for that level (Markdown).")


class KeyClaim(Strict):
    """What the source asserts, in the analyst's words, with the source's own words behind it."""

    text: Markdown = Field(description="The claim, in the analyst's words (inline Markdown).")
    quote: Text | None = Field(None, description="The exact words of the source that carry the claim.")
    attribution: Text | None = Field(
        None, description="Who made the claim (a person, an office, the outlet)."
    )
    confidence: Confidence = Field(description="Confidence in the claim's accuracy: high, moderate or low.")
    sources: list[Slug] = Field(default_factory=list, description="Ids of entries in `sources`.")
    handling: Handling | None = _portion_handling()


def workspace_path(value: str) -> str:
    """A relative path inside the workspace (backslashes as slashes), as a figure's `file` holds it.

    The same rules as `Source.file`'s validator, which is left as it is (issue 11 works on Source)."""
    path = PurePosixPath(value.replace("\\", "/"))
    first = path.parts[0] if path.parts else ""
    if not value.strip() or not first or path.is_absolute() or ".." in path.parts or ":" in first:
        raise ValueError("must be a relative path inside the workspace, without '..'")
    # What the file system would refuse with an exception rather than a clean "no such file".
    if any(ord(c) < 32 for c in value) or len(value) > 1024 or any(len(p.encode()) > 255 for p in path.parts):
        raise ValueError("must be a file name: no control characters, at most 255 bytes per name")
    return str(path)


class Figure(Strict):
    """A map, chart or photo: a workspace file shown with its caption, credit and source."""

    file: Annotated[str, AfterValidator(workspace_path)] = Field(
        description="Workspace-relative path of a PNG, JPEG, WebP or SVG file, e.g. figures/map.svg."
    )
    alt: Text = Field(description="What a screen reader says instead of the image: what it shows.")
    caption: Markdown | None = Field(None, description="The caption under the figure (inline Markdown).")
    credit: Text | None = Field(None, description="Who made it, e.g. 'Map: ISW, 9 Oct 2025'.")
    source: Slug | None = Field(None, description="Id of the entry in `sources` the figure comes from.")
    width: float | None = Field(
        None, gt=0, le=1, description="Share of the text width, e.g. 0.5 for half (rounded to 5%)."
    )
    handling: Handling | None = _portion_handling()


class Section(Strict):
    """One section of the source article, in the article's order."""

    heading: Text = Field(description="The section heading exactly as in the source article.")
    summary: Markdown | None = Field(None, description="What the section says (Markdown).")
    points: list[Markdown] = Field(default_factory=list, description="Key points (inline Markdown).")
    quotes: list[Text] = Field(default_factory=list, description="Exact quotes from the section.")
    figures: list[Figure] = Field(default_factory=list, description="Figures shown in this section.")
    handling: Handling | None = _portion_handling()


class Implication(Strict):
    """What the development means for one party."""

    for_: Text = Field(alias="for", description="Who is affected.")
    text: Markdown = Field(description="What it means for them (Markdown).")
    likelihood: Likelihood | None = Field(
        None, description="ICD 203 likelihood, if the implication is a forecast."
    )
    handling: Handling | None = _portion_handling()


class Assumption(Strict):
    """A key assumption the judgments rest on: ICD 203 asks analysts to keep assumptions apart from
    evidence, so a reader can see what would fall with them."""

    text: Markdown = Field(description="The assumption (inline Markdown).")
    if_wrong: Markdown | None = Field(
        None, description="What changes in the judgments if the assumption fails (inline Markdown)."
    )


class Alternative(Strict):
    """An alternative explanation or scenario the analyst weighed against the main judgment."""

    text: Markdown = Field(description="The alternative explanation or scenario (inline Markdown).")
    likelihood: Likelihood = Field(description="ICD 203 likelihood of the alternative.")
    indicators: list[Markdown] = Field(
        default_factory=list, description="What would point to this alternative (inline Markdown)."
    )


_URL_UNSAFE = re.compile(r'[\s<>"\\`]')
_URL_PATTERN = r'^https?://(?:[^\s<>"\\`\[\]/?#@]*@)?(?:\[[0-9A-Fa-f:.]+\](?::[0-9]*)?|[^\s<>"\\`\[\]/?#@]+)(?:[/?#][^\s<>"\\`\[\]]*)?$'
"""What `_web_address` accepts, for editors (the JSON Schema)."""


def _web_address(value: str) -> str:
    """An http(s) address that splits cleanly (urllib.parse.urlsplit, as MkDocs and browsers split it).

    A pattern let through `http://a'x`)](javascript:alert(1))`, whose `]` in the host made
    `mkdocs build` fail (Invalid IPv6 URL), and `http://a\\`, whose backslash broke the Markdown link
    the address is written into. Quotes, `<`, `>`, backslashes, backticks and whitespace would close
    or escape that link, and `[`, `]` outside an IPv6 host end its text: all must be %-encoded.
    """
    found = _URL_UNSAFE.search(value)
    if found:
        if found[0].isspace():
            raise ValueError("whitespace is not allowed in an address: write a space as %20")
        raise ValueError(
            f"{found[0]!r} is not allowed in an address: write it %-encoded (%{ord(found[0]):02X})"
        )
    if not value.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number from 0 to 65535
    except ValueError as error:
        raise ValueError(f"is not a valid address ({error})") from None
    if not parts.hostname:
        raise ValueError("must name a host, e.g. https://example.org/page")
    userinfo, _, host = parts.netloc.rpartition("@")
    rest = value[len(parts.scheme) + 3 + len(parts.netloc) :]  # path, query and fragment as written
    literal = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\](?::\d*)?", host)
    if re.search(r"[\[\]]", userinfo + rest) or (re.search(r"[\[\]]", host) and not literal):
        raise ValueError(
            "'[' and ']' are allowed only around an IPv6 host (https://[2001:db8::1]/): write them %5B, %5D"
        )
    if literal:
        try:
            ipaddress.IPv6Address(literal[1])
        except ValueError:
            raise ValueError(f"{literal[1]!r} in brackets is not an IPv6 address") from None
    return value


class Source(Strict):
    """A source the brief relies on, graded on the Admiralty scale."""

    id: Slug = Field(description="Short id that key claims cite.")
    title: Text
    publisher: Text | None = None
    url: (
        Annotated[
            str,
            AfterValidator(_no_control),
            AfterValidator(_web_address),
            WithJsonSchema({"type": "string", "pattern": _URL_PATTERN}),
        ]
        | None
    ) = Field(None, description="http(s) address of the original.")
    published: dt.date | None = Field(None, description="Publication date (YYYY-MM-DD).")
    lang: Lang | None = Field(
        None,
        description="Language of the source (BCP 47) when it differs from the brief's: its title and the"
        " quotes taken from it are marked with it, so that screen readers pronounce them right.",
    )
    file: str | None = Field(
        None, description="Workspace-relative path of a local copy, e.g. seeds/article.txt."
    )
    retrieved: AwareDatetime | None = Field(
        None,
        description="When `url` was downloaded into `file`: ISO 8601 with a zone, e.g. 2025-10-10T08:00:00Z.",
    )
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = Field(
        None,
        description="SHA-256 of `file` (64 lowercase hex digits) when the brief was written from it;"
        " `briefgen check` reports a file that no longer matches.",
    )
    reliability: Literal["A", "B", "C", "D", "E", "F"] | None = Field(
        None, description="Source reliability, A (completely reliable) to F (cannot be judged)."
    )
    credibility: Literal[1, 2, 3, 4, 5, 6] | None = Field(
        None, description="Information credibility, 1 (confirmed) to 6 (cannot be judged)."
    )
    handling: Handling | None = _portion_handling()

    @field_validator("file")
    @classmethod
    def _inside_workspace(cls, value: str | None) -> str | None:
        if value is None:
            return value
        path = PurePosixPath(value.replace("\\", "/"))
        if (
            not value.strip()
            or not path.parts
            or path.is_absolute()
            or ".." in path.parts
            or ":" in path.parts[0]
        ):
            raise ValueError("must be a relative path inside the workspace, without '..'")
        # What the file system would refuse with an exception rather than a clean "no such file".
        if (
            any(ord(c) < 32 for c in value)
            or len(value) > 1024
            or any(len(p.encode()) > 255 for p in path.parts)
        ):
            raise ValueError(
                "must be a file name: no control characters, at most 255 bytes per folder or file name"
            )
        return str(path)


class Brief(Strict):
    """A structured summary of one source article."""

    id: Slug | None = Field(
        None, description="Stable slug for file and page names; defaults to the file name."
    )
    title: Text
    subtitle: Text | None = None
    date: dt.date = Field(description="Date of the brief (YYYY-MM-DD).")
    authors: list[Text] = Field(default_factory=list)
    status: Status = Status.DRAFT
    version: Text | None = None
    supersedes: Slug | None = Field(None, description="Id of the brief this one replaces.")
    handling: Handling | None = Field(
        None, description="TLP marking; the workspace default applies when absent."
    )
    lang: Lang = Field("en", description="Language of the brief (BCP 47), e.g. en, fr, ar.")
    bluf: Markdown = Field(description="Bottom line up front (Markdown).")
    tearline: list[Tearline] = Field(
        default_factory=list, description="Releasable BLUF and context for lower markings than the brief's."
    )
    key_claims: list[KeyClaim] = Field(min_length=1)
    context: Markdown = Field(description="Background a reader needs (Markdown).")
    figures: list[Figure] = Field(default_factory=list, description="Figures shown after the context.")
    sections: list[Section] = Field(default_factory=list)
    implications: list[Implication] = Field(min_length=1)
    assumptions: list[Assumption] = Field(
        default_factory=list, description="Key assumptions the judgments rest on."
    )
    alternatives: list[Alternative] = Field(
        default_factory=list, description="Alternative explanations or scenarios considered."
    )
    changes: Markdown | None = Field(
        None, description="Why judgments moved since the brief this one `supersedes` (Markdown)."
    )
    recommendations: list[Markdown | Marked] = Field(
        default_factory=list, description="What to do: a string, or `{text, handling}` for a marked one."
    )
    indicators: list[Markdown | Marked] = Field(
        default_factory=list, description="What to watch for: a string, or `{text, handling}`."
    )
    sources: list[Source] = Field(default_factory=list)
    tags: list[Tag] = Field(default_factory=list)

    def other_lang(self, lang: str | None) -> str | None:
        """`lang` when it is another language than the brief's, else None: what a `lang=` attribute on
        a passage needs (WCAG 3.1.2), written only where the reader's software must switch."""
        return lang if lang and lang.lower() != self.lang.lower() else None

    def quote_lang(self, source_ids: list[str]) -> str | None:
        """The language of a quote taken from these sources: the first cited source that has a `lang`."""
        langs = {source.id: source.lang for source in self.sources if source.lang}
        return self.other_lang(next((langs[i] for i in source_ids if i in langs), None))

    @property
    def article_lang(self) -> str | None:
        """The language of the article the sections follow (headings and quotes exactly as there): the
        first source with an address or a local copy, as the Markdown front matter's `source` is."""
        article = next((s for s in self.sources if s.url or s.file), None)
        return self.other_lang(article.lang if article else None)
