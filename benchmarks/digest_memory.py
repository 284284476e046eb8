"""Peak memory and time of one digest of many multi-page briefs (default 100), laid out as ONE
WeasyPrint document: the requirement is that it fits in 2 GB.

    python benchmarks/digest_memory.py [COUNT]

Builds a throwaway workspace of COUNT copies of the worked example (about five pages each), all
dated in ISO week 2025-W41, runs the real `build_digest` and prints pages, seconds and the peak
resident memory of this process (ru_maxrss). Not part of the test suite: it takes minutes.
"""

from __future__ import annotations

import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

from briefgen.config import find_workspace
from briefgen.digest import Selection, build_digest, week_period

REPO = Path(__file__).resolve().parent.parent
LIMIT_MB = 2048


def make_workspace(root: Path, count: int) -> None:
    shutil.copytree(REPO / "seeds", root / "seeds")
    example = (REPO / "briefs" / "putin-alaska-provisions.yaml").read_text(encoding="utf-8")
    (root / "briefs").mkdir()
    for number in range(count):
        text = example.replace("id: putin-alaska-provisions", f"id: brief-{number:03d}")
        text = text.replace("date: 2025-10-10", f"date: 2025-10-{6 + number % 7:02d}")
        text = text.replace("title: Putin", f"title: No. {number} - Putin")
        (root / "briefs" / f"brief-{number:03d}.yaml").write_text(text, encoding="utf-8")


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        make_workspace(root, count)
        (root / "briefgen.toml").write_text("", encoding="utf-8")
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        outcome, digest = build_digest(find_workspace(root), Selection(week_period("2025-W41")))
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        assert digest is not None and not outcome.problems, outcome.problems
        pdf = outcome.written["pdf"]
        pages = len(PdfReader(pdf).pages)
        print(
            f"briefs: {count}, pages: {pages}, PDF: {pdf.stat().st_size / 1e6:.1f} MB, time: {seconds:.1f} s"
        )
        print(f"peak RSS: {peak:.0f} MiB (before the digest: {before:.0f} MiB; limit {LIMIT_MB} MiB)")
        for warning in outcome.warnings:
            print(warning)
    return 0 if peak < LIMIT_MB else 1


if __name__ == "__main__":
    sys.exit(main())
