"""Saved news pages as they come (furniture, AMP, paywalls, right-to-left, legacy encodings) and text
articles in other languages and encodings: sections, title, date, hashtags, and quotes `check` finds."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml

from briefgen.sources import find_quote, parse_article, read_article
from briefgen.sources.dates import detect_languages, text_date
from briefgen.sources.encoding import decode
from tests.conftest import recording_server, run

ARTICLES = Path(__file__).parent / "data" / "articles"

PAGES = {
    "harbour-strike.html": (
        "Port workers extend strike as talks stall",
        dt.date(2025, 6, 17),  # JSON-LD datePublished; the text says "Updated 19 June 2025"
        ["Backlog grows at the terminals", "Government urged to intervene", "What happens next"],
        ("PortStrike", "Shipping"),
        [
            "will stay out for a second week after the employers' final offer was rejected",  # standfirst
            "Idle cranes at the container terminal in Westhaven",  # caption
            "did nothing to close the gap between pay and the cost of living on the coast",
        ],
        ["We value your privacy", "Most read", "Get the morning briefing", "Share this story"],
    ),
    "wind-auction.html": (
        "Offshore Wind Auction Draws Record Bids",
        dt.date(2025, 9, 4),
        ["Why the Price Cap Mattered", "Grid Connections Remain the Bottleneck", "What Happens to Bills"],
        ("OffshoreWind", "EnergyBills"),
        [
            "Developers offered to build 9.6 gigawatts of new capacity",
            "where three of the winning projects will be built",
            "We finally have a price that reflects what it costs to build at sea.",  # pull quote
        ],
        ["Related stories", "Comments (214)", "Sign up to Green Light", "This site uses cookies", "About us"],
    ),
    "rail-tunnel-amp.html": (
        "Alpine rail tunnel opens after 17 years of work",
        dt.date(2025, 12, 1),
        ["A Project Twice Delayed", "Freight Moves off the Roads", "Critics Count the Cost"],
        ("Rail", "Alps"),
        [
            "cuts the journey between the two valleys from two hours to 38 minutes",
            "The northern portal at Erstfeld during the opening ceremony.",
            "It is a great tunnel with too few trains",
        ],
        ["amp-start", "More from Travel", "Impressum"],
    ),
    "chip-export-paywall.html": (
        "Chip export curbs widen to older machines",
        dt.date(2025, 7, 22),  # JSON-LD datePublished; the byline says "July 24, 2025 updated"
        ["Suppliers Brace for Lost Orders"],
        ("Semiconductors",),
        [
            "a move suppliers say will cost them a fifth of their sales in the region",
            "a loophole the size of a factory",
        ],
        ["Trending", "Fed holds rates", "Terms of use"],
    ),
    "nile-dam-ar.html": (
        "مفاوضات سد النهضة تستأنف في القاهرة",
        dt.date(2025, 10, 9),
        ["نقاط الخلاف الرئيسية", "موقف السودان", "ماذا بعد؟"],
        ("سد_النهضة", "مصر"),
        ["لن تقبل بأي اتفاق لا يضمن حصتها التاريخية من المياه", "صورة أرشيفية لموقع السد على النيل الأزرق"],
        ["الأكثر قراءة", "شارك المقال", "ملفات تعريف الارتباط", "جميع الحقوق"],
    ),
    "gas-transit-cp1251.html": (  # windows-1251 bytes, declared in <meta charset>
        "Транзит газа через Молдавию сократился вдвое",
        dt.date(2025, 10, 9),  # only in the text: "9 октября 2025"
        ["Причины падения", "Что говорят в правительстве", "Прогноз на зиму"],
        ("газ", "энергетика"),
        ["зимний запас газа сформирован полностью", "Компрессорная станция под Кишинёвом"],
        ["Комментарии", "Популярное", "Мы используем файлы cookie", "Все права защищены"],
    ),
    "duma-budget-koi8r.html": (  # KOI8-R bytes, no declaration, no <html lang>
        "Дума приняла бюджет в первом чтении",
        dt.date(2025, 11, 14),  # "Опубликовано 14 ноября 2025", not the footer's "© 2025"
        ["Расходы на оборону", "Социальные программы", "Второе чтение"],
        ("бюджет", "Госдума"),
        ["бюджетом отложенных обещаний", "несмотря на критику из-за роста расходов на оборону"],
        ["Читайте также", "Подпишитесь на рассылку"],
    ),
    "arctic-shipping.html": (
        "Arctic Shipping Season Ends Early as Ice Returns",
        dt.date(2025, 11, 3),
        [
            "A Route That Depends on the Weather",
            "Sanctions and the Shadow Fleet",
            "What the Early Freeze Means for 2026",
        ],
        ("Arctic", "Shipping", "NorthernSeaRoute"),
        ["the most difficult since 2017"],
        ["Related stories", "Newsletter"],
    ),
}


@pytest.mark.parametrize("name", PAGES)
def test_saved_pages(name: str) -> None:
    title, published, headings, tags, quotes, furniture = PAGES[name]
    article = read_article(ARTICLES / name)
    assert article.format == "html"
    assert article.title == title
    assert article.published == published
    assert [h.text for h in article.headings] == headings, "the article's own sections, in order"
    assert article.tags == tags
    source_lines = decode((ARTICLES / name).read_bytes(), html=True).split("\n")
    for heading in article.headings:
        assert article.text[heading.offset :].startswith(heading.text)
        assert heading.text in source_lines[heading.line - 1], "line is the heading's line in the file"
    for quote in quotes:
        assert find_quote(quote, article.index).found, quote
    for outside in furniture:
        assert outside not in article.text, outside


def test_encodings_decoded_before_reading() -> None:
    """The KOI8-R page declares nothing: charset-normalizer decodes it, or no heading would match."""
    data = (ARTICLES / "duma-budget-koi8r.html").read_bytes()
    assert b"charset" not in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "Второе чтение" in decode(data, html=True)


def test_htmldate_never_fetches_a_page_that_is_a_url() -> None:
    with recording_server() as base:
        article = parse_article(f"{base}/article.html", Path("link.html"), "html")
        from tests.conftest import Recorder

        assert Recorder.requests == []
    assert article.published is None


def test_windows_1251_text_and_shift_jis_markdown() -> None:
    text = read_article(ARTICLES / "grain-exports-cp1251.txt")
    assert text.format == "text"
    assert text.title == "Экспорт зерна через черноморские порты вырос"
    assert text.published == dt.date(2025, 10, 9)
    assert [h.text for h in text.headings] == ["Страхование судов", "Что дальше"]
    assert text.tags == ("зерно", "экспорт")
    assert find_quote("стабильной работой коридора", text.index).found

    markdown = read_article(ARTICLES / "kumamoto-fab-sjis.md")
    assert markdown.format == "markdown"
    assert markdown.title == "半導体工場の新設計画、熊本で着工"
    assert markdown.published == dt.date(2025, 10, 9), "2025年10月9日"
    assert [h.text for h in markdown.headings] == ["地元経済への影響", "水資源への懸念", "今後の見通し"]
    assert markdown.publisher == "九州経済新聞"
    assert find_quote("使用量以上の水を地下に戻す", markdown.index).found


def test_dates_in_the_articles_language() -> None:
    french = read_article(ARTICLES / "retraites-fr.md")  # front matter lang: fr
    assert french.title == "Réforme des retraites : le gouvernement présente son projet"
    assert french.published == dt.date(2025, 10, 9)
    assert read_article(ARTICLES / "wahl-de.txt").published == dt.date(2025, 10, 9)
    assert text_date("Москва, 9 октября 2025 года. Правительство", ["ru"]) == dt.date(2025, 10, 9)
    assert text_date("Veröffentlicht am 2025-10-09 in Berlin", ["de"]) == dt.date(2025, 10, 9)
    assert "ru" in detect_languages("Правительство объявило о новой реформе налогов и пошлин.")
    assert detect_languages("東京、政府は木曜日、新しい経済対策を発表した。") == ["ja"]


@pytest.mark.parametrize(
    ("text", "languages"),
    [
        ("Le gouvernement présentera en octobre 2025 un projet de loi, a-t-il annoncé.", ["fr"]),
        ("Im Oktober will die Regierung entscheiden; 2025 bleibt ein schwieriges Jahr.", ["de"]),
        ("В октябре правительство примет решение о бюджете.", ["ru"]),
        ("The ministry said in October it would decide before the summer.", ["en"]),
    ],
)
def test_never_a_date_from_a_bare_month(text: str, languages: list[str]) -> None:
    assert text_date(text, languages) is None


def test_english_yesterday_still_counts_back() -> None:
    text = "DUSHANBE — Speaking yesterday, October 9, 2025, the president said talks would go on."
    assert text_date(text, detect_languages(text)) == dt.date(2025, 10, 10)


def _brief(source: str, published: dt.date, claim: str, sections: list[tuple[str, str]]) -> str:
    data = {
        "title": "A test brief",
        "date": "2025-12-02",
        "status": "draft",
        "bluf": "Something happened.",
        "key_claims": [{"text": "A claim.", "quote": claim, "confidence": "high", "sources": ["article"]}],
        "context": "Some context.",
        "sections": [{"heading": h, "quotes": [q]} for h, q in sections],
        "implications": [{"for": "Readers", "text": "They should know."}],
        "sources": [
            {"id": "article", "title": "The article", "published": published.isoformat(), "file": source}
        ],
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.mark.parametrize(
    ("name", "claim", "sections"),
    [
        (
            "harbour-strike.html",
            "Dockers at three southern ports will stay out for a second week",  # standfirst
            [
                ("Backlog grows at the terminals", "Idle cranes at the container terminal in Westhaven"),
                ("Government urged to intervene", "should get back in the room"),
                ("What happens next", "Employers said their offer of 6.5 per cent over two years"),
            ],
        ),
        (
            "gas-transit-cp1251.html",
            "Компрессорная станция под Кишинёвом",  # caption
            [
                ("Причины падения", "перешла на поставки сжиженного газа"),
                ("Прогноз на зиму", "объёмы транзита частично восстановятся"),
            ],
        ),
        (
            "nile-dam-ar.html",
            "عادت وفود مصر والسودان وإثيوبيا إلى طاولة التفاوض",
            [("نقاط الخلاف الرئيسية", "آلية ملزمة لتسوية النزاعات")],
        ),
    ],
)
def test_check_finds_quotes_in_saved_pages(
    workspace: Path, name: str, claim: str, sections: list[tuple[str, str]]
) -> None:
    shutil.copy(ARTICLES / name, workspace / "seeds" / name)
    published = PAGES[name][1]
    good = workspace / "briefs" / "good.yaml"
    good.write_text(_brief(f"seeds/{name}", published, claim, sections), encoding="utf-8")
    result = run("check", "--format", "json", "briefs/good.yaml")
    findings = json.loads(result.stdout)
    assert [f for f in findings if f["severity"] == "error"] == [], findings
    assert result.exit_code == 0

    bad = workspace / "briefs" / "bad.yaml"
    misquote = claim.replace(claim.split()[1], "nowhere")
    bad.write_text(_brief(f"seeds/{name}", published, misquote, list(reversed(sections))), encoding="utf-8")
    rules = {f["rule"] for f in json.loads(run("check", "--format", "json", "briefs/bad.yaml").stdout)}
    assert "quote-not-in-source" in rules
    if len(sections) > 1:
        assert "heading-out-of-order" in rules


def test_new_from_a_saved_page_mirrors_its_sections(workspace: Path) -> None:
    shutil.copy(ARTICLES / "wind-auction.html", workspace / "seeds" / "wind-auction.html")
    result = run("new", "seeds/wind-auction.html", "--id", "wind")
    assert result.exit_code == 0, result.stderr
    brief = yaml.safe_load((workspace / "briefs" / "wind.yaml").read_text(encoding="utf-8"))
    assert [s["heading"] for s in brief["sections"]] == PAGES["wind-auction.html"][2]
    assert str(brief["sources"][0]["published"]) == "2025-09-04"
    assert run("check", "briefs/wind.yaml").exit_code == 0


@pytest.mark.parametrize(
    "raw",
    ["<!-- only a comment -->", "   ", "\x00\x00", "<html></html>", "<div>" * 5000 + "deep", "<p>unclosed"],
)
def test_empty_or_odd_pages_read_without_error(raw: str) -> None:
    article = parse_article(raw, Path("odd.html"), "html")
    assert article.headings == ()


def test_xhtml_page_with_an_xml_declaration() -> None:
    page = (
        '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml" lang="fr"><body>'
        "<h1>Le titre</h1><p>Publié le 9 octobre 2025.</p><p>Le texte.</p><h2>Une section</h2><p>Suite.</p>"
        "</body></html>"
    )
    article = parse_article(page, Path("page.xhtml"), "html")
    assert (article.title, article.published) == ("Le titre", dt.date(2025, 10, 9))
    assert [h.text for h in article.headings] == ["Une section"]


def test_a_logo_h1_beside_the_story_h1() -> None:
    page = (ARTICLES / "harbour-strike.html").read_text(encoding="utf-8")
    logo = '<div class="logo"><a href="/">'
    page = page.replace(logo, '<div class="logo"><h1><a href="/">Coastline Post', 1)
    page = page.replace('alt="Coastline Post"></a></div>', 'alt=""></a></h1></div>', 1)
    assert page.count("<h1>") == 2
    article = parse_article(page, Path("two-h1.html"), "html")
    assert article.title == "Port workers extend strike as talks stall", "og:title when two <h1>"
    assert [h.text for h in article.headings] == PAGES["harbour-strike.html"][2]


# ---- hostile pages (tests/data/hostile/page-*) ----------------------------------------------------

HOSTILE = Path(__file__).parent / "data" / "hostile"


def hostile_page(name: str, base: str) -> str:
    """The hostile page with its bait addresses pointed at the test's recording server."""
    return (HOSTILE / name).read_text(encoding="utf-8").replace("http://127.0.0.1:9", base)


@pytest.mark.parametrize(
    ("name", "title", "sections"),
    [
        ("page-entities.xhtml", "Port authority publishes new fee schedule",
         ["Who pays more", "What happens next"]),
        ("page-hidden-headings.html", "Grain corridor reopens after two-week halt",
         ["What insurers agreed", "Which ports are open"]),
    ],
)  # fmt: skip
def test_hostile_pages_are_read_as_inert_text(
    workspace: Path, name: str, title: str, sections: list[str]
) -> None:
    from tests.conftest import Recorder

    with recording_server() as base:
        (workspace / "seeds" / name).write_text(hostile_page(name, base), encoding="utf-8")
        article = read_article(workspace / "seeds" / name)
        result = run("new", f"seeds/{name}")
        assert Recorder.requests == [], "no entity, refresh, base, image or script was fetched"
    assert result.exit_code == 0, result.stderr
    assert article.title == title
    assert [h.text for h in article.headings] == sections, "only the headings a reader sees"
    for never in ("root:", "lollol", "Written by a script", "Template heading", "JSON heading", "]>"):
        assert never not in article.text
    assert len(article.text) < 1000, "no entity was expanded"


def test_a_page_that_declares_utf16_is_read_as_the_utf8_it_is() -> None:
    article = read_article(HOSTILE / "page-charset-lie.html")
    assert article.title == "Le prix du café-crème grimpe à Paris"
    assert find_quote("Le café-crème coûte désormais 4,20 euros", article.index).found


def test_a_page_nested_100000_deep_is_read_or_refused_in_one_line(workspace: Path) -> None:
    page = "<html><body><article><h1>Deep</h1>" + "<div>" * 100_000 + "<p>Words at the bottom.</p>"
    (workspace / "seeds" / "deep.html").write_text(page + "</div>" * 100_000 + "</article></body></html>")
    result = run("new", "seeds/deep.html")
    assert "Traceback" not in result.stderr
    assert result.exit_code == 0 or (result.exit_code == 2 and len(result.stderr.splitlines()) == 1)
