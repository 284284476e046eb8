"""Word-output benchmark: prints medians and ratios; never run by the test suite.

    python benchmarks/docx_speed.py --briefs 200 --repeat 3

In one run, on this machine:
  (1) one 3-page brief (the worked example, whose figure is an SVG) rendered in-process from its
      prepared view, as DOCX and as PDF: medians of --repeat x 5 renders after a warm-up each (the
      SVG's raster is made once per process, as in a build's worker; the first DOCX, which pays
      for it and for importing python-docx, is printed apart);
  (2) a cold `briefgen build -f docx` and `briefgen build -f pdf` of --briefs generated briefs
      (benchmarks/build_speed.py's generator: 1 to 6 pages each), medians of --repeat runs each.
The machine is shared and noisy: compare the ratios taken in the same run, not absolute seconds.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from build_speed import BRIEFGEN, generate, show, timed  # noqa: E402

EXAMPLE = "putin-alaska-provisions"


def one_brief(repeat: int) -> tuple[float, float, float]:
    """(first DOCX, median DOCX, median PDF) seconds for the example, in this process."""
    from briefgen.config import find_workspace
    from briefgen.loading import load_brief
    from briefgen.render.pdf import render_pdf, warm_up
    from briefgen.templates import Templates
    from briefgen.view import prepare

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copytree(REPO / "seeds", root / "seeds")
        (root / "briefs").mkdir()
        shutil.copy(REPO / "briefs" / f"{EXAMPLE}.yaml", root / "briefs")
        workspace = find_workspace(root)
        view = prepare(load_brief(root / "briefs" / f"{EXAMPLE}.yaml").brief, workspace.config, root)
        templates = Templates(root)
        started = time.perf_counter()
        from briefgen.render.docx import render_docx

        render_docx(view, root)
        first = time.perf_counter() - started
        warm_up()
        render_pdf(templates, view, root)
        docx_times, pdf_times = [], []
        for _ in range(repeat * 5):
            started = time.perf_counter()
            render_docx(view, root)
            docx_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            render_pdf(templates, view, root)
            pdf_times.append(time.perf_counter() - started)
    return first, statistics.median(docx_times), statistics.median(pdf_times)


def many_briefs(count: int, repeat: int) -> tuple[float, float]:
    """Median seconds of a cold `build -f docx` and a cold `build -f pdf` of `count` briefs."""
    times: dict[str, list[float]] = {"docx": [], "pdf": []}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        generate(root, count)
        for _ in range(repeat):
            for fmt in ("docx", "pdf"):
                shutil.rmtree(root / "build", ignore_errors=True)
                times[fmt].append(timed([*BRIEFGEN, "build", "-q", "-f", fmt], root))
    return statistics.median(times["docx"]), statistics.median(times["pdf"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--briefs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    first, docx_time, pdf_time = one_brief(args.repeat)
    show("3-page brief: first DOCX in a process", first, note="imports python-docx, rasterises the SVG")
    show("3-page brief: DOCX (median)", docx_time)
    show("3-page brief: PDF (median)", pdf_time)
    show("  DOCX / PDF", docx_time / pdf_time, "x", "target: under 0.2")
    docx_build, pdf_build = many_briefs(args.briefs, args.repeat)
    show(f"{args.briefs} briefs: build -f docx (median, cold)", docx_build)
    show(f"{args.briefs} briefs: build -f pdf (median, cold)", pdf_build)
    show("  docx build / pdf build", docx_build / pdf_build, "x")


if __name__ == "__main__":
    main()
