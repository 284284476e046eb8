"""Edit-loop benchmark: from saving a brief to its PDF rewritten by `build --watch`; never run by tests.

    python benchmarks/watch_speed.py --saves 5

Compares, in one run, the median save-to-PDF latency of the real `briefgen build --watch -f pdf -j 1`
with one warm WeasyPrint render of the same brief in this process plus the watcher's debounce (0.3 s).
The machine is shared and noisy: compare the ratio, not absolute seconds.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
BRIEF = "putin-alaska-provisions"
DEBOUNCE = 0.3


def _rewritten(pdf: Path, before: int, seconds: float = 120) -> float:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if pdf.stat().st_mtime_ns != before:
                return time.perf_counter()
        except FileNotFoundError:
            pass
        time.sleep(0.01)
    raise SystemExit(f"{pdf} was not rewritten in {seconds:g} s")


def watch_latencies(root: Path, saves: int) -> list[float]:
    brief = root / "briefs" / f"{BRIEF}.yaml"
    pdf = root / "build" / "pdf" / f"{BRIEF}.pdf"
    command = [sys.executable, "-m", "briefgen", "build", "--watch", "-q", "-f", "pdf", "-j", "1", str(brief)]
    process = subprocess.Popen(command, cwd=root, stderr=subprocess.DEVNULL)
    latencies = []
    try:
        _rewritten(pdf, 0)
        time.sleep(1.0)  # the watcher starts after the first build
        for number in range(saves):
            text = brief.read_text(encoding="utf-8")
            title = yaml.safe_load(text)["title"]
            before = pdf.stat().st_mtime_ns
            started = time.perf_counter()
            brief.write_text(text.replace(title, f"Edit {number} brief", 1), encoding="utf-8")
            latencies.append(_rewritten(pdf, before) - started)
            time.sleep(0.5)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    return latencies


def warm_renders(root: Path, repeat: int) -> list[float]:
    from briefgen.building import worker
    from briefgen.config import find_workspace
    from briefgen.loading.brief_file import load_brief

    workspace = find_workspace(root)
    worker.init(workspace.root, workspace.config, with_pdf=True)
    loaded = load_brief(root / "briefs" / f"{BRIEF}.yaml")
    assert loaded.brief is not None
    worker.render_bytes(BRIEF, loaded.brief, "pdf")  # the first render warms the stylesheets
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        worker.render_bytes(BRIEF, loaded.brief, "pdf")
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--saves", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        for folder in ("briefs", "seeds"):
            shutil.copytree(REPO / folder, root / folder)
        loop = statistics.median(watch_latencies(root, args.saves))
        render = statistics.median(warm_renders(root, args.saves))
    print(f"save -> PDF rewritten (build --watch): median {loop:.3f} s over {args.saves} saves")
    print(f"one warm render {render:.3f} s + debounce {DEBOUNCE:g} s = {render + DEBOUNCE:.3f} s")
    print(f"ratio {loop / (render + DEBOUNCE):.2f} (target <= 1.3)")


if __name__ == "__main__":
    main()
