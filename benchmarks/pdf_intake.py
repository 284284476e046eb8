"""PDF intake benchmark: prints medians; never run by the test suite.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/pdf_intake.py --pages 100 --repeat 5

Builds a dense news-report PDF with WeasyPrint (A4, 11 pt justified and hyphenated text, running
header, "Page N of M" footer, an h2 every two pages: about 500 words a page), then measures
`read_article` on it (PDFium in the time-limited child process, paragraphs and headings rebuilt),
pypdf's bare `extract_text` over the same pages for comparison (the reader used before), and the
real `briefgen new` command in a scratch workspace. The target is `new` under 5 s median on 100
pages. The machine is shared and noisy: compare figures taken in the same run.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

PARAGRAPH = (
    "The delegations met again on Tuesday to discuss the communication channels between the two "
    "governments, and the negotiators agreed that the Russia-Ukraine talks would resume next month after "
    "a pause that had lasted since the spring, while observers questioned the verification arrangements. "
)
CSS = """@page { size: A4; margin: 2.5cm;
  @top-center { content: "The Northern Ledger — Report"; font: 8pt sans-serif; }
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font: 8pt sans-serif; } }
body { font: 11pt/1.4 serif; hyphens: auto; text-align: justify; }"""


def build_pdf(pages: int) -> bytes:
    import weasyprint

    parts = ["<h1>A Long Report on the Talks</h1>"]
    for section in range(pages * 2 // 5):
        parts.append(f"<h2>Section {section + 1}: Where the Talks Stand</h2>")
        parts.extend(f"<p>{PARAGRAPH * 3}</p>" for _ in range(9))
    html = f"<html lang=en><head><style>{CSS}</style></head><body>{''.join(parts)}</body></html>"
    return weasyprint.HTML(string=html).write_pdf()


def median_seconds(run: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from pypdf import PdfReader

    from briefgen.sources import read_article

    data = build_pdf(args.pages)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "briefs").mkdir()
        (root / "seeds").mkdir()
        pdf = root / "seeds" / "report.pdf"
        pdf.write_bytes(data)
        count = len(PdfReader(io.BytesIO(data)).pages)
        article = read_article(pdf)
        print(f"{count} pages, {len(data):,} bytes, {len(article.text.split()):,} words, "
              f"{len(article.headings)} sections")  # fmt: skip

        def bare() -> None:
            for page in PdfReader(io.BytesIO(data)).pages:
                page.extract_text()

        def new() -> None:
            subprocess.run(
                [sys.executable, "-m", "briefgen", "new", "seeds/report.pdf", "--force"],
                cwd=root,
                check=True,
                capture_output=True,
            )

        print(f"pypdf extract_text alone: {median_seconds(bare, args.repeat):.2f} s median")
        read = median_seconds(lambda: read_article(pdf), args.repeat)
        print(f"read_article (child process): {read:.2f} s median")
        print(f"briefgen new: {median_seconds(new, args.repeat):.2f} s median (target: under 5 s)")


if __name__ == "__main__":
    main()
