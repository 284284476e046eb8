"""Reading source articles (plain text, Markdown, saved HTML) and finding quotes in them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefgen.sources import (
    Normalised,
    SourceError,
    find_quote,
    hashtags,
    normalise,
    parse_article,
    read_article,
)
from tests.conftest import REPO

ARTICLES = Path(__file__).parent / "data" / "articles"
EXAMPLE = REPO / "seeds" / "putin-alaska-summit-dushanbe.txt"


def test_example_article_has_exactly_its_three_headings() -> None:
    article = read_article(EXAMPLE)
    assert article.format == "text"
    assert [(h.text, h.line) for h in article.headings] == [
        ("Understanding the 'Alaska Summit' Provisions", 3),
        ("Why the CIS Platform Matters", 10),
        ("The Path Forward: A Geopolitical Tug-of-War", 16),
    ]
    assert article.title is None, "its first line is a paragraph, not a title"
    assert article.published == dt.date(2025, 10, 10), (
        "'yesterday, October 9, 2025' in an article of the 10th"
    )
    assert article.tags == (
        "CISSummit",
        "UkrainianSettlement",
        "NATOExpansion",
        "RussianDiplomacy",
        "UkraineWar",
        "AlaskaSummit",
        "PutinTrump",
        "Geopolitics",
        "PeaceTalks",
        "Dushanbe",
        "CIS",
        "SecurityGuarantees",
    )


@pytest.mark.parametrize(
    ("name", "kind", "title", "published", "headings", "tags"),
    [
        (
            "baltic-grid.md",
            "markdown",
            "Baltic States Complete Grid Switch to Continental Europe",
            dt.date(2025, 2, 9),
            [
                "Why the Switch Took Two Decades",
                "Security Risks Around the Baltic Sea",
                "What Comes Next for Kaliningrad?",
            ],
            ("Energy", "BalticStates", "BalticSecurity", "Kaliningrad"),
        ),
        (
            "arctic-shipping.html",
            "html",
            "Arctic Shipping Season Ends Early as Ice Returns",
            dt.date(2025, 11, 3),
            [
                "A Route That Depends on the Weather",
                "Sanctions and the Shadow Fleet",
                "What the Early Freeze Means for 2026",
            ],
            ("Arctic", "Shipping", "NorthernSeaRoute"),
        ),
        (
            "river-water-talks.txt",
            "text",
            "Downstream States Walk Out of River Water Talks",
            dt.date(2025, 3, 14),
            ["THE DISPUTED RESERVOIR", "A Mediator Steps In", "Will the summer be the test?"],
            ("WaterSecurity", "Drought", "Diplomacy"),
        ),
    ],
)
def test_unseen_articles(
    name: str, kind: str, title: str, published: dt.date, headings: list[str], tags: tuple[str, ...]
) -> None:
    article = read_article(ARTICLES / name)
    assert article.format == kind
    assert article.title == title
    assert article.published == published
    assert [h.text for h in article.headings] == headings
    assert article.tags == tags
    offsets = [h.offset for h in article.headings]
    assert offsets == sorted(offsets)
    for heading in article.headings:
        assert article.text[heading.offset :].startswith(heading.text)


def test_markdown_keeps_subheadings_and_markup_out() -> None:
    article = read_article(ARTICLES / "baltic-grid.md")
    assert "The cost" not in [h.text for h in article.headings]
    assert [h.line for h in article.headings] == [9, 22, 29]
    assert "**" not in article.text and "the technical work only began" in article.text
    assert "#Energy" in article.text and "Energy" in article.tags and "energy" not in article.tags


def test_html_reads_only_the_article() -> None:
    article = read_article(ARTICLES / "arctic-shipping.html")
    assert article.publisher == "Northern Ledger"
    assert article.url == "https://northern-ledger.example/2025/11/arctic-shipping"
    for outside in (
        "Sections",
        "Related stories",
        "Newsletter",
        "Sign up",
        "var headline",
        "color: navy",
        "World",
    ):
        assert outside not in article.text
    assert "“the most difficult since 2017”" in article.text, "entities decoded"
    assert [h.line for h in article.headings] == [27, 31, 37]


def test_html_without_article_element_skips_page_furniture_by_class() -> None:
    page = """<html><head><title>Floods hit coastal city - Daily News</title></head><body class="has-sidebar">
    <div class="menu"><h3>Menu</h3></div>
    <div class="story share-enabled"><h1>Floods hit coastal city</h1><p>March 3, 2025</p>
    <p>Heavy rain flooded the city overnight.</p><h3>Evacuations</h3><p>Thousands were moved.</p>
    <h3>Damage</h3><p>Roads were<br>cut.</p><div class="share-buttons"><h3>Share</h3></div></div>
    <div class="site-footer"><h3>Contact us</h3></div><div id="footer"><h3>Footer</h3></div></body></html>"""
    article = parse_article(page, Path("floods.html"))
    assert article.title == "Floods hit coastal city"
    assert article.published == dt.date(2025, 3, 3)
    assert [h.text for h in article.headings] == ["Evacuations", "Damage"]
    assert find_quote("roads were cut", article.index).found


def test_plain_text_with_blank_lines_skips_byline_date_and_standfirst() -> None:
    article = read_article(ARTICLES / "river-water-talks.txt")
    names = [h.text for h in article.headings]
    for not_heading in (
        "By Selin Arslan",
        "14 March 2025",
        "Negotiators fail to agree on a summer release schedule",
    ):
        assert not_heading not in names
    assert "-----" not in article.text, "a setext underline is not text"
    assert "* Irrigation canals" in article.text


def test_plain_text_headings_need_heading_shape_when_every_line_is_a_paragraph() -> None:
    text = (
        "Opening paragraph of the story, long enough to be prose and ending with a full stop here.\n"
        "What Officials Said\n"
        "Officials said little.\n"
        "- A Bullet That Looks Like A Heading\n"
        "short lower-case line without a full stop\n"
        "Details on the Ground: Roads and Bridges\n"
        "More text follows in this paragraph, as it should.\n"
        "Why it matters\n"
        "A sentence-case heading stands between two paragraphs of prose like this one.\n"
        "Advertisement\n"
        "The story goes on after the advertisement, as stories do.\n"
        "first item without a marker\n"
        "second item without a marker\n"
        "The end of the story comes here.\n"
        "#One #Two #one\n"
    )
    article = parse_article(text, Path("a.txt"))
    assert [h.text for h in article.headings] == [
        "What Officials Said",
        "Details on the Ground: Roads and Bridges",
        "Why it matters",
    ]
    assert article.tags == ("One", "Two")


NUMBERED = """Grain Corridor Talks Resume in Istanbul

Delegations from both sides met in Istanbul on Monday to discuss reopening the grain corridor, officials said.

1. Background

The corridor closed last summer after the previous deal lapsed. Exports fell sharply.

The ministry listed three crops most affected:

1. Wheat
2. Barley
3. Maize

Prices rose as a result, traders said.

2) The Deal

Negotiators agreed in principle on inspections at sea, according to two people present.

a) not a heading either

The inspections would be carried out by a joint team, the people said.

II. Outlook

A final text is expected within weeks, though officials cautioned that it could slip.

A. Options on the table

Three options were discussed, none of them new, the delegates said afterwards.

A. Keep the corridor as it is
B. Extend it to more ports
C. Close it again

1. One Short Item

2. Another Short Item

The talks resume next week in the same hall, officials said.
"""


def test_numbered_headings_alone_between_prose_but_not_numbered_lists() -> None:
    article = parse_article(NUMBERED, Path("numbered.txt"))
    assert [h.text for h in article.headings] == [
        "1. Background",
        "2) The Deal",
        "II. Outlook",
        "A. Options on the table",
    ]
    assert [h.line for h in article.headings] == [5, 17, 25, 29]
    assert "1. Wheat 2. Barley 3. Maize" in article.text


def test_numbered_headings_when_every_line_is_a_paragraph() -> None:
    text = (
        "Opening paragraph of the story, long enough to be prose and ending with a full stop here.\n"
        "1. Background\n"
        "The corridor closed last summer after the previous deal lapsed, officials said.\n"
        "A. The First Option\n"
        "B. The Second Option\n"
        "The talks resume next week in the same hall, officials said.\n"
        "- II. A Bullet\n"
        "II. Outlook\n"
        "A final text is expected within weeks, officials said.\n"
    )
    assert [h.text for h in parse_article(text, Path("a.txt")).headings] == ["1. Background"]


def test_numbered_headings_underlined_or_bold_only() -> None:
    text = "Title\n\nSome prose paragraph here, long enough.\n\n1. Background\n-------------\n\nMore prose.\n"
    assert [h.text for h in parse_article(text, Path("u.txt")).headings] == ["1. Background"]
    markdown = "Intro paragraph.\n\n**II. Outlook**\n\nText.\n\n**1. Background**\n\nMore text.\n"
    assert [h.text for h in parse_article(markdown, Path("b.md")).headings] == [
        "II. Outlook",
        "1. Background",
    ]


def test_format_is_sniffed_from_content(tmp_path: Path) -> None:
    page = tmp_path / "saved.txt"
    page.write_text("<!DOCTYPE html><html><body><article><h1>T</h1><p>Body text.</p></article></body></html>")
    assert read_article(page).format == "html"


def test_hashtags() -> None:
    text = (
        "See https://example.org/page#section and &#39; and #1 and #UkraineWar, #ukrainewar (#CIS) #Україна."
    )
    assert hashtags(text) == ["UkraineWar", "CIS", "Україна"]


def test_unreadable_sources_raise_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot read it"):
        read_article(tmp_path / "missing.txt")
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(10 * 1024 * 1024 + 1)
    with pytest.raises(SourceError, match="larger than"):
        read_article(huge)


def test_windows_1252_text_still_matches(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes(
        b"A Heading Line\nThe minister\x92s words were \x93firm\x94 today, she said.\nEnd of story here.\n"
    )
    assert find_quote('the minister\'s words were "firm"', read_article(path).index).found


# ---- quotes ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_index() -> Normalised:
    return read_article(EXAMPLE).index


@pytest.mark.parametrize(
    "quote",
    [
        "fundamental provisions discussed at the Alaska Summit",
        "FUNDAMENTAL   provisions\n discussed at the alaska summit",
        "primarily align with Russia's long-standing maximalist demands",  # source has ’
        "primarily align with Russia’s long—standing maximalist demands",  # em dash for hyphen
        "primarily align with Russia’s long – standing maximalist demands",  # spaced en dash
        "“fundamental provisions discussed at the Alaska Summit”",  # the analyst's own quote marks
        "eliminate the “primary causes of that conflict”",
        "a comprehensive, lasting political settlement.",  # the sentence's full stop added
        "the key focus shifted … to a comprehensive, lasting political settlement",
        "the key focus shifted [...] lasting political settlement",
    ],
)
def test_quotes_found_after_normalising(example_index: Normalised, quote: str) -> None:
    match = find_quote(quote, example_index)
    assert match.found, quote
    assert match.similarity == 1.0
    assert example_index.original[match.start :].startswith(match.passage[:10])


@pytest.mark.parametrize(
    ("quote", "closest"),
    [
        (
            'generally assesses the results of the August meeting as "very positive."',
            'generally assesses the results of that August meeting as "positive."',
        ),
        (
            "withdraw its forces from the full administrative borders of Donetsk and Luhansk",
            "the full administrative boundaries of Donetsk and Luhansk",
        ),
        (
            "lasting political settlement … a simple ceasefire",
            "political settlement",
        ),  # fragments out of order
    ],
)
def test_misses_name_the_closest_passage(example_index: Normalised, quote: str, closest: str) -> None:
    match = find_quote(quote, example_index)
    assert not match.found
    assert closest in match.passage
    assert 0.3 < match.similarity < 1.0


def test_normalise() -> None:
    assert normalise("  “Don’t”  —  STOP\u00ad\n\tnow ") == "'don't'-stop now"
    assert normalise("ﬁnal") == "final", "NFKC ligatures"


def test_the_closest_passage_of_a_long_source_is_the_right_one() -> None:
    """A misquote of one paragraph deep inside a 30,000-word source points at that paragraph."""
    import random

    article = (Path(__file__).parent.parent / "seeds" / "putin-alaska-summit-dushanbe.txt").read_text(
        encoding="utf-8"
    )
    words = article.split()
    rng = random.Random(3)
    filler = [" ".join(rng.choice(words) for _ in range(60)) for _ in range(500)]
    planted = (
        "The ministry said on Tuesday that the convoy of forty-two lorries had crossed the border at "
        "Kuznetsovka after a delay of nine hours, carrying grain, fuel and medical supplies."
    )
    text = "\n\n".join([*filler[:300], planted, *filler[300:]])
    misquote = (
        "the convoy of forty-two trucks had crossed the frontier at Kuznetsovka after a delay of nine hours"
    )
    match = find_quote(misquote, Normalised(text))
    assert not match.found
    assert match.passage.startswith("the convoy of forty-two lorries had crossed the border at Kuznetsovka")
    assert text[match.start :].startswith(match.passage.split()[0])
    assert 0.8 < match.similarity < 1.0
