"""Which extractor finds a saved page's own section headings: readability-lxml against trafilatura.

    python benchmarks/html_extractors.py

For each fixture page in tests/data/articles/ (expected headings listed below), prints whether each
extractor's main-content headings (top level only, the title <h1> left out) are exactly the article's
own in order, and the median time per page. Never run by the test suite.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import lxml.html

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from briefgen.sources.encoding import decode  # noqa: E402

EXPECTED = {
    "arctic-shipping.html": [
        "A Route That Depends on the Weather",
        "Sanctions and the Shadow Fleet",
        "What the Early Freeze Means for 2026",
    ],
    "harbour-strike.html": [
        "Backlog grows at the terminals",
        "Government urged to intervene",
        "What happens next",
    ],
    "wind-auction.html": [
        "Why the Price Cap Mattered",
        "Grid Connections Remain the Bottleneck",
        "What Happens to Bills",
    ],
    "rail-tunnel-amp.html": [
        "A Project Twice Delayed",
        "Freight Moves off the Roads",
        "Critics Count the Cost",
    ],
    "chip-export-paywall.html": ["Suppliers Brace for Lost Orders"],
    "nile-dam-ar.html": ["نقاط الخلاف الرئيسية", "موقف السودان", "ماذا بعد؟"],
    "gas-transit-cp1251.html": ["Причины падения", "Что говорят в правительстве", "Прогноз на зиму"],
    "duma-budget-koi8r.html": ["Расходы на оборону", "Социальные программы", "Второе чтение"],
}


def top_level(headings: list[tuple[int, str]]) -> list[str]:
    kept = [(level, text) for level, text in headings if level > 1]
    level = min((lv for lv, _ in kept), default=0)
    return [text for lv, text in kept if lv == level]


def with_readability(html: str) -> list[str]:
    from readability import Document

    tree = lxml.html.fromstring(Document(html).summary(html_partial=True))
    return top_level(
        [
            (int(e.tag[1]), " ".join(e.text_content().split()))
            for e in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")
        ]
    )


def with_trafilatura(html: str) -> list[str]:
    import trafilatura

    xml = trafilatura.extract(html, output_format="xml", include_comments=False, include_tables=True)
    if not xml:
        return []
    tree = lxml.etree.fromstring(xml.encode())
    return top_level(
        [
            (int((e.get("rend") or "h2")[1:]), " ".join("".join(e.itertext()).split()))
            for e in tree.iter("head")
        ]
    )


def main() -> None:
    extractors: dict[str, Callable[[str], list[str]]] = {
        "readability-lxml": with_readability,
        "trafilatura": with_trafilatura,
    }
    pages = {name: decode((REPO / "tests/data/articles" / name).read_bytes(), html=True) for name in EXPECTED}
    for label, extract in extractors.items():
        extract(pages["arctic-shipping.html"])  # imports and warm-up outside the timing
        right, times = 0, []
        for name, html in pages.items():
            runs = []
            for _ in range(5):
                start = time.perf_counter()
                found = extract(html)
                runs.append(time.perf_counter() - start)
            times.append(statistics.median(runs))
            ok = found == EXPECTED[name]
            right += ok
            print(f"{label:17} {name:26} {'ok ' if ok else 'BAD'} {found if not ok else ''}")
        median = statistics.median(times) * 1000
        print(f"{label}: {right}/{len(pages)} pages exact, median {median:.1f} ms/page\n")


if __name__ == "__main__":
    main()
