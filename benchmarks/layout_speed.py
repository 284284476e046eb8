"""PDF layout cost of the built-in stylesheet: prints medians and ratios; never run by the tests.

    python benchmarks/layout_speed.py --briefs 6 --rounds 5 --repeat 3

Renders the same briefs (1 to 6 pages each, generated from the worked example as build_speed.py
does, and the worked example) to PDF with today's built-in stylesheet, with the stylesheet of
2026-12-02 kept in benchmarks/fixtures/stylesheet-2026-12-02/ (put in a workspace's templates/
folder, as a workspace overrides the built-in CSS), and with no design at all (one font, page
margins: what the text itself costs). Each stylesheet renders in a warm process of its own, as in
a build, where a worker only ever renders one workspace's CSS: renders of different stylesheets in
one process slow each other down (Pango's and fontconfig's caches, the garbage one leaves the
next), which made an earlier in-process version of this benchmark read 0.80 to 0.92 for what is
0.7 in separate processes. The processes take turns, `--rounds` times, so that drift in the
machine's load hits all three; each renders every brief `--repeat` times. Prints the summed
per-brief medians and minima (wall and CPU seconds; on a shared machine whose speed drifts by a
third within minutes, the minimum is the steadier estimate of what a render costs), their ratios
to 2026-12-02 (target for the built-in stylesheet: at most 0.75), and, with --pages DIR, PNGs of
pages 1 and 2 of the worked example before and after for comparing by eye (poppler's pdftoppm).
"""

from __future__ import annotations

import argparse
import gc
import json
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


def timed(templates: Templates, view: dict, root: Path) -> tuple[float, float, bytes]:
    """Wall and CPU seconds of one render: a render is one thread, so its CPU time is its cost
    without the time other processes on a shared machine took from it."""
    gc.collect()  # the previous render's garbage is not this one's cost
    started, cpu = time.perf_counter(), time.process_time()
    rendered = pdf.render_pdf(templates, view, root)
    return time.perf_counter() - started, time.process_time() - cpu, rendered.data


FLOOR = {
    "brief.css": 'html { font-family: "DejaVu Sans", sans-serif; line-height: 1.5; }\n',
    "pdf.css": "@page { margin: 22mm 18mm; }\nhtml { font-size: 10pt; }\n",
}
"""No design at all: the brief's text in one font on the same page, with the banners' and page
numbers' text the template writes into the page margins, unstyled. What the content itself costs."""


def workspace_with(root: Path, count: int, stylesheets: dict[str, str] | None) -> list[Path]:
    """The generated briefs and the worked example; `stylesheets` (name → CSS) override the built-in."""
    briefs = generate(root, count)
    shutil.copy(REPO / "briefs" / "putin-alaska-provisions.yaml", root / "briefs")
    if stylesheets is not None:
        (root / "templates").mkdir()
        for name, text in stylesheets.items():
            (root / "templates" / name).write_text(text)
    return [*briefs, root / "briefs" / "putin-alaska-provisions.yaml"]


STYLES = {
    "stylesheet of 2026-12-02": {css.name: css.read_text() for css in OLD.glob("*.css")},
    "built-in stylesheet now": None,
    "no stylesheet (floor)": FLOOR,
}
BEFORE, NOW = "stylesheet of 2026-12-02", "built-in stylesheet now"


def worker(label: str, briefs: int, repeat: int, pdfs: Path | None) -> None:
    """One stylesheet's renders in this process; prints {brief: [[wall, cpu], ...]} as JSON."""
    pdf.warm_up()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        paths = workspace_with(root, briefs, STYLES[label])
        templates, views = views_of(root, paths)
        timed(templates, views[0], root)  # parse the stylesheet, load the fonts
        seconds = {}
        for path, view in zip(paths, views, strict=True):
            runs = [timed(templates, view, root) for _ in range(repeat)]
            seconds[path.name] = [[wall, cpu] for wall, cpu, _ in runs]
            if pdfs is not None:
                (pdfs / path.name).with_suffix(".pdf").write_bytes(runs[-1][2])
    print(json.dumps(seconds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefs", type=int, default=6, help="generated briefs (plus the worked example)")
    parser.add_argument("--rounds", type=int, default=5, help="turns each stylesheet's process takes")
    parser.add_argument("--repeat", type=int, default=3, help="renders of each brief per process")
    parser.add_argument("--pages", type=Path, help="write page PNGs of the example here")
    parser.add_argument("--worker", choices=STYLES, help=argparse.SUPPRESS)
    parser.add_argument("--pdfs", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.briefs, args.repeat, args.pdfs)
        return
    samples: dict[str, dict[str, list[list[float]]]] = {label: {} for label in STYLES}
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(args.rounds):
            for number, label in enumerate(STYLES):
                command = [sys.executable, __file__, "--worker", label, "--briefs", str(args.briefs)]
                command += ["--repeat", str(args.repeat)]
                if round_ == 0 and args.pages:
                    (Path(folder) / str(number)).mkdir()
                    command += ["--pdfs", str(Path(folder) / str(number))]
                done = subprocess.run(command, check=True, capture_output=True, text=True)
                for name, runs in json.loads(done.stdout).items():
                    samples[label].setdefault(name, []).extend(runs)
        print(
            f"{len(samples[NOW])} briefs; each stylesheet in its own process, {args.rounds} turns of "
            f"{args.repeat} renders a brief; per-brief medians and minima, summed:"
        )
        for position, clock in enumerate(("wall", "CPU")):
            for statistic in (statistics.median, min):
                totals = {
                    label: sum(statistic(run[position] for run in runs) for runs in by_brief.values())
                    for label, by_brief in samples.items()
                }
                for label, total in totals.items():
                    ratio = "" if label == BEFORE else f"  ratio to 2026-12-02: {total / totals[BEFORE]:.2f}"
                    print(f"  {clock:4} {statistic.__name__:6} {label + ':':26} {total:6.2f} s{ratio}")
        print("  target for the built-in stylesheet: ratio ≤ 0.75")
        if args.pages:
            args.pages.mkdir(parents=True, exist_ok=True)
            for label, number in (("before", 0), ("after", 1)):
                example = Path(folder) / str(number) / "putin-alaska-provisions.pdf"
                (args.pages / f"example-{label}.pdf").write_bytes(example.read_bytes())
                pages = ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(example)]
                subprocess.run([*pages, str(args.pages / label)], check=True)
            print(f"  pages 1 and 2 of the example: {args.pages}/before-*.png, {args.pages}/after-*.png")


if __name__ == "__main__":
    main()
