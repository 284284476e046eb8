"""Time and peak memory (every process: the build and its pool's workers) of a digest of many
multi-page briefs, laid out as ONE WeasyPrint document and in parts (`briefgen.digest.parts`):
the requirement is that 500 briefs fit in 2 GB and that 100 take at most 0.6 of one pass on 2 cores.

    python benchmarks/digest_memory.py [COUNT ...] [--one-pass-up-to N]

Builds a throwaway workspace of COUNT copies of the worked example (about six pages each), all
dated in ISO week 2025-W41, and runs the real `build_digest` (PDF, HTML, Markdown, Word) once per
path in a fresh process, sampling the summed resident memory of that process and its children
every 50 ms (psutil; shared pages are counted in each process, so this is an upper bound). Prints
pages, seconds, CPU seconds (the build and its workers) and peak MiB per run, with the load average
(the machine may be shared: compare CPU seconds when it is high), and the ratio parts / one pass
where both ran. Default: 100 and 500 briefs, one pass up to 100. Not part of the test suite: it
takes minutes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
from pypdf import PdfReader

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
    (root / "briefgen.toml").write_text("", encoding="utf-8")


class Peak:
    """The largest summed RSS of this process and all its descendants, sampled in a thread."""

    def __init__(self, every: float = 0.05) -> None:
        self.every = every
        self.mib = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for process in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):  # a worker that has just ended
                    total += process.memory_info().rss
            self.mib = max(self.mib, total / 2**20)
            self._stop.wait(self.every)

    def __enter__(self) -> Peak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def one_run(root: Path) -> dict[str, float]:
    """In the measuring process: build the digest of the workspace at `root` (path chosen by the
    environment, BRIEFGEN_DIGEST_PARTS_FROM) and report pages, seconds and peak MiB."""
    from briefgen.config import find_workspace
    from briefgen.digest import Selection, build_digest, week_period

    with Peak() as peak:
        started = time.perf_counter()
        outcome, digest = build_digest(find_workspace(root), Selection(week_period("2025-W41")))
        seconds = time.perf_counter() - started
    assert digest is not None and not outcome.problems, outcome.problems
    pdf = outcome.written["pdf"]
    return {
        "pages": len(PdfReader(pdf).pages),
        "seconds": seconds,
        "peak": peak.mib,
        "mb": pdf.stat().st_size / 1e6,
    }


def measure(count: int, parts: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        make_workspace(root, count)
        env = {**os.environ, "BRIEFGEN_DIGEST_PARTS_FROM": "1" if parts else "1000000"}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        command = [sys.executable, __file__, "--run", str(root)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the run and its pool's workers, all waited for
        found = json.loads(done.stdout.strip().splitlines()[-1])
        found["cpu"] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("counts", nargs="*", type=int, default=[100, 500])
    parser.add_argument("--one-pass-up-to", type=int, default=100, metavar="N")
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(one_run(args.run)))
        return 0
    fits = True
    for count in args.counts:
        runs = {}
        for parts in (False, True) if count <= args.one_pass_up_to else (True,):
            found = runs[parts] = measure(count, parts)
            fits = fits and (found["peak"] < LIMIT_MB or not parts)
            print(
                f"briefs: {count}, {'parts' if parts else 'one pass'}: pages {found['pages']},"
                f" PDF {found['mb']:.1f} MB, {found['seconds']:.1f} s ({found['cpu']:.1f} s CPU),"
                f" peak {found['peak']:.0f} MiB (all processes; limit {LIMIT_MB} MiB);"
                f" load average {os.getloadavg()[0]:.1f}",
                flush=True,
            )
        if len(runs) == 2:
            ratio = runs[True]["seconds"] / runs[False]["seconds"]
            print(f"briefs: {count}, parts / one pass: {ratio:.2f} of the time", flush=True)
    return 0 if fits else 1


if __name__ == "__main__":
    sys.exit(main())
