"""Article-intake benchmark: how long `briefgen new` takes to read a 2 MB saved news page.

    python benchmarks/article_intake.py --repeat 5

Builds a realistic 2 MB page from tests/data/articles/harbour-strike.html (cookie banner, menus,
sidebar and footer kept; the story's sections repeated with numbered headings until the page is
2 MB, as a long live blog saved from the browser is), then prints the medians of --repeat runs of:
  reading the article in-process (`read_article`: decode, text, trafilatura headings, htmldate),
  and of the whole `briefgen new` command in a fresh process (imports included).
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "briefs").mkdir()
        (root / "seeds").mkdir()
        path = root / "seeds" / "live-blog.html"
        path.write_text(big_page(), encoding="utf-8")
        read_article(path)  # imports and first-call caches outside the timing
        reads, cpu = [], []
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            article = read_article(path)
            reads.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        news = []
        for run in range(args.repeat):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "briefgen", "new", "seeds/live-blog.html", "--id", f"blog-{run}"],
                cwd=root,
                check=True,
                capture_output=True,
                env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
            )
            news.append(time.perf_counter() - start)
        size = path.stat().st_size
    sections = len(article.headings)
    print(f"page: {size / 1024 / 1024:.2f} MB, {sections} sections, {len(article.text):,} chars of text")
    print(
        f"read_article (in-process, warm): median {statistics.median(reads):.3f} s of {args.repeat} "
        f"(CPU {statistics.median(cpu):.3f} s)"
    )
    print(f"briefgen new (fresh process):    median {statistics.median(news):.3f} s of {args.repeat}")


if __name__ == "__main__":
    main()
