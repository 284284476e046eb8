"""PDF layout cost of the built-in stylesheet: prints medians and the ratio; never run by the tests.

    python benchmarks/layout_speed.py --briefs 12 --repeat 3

Renders the same briefs (1 to 6 pages each, generated from the worked example as build_speed.py
does) to PDF in one warm process, once with today's built-in stylesheet and once with the
stylesheet of 2026-12-02 kept in benchmarks/fixtures/stylesheet-2026-12-02/ (put in a workspace's
templates/ folder, as a workspace overrides the built-in CSS). Prints per-brief medians, their
ratio (target: at most 0.75), and, with --pages DIR, PNGs of pages 1 and 2 of the worked example in
both styles for comparing by eye (poppler's pdftoppm).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_speed import generate

from briefgen.config import find_workspace
from briefgen.loading import load_brief
from briefgen.render import pdf
from briefgen.templates import Templates
from briefgen.view import prepare

REPO = Path(__file__).resolve().parent.parent
OLD = Path(__file__).resolve().parent / "fixtures" / "stylesheet-2026-12-02"


def views_of(root: Path, briefs: list[Path]) -> tuple[Templates, list[dict]]:
    workspace = find_workspace(root)
    return Templates(root), [prepare(load_brief(path).brief, workspace.config, root) for path in briefs]


def timed(templates: Templates, view: dict, root: Path) -> tuple[float, bytes]:
    started = time.perf_counter()
    rendered = pdf.render_pdf(templates, view, root)
    return time.perf_counter() - started, rendered.data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefs", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", type=Path, help="write page PNGs of the example here")
    args = parser.parse_args()
    pdf.warm_up()
    with tempfile.TemporaryDirectory() as folder:
        new_root, old_root = Path(folder) / "new", Path(folder) / "old"
        briefs = generate(new_root, args.briefs)
        generate(old_root, args.briefs)
        shutil.copy(REPO / "briefs" / "putin-alaska-provisions.yaml", new_root / "briefs")
        shutil.copy(REPO / "briefs" / "putin-alaska-provisions.yaml", old_root / "briefs")
        (old_root / "templates").mkdir()
        for css in OLD.glob("*.css"):
            shutil.copy(css, old_root / "templates" / css.name)
        names = [p.name for p in briefs] + ["putin-alaska-provisions.yaml"]
        old_templates, old_views = views_of(old_root, [old_root / "briefs" / n for n in names])
        new_templates, new_views = views_of(new_root, [new_root / "briefs" / n for n in names])
        timed(old_templates, old_views[0], old_root)  # warm both: fonts, caches
        timed(new_templates, new_views[0], new_root)
        old_times, new_times = [], []
        old_pdfs, new_pdfs = {}, {}
        for name, old_view, new_view in zip(names, old_views, new_views, strict=True):
            pairs = []
            for _ in range(args.repeat):  # alternate, so that drift in the machine's load hits both
                old_seconds, old_pdfs[name] = timed(old_templates, old_view, old_root)
                new_seconds, new_pdfs[name] = timed(new_templates, new_view, new_root)
                pairs.append((old_seconds, new_seconds))
            old_times.append(statistics.median(a for a, _ in pairs))
            new_times.append(statistics.median(b for _, b in pairs))
        old_total, new_total = sum(old_times), sum(new_times)
        print(f"{len(names)} briefs, medians of {args.repeat} renders each (alternating), summed:")
        for label, total, times in (
            ("stylesheet of 2026-12-02", old_total, old_times),
            ("built-in stylesheet now", new_total, new_times),
        ):
            print(f"  {label + ':':26} {total:6.2f} s  ({statistics.median(times):.3f} s per brief)")
        print(f"  ratio now / before: {new_total / old_total:.2f} (target ≤ 0.75)")
        if args.pages:
            args.pages.mkdir(parents=True, exist_ok=True)
            for label, made in (("before", old_pdfs), ("after", new_pdfs)):
                target = args.pages / f"example-{label}.pdf"
                target.write_bytes(made["putin-alaska-provisions.yaml"])
                subprocess.run(
                    [
                        "pdftoppm",
                        "-png",
                        "-r",
                        "60",
                        "-f",
                        "1",
                        "-l",
                        "2",
                        str(target),
                        str(args.pages / label),
                    ],
                    check=True,
                )
            print(f"  pages 1 and 2 of the example: {args.pages}/before-*.png, {args.pages}/after-*.png")


if __name__ == "__main__":
    main()
