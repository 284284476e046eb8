"""Figures benchmark: prints medians and their ratio; never run by the test suite.

    python benchmarks/figures_speed.py --repeat 7

One run, interleaved: the worked example built (all formats, `--force`) without figures, and the
same brief with four figures: two 2000×1500 JPEGs, a PNG chart and an SVG map. The target is a ratio of at
most 1.3 (median with figures / median without). The machine is shared and noisy: compare the ratio,
not absolute seconds.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parent.parent
BRIEFGEN = [sys.executable, "-m", "briefgen", "build", "--force", "-q"]
BRIEF = "briefs/putin-alaska-provisions.yaml"
FIGURES = """
figures:
  - file: figures/photo-1.jpg
    alt: A photograph, the first of two
    credit: "Photo: benchmark"
  - file: figures/photo-2.jpg
    alt: A photograph, the second of two
    credit: "Photo: benchmark"
  - file: figures/chart.png
    alt: A bar chart of four bars
    credit: "Chart: benchmark"
  - file: seeds/figures/donbas-sketch.svg
    alt: Schematic sketch of Donetsk and Luhansk oblasts
    credit: "Sketch: briefgen project"
"""


def workspace(root: Path, figures: bool) -> Path:
    for folder in ("briefs", "seeds", "figures"):
        shutil.copytree(REPO / folder, root / folder)
    path = root / BRIEF
    if not figures:  # the example's own figure out too: none at all
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for section in data["sections"]:
            section.pop("figures", None)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    else:
        for n, seed in ((1, 40), (2, 55)):
            photo = Image.new("RGB", (2000, 1500), "white")
            draw = ImageDraw.Draw(photo)
            for x in range(0, 2000, seed):
                draw.line([(x, 0), (2000 - x, 1500)], fill=(x % 255, 90, 160), width=3)
            photo.save(root / "figures" / f"photo-{n}.jpg", quality=85)
        chart = Image.new("RGB", (1200, 800), "white")
        draw = ImageDraw.Draw(chart)
        for i, height in enumerate([240, 500, 360, 640]):
            draw.rectangle([80 + i * 280, 760 - height, 300 + i * 280, 760], fill=(31, 78, 121))
        chart.save(root / "figures" / "chart.png")
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\nsections:\n", FIGURES + "\nsections:\n", 1), encoding="utf-8")
    return root


def timed(root: Path) -> tuple[float, float]:
    """Wall-clock seconds and CPU seconds (user + system, the build and its PDF workers)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(BRIEFGEN, cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"build failed in {root}:\n{done.stderr[-2000:]}")
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=7, help="runs of each build (default 7)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefgen-figures-") as folder:
        plain = workspace(Path(folder) / "plain", figures=False)
        with_figures = workspace(Path(folder) / "figures", figures=True)
        timed(plain), timed(with_figures)  # warm the file cache
        without, withf = [], []
        for _ in range(args.repeat):
            without.append(timed(plain))
            withf.append(timed(with_figures))
        for label, index in (("wall", 0), ("CPU", 1)):
            a = statistics.median(run[index] for run in without)
            b = statistics.median(run[index] for run in withf)
            print(
                f"{label:>4}: no figures {a:6.3f} s, 4 figures {b:6.3f} s, ratio {b / a:4.2f} (target <= 1.3)"
            )
        size = sum(p.stat().st_size for p in (with_figures / "build").rglob("*.pdf"))
        print(f"PDF size with figures                          {size / 1e6:7.2f} MB")


if __name__ == "__main__":
    main()
