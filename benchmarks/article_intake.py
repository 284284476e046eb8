"""Article-intake benchmark: how long `briefgen new` takes to read a 2 MB saved news page.

    python benchmarks/article_intake.py --repeat 5

Builds two 2 MB pages from tests/data/articles/harbour-strike.html (cookie banner, menus, sidebar
and footer kept): "typical", as a news page saved from the browser usually is, its story padded to
twelve sections, the bulk of the 2 MB inline scripts and framework state, inline SVG icons and
teaser lists; and "live blog", the worst case, the story's sections repeated with numbered headings
until the page is 2 MB of text. For each it prints the medians of --repeat runs of reading the
article in-process (`read_article`: decode, text, trafilatura headings, htmldate; wall and CPU
time) and of the whole `briefgen new` command in a fresh process (imports and writing the brief
included).
Target (issue 11): under 1 s. The machine is shared and noisy: compare figures taken in one run.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from briefgen.sources import read_article  # noqa: E402

PAGE = REPO / "tests" / "data" / "articles" / "harbour-strike.html"
SIZE = 2 * 1024 * 1024


def big_page() -> str:
    """The fixture page with its story body repeated, each copy's headings numbered, up to 2 MB."""
    page = PAGE.read_text(encoding="utf-8")
    match = re.search(r'(<div class="story-body">)(.*?)(</div>\s*<div class="share-tools">)', page, re.S)
    assert match, "the fixture's story body"
    body, copies = match[2], []
    number = 0
    while sum(map(len, copies)) < SIZE - len(page):
        number += 1
        copies.append(re.sub(r"<h2>(.*?)</h2>", rf"<h2>\1 ({number})</h2>", body))
    return page[: match.start(2)] + "".join(copies) + page[match.end(2) :]


def typical_page() -> str:
    """A 2 MB page that is mostly not the story: scripts, JSON state, icons, teasers around 12 sections."""
    page = PAGE.read_text(encoding="utf-8")
    match = re.search(r'(<div class="story-body">)(.*?)(</div>\s*<div class="share-tools">)', page, re.S)
    assert match, "the fixture's story body"
    body = "".join(re.sub(r"<h2>(.*?)</h2>", rf"<h2>\1 ({n})</h2>", match[2]) for n in range(1, 5))
    page = page[: match.start(2)] + body + page[match.end(2) :]
    state = (
        '{"id":%d,"headline":"Council tax to rise","teaser":"Residents face a 5pc rise","tags":["local"]},'
    )
    icon = '<svg viewBox="0 0 24 24" class="icon"><path d="M12 2L2 7l10 5 10-5-10-5zm0 7.5z"/></svg>'
    teaser = '<li class="teaser"><a href="/story/%d">%s<span>New ferry route for the summer</span></a></li>'
    furniture = []
    while sum(map(len, furniture)) < SIZE - len(page):
        number = len(furniture)
        furniture.append(
            '<script>self.__next_f.push([1,"'
            + (state % number) * 40
            + '"])</script>'
            + '<ul class="related-list">'
            + "".join(teaser % (number * 10 + i, icon) for i in range(10))
            + "</ul>"
        )
    half = len(furniture) // 2
    return (
        page.replace("<body ", "<body data-x " + "", 1)
        .replace('<div class="col-side">', '<div class="col-side">' + "".join(furniture[:half]), 1)
        .replace("</body>", "".join(furniture[half:]) + "</body>", 1)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for label, text in (("typical", typical_page()), ("live blog", big_page())):
        measure(label, text, args.repeat)


def measure(label: str, text: str, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "briefs").mkdir()
        (root / "seeds").mkdir()
        path = root / "seeds" / "page.html"
        path.write_text(text, encoding="utf-8")
        read_article(path)  # imports and first-call caches outside the timing
        reads, cpu = [], []
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            article = read_article(path)
            reads.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        news = []
        for run in range(repeat):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "briefgen", "new", "seeds/page.html", "--id", f"page-{run}"],
                cwd=root,
                check=True,
                capture_output=True,
                env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
            )
            news.append(time.perf_counter() - start)
        size = path.stat().st_size
    sections = len(article.headings)
    print(f"{label}: {size / 1024 / 1024:.2f} MB, {sections} sections, {len(article.text):,} chars of text")
    print(
        f"  read_article (in-process, warm): median {statistics.median(reads):.3f} s of {repeat} "
        f"(CPU {statistics.median(cpu):.3f} s)"
    )
    print(f"  briefgen new (fresh process):    median {statistics.median(news):.3f} s of {repeat}")


if __name__ == "__main__":
    main()
