"""Render-time cost of the PDF variant: the worked example rendered with each variant in one warm
process, interleaved so machine load hits all alike; prints medians and ratios to `none`. Never run
by the tests.

    python benchmarks/pdf_variant.py --repeat 15
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from briefgen.config import find_workspace
from briefgen.loading import load_brief
from briefgen.render import pdf
from briefgen.templates import Templates
from briefgen.view import prepare

REPO = Path(__file__).resolve().parent.parent
VARIANTS = ("none", "pdf/ua-1", "pdf/a-3u", "pdf/a-3a")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    workspace = find_workspace(REPO)
    brief = load_brief(REPO / "briefs" / "putin-alaska-provisions.yaml").brief
    templates = Templates(REPO)
    view = prepare(brief, workspace.config, REPO)
    pdf.warm_up()
    times: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
    for _ in range(args.repeat):
        for variant in VARIANTS:
            start = time.perf_counter()
            pdf.render_pdf(templates, view, REPO, variant)
            times[variant].append(time.perf_counter() - start)
    base = statistics.median(times["none"])
    for variant in VARIANTS:
        median = statistics.median(times[variant])
        print(f"{variant:10} median {median * 1000:7.1f} ms  ratio to none {median / base:.2f}")


if __name__ == "__main__":
    main()
