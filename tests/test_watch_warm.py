"""`build --watch` keeps its PDF workers warm: a save re-renders in the process that rendered before."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import yaml
from pypdf import PdfReader

from tests.conftest import EXAMPLE_ID, wait_for


def _pdf_text(pdf: Path) -> str:
    try:
        return " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    except (OSError, ValueError):  # not there yet
        return ""


def _workers(process: subprocess.Popen[str]) -> set[int]:
    return {child.pid for child in psutil.Process(process.pid).children(recursive=True)}


def test_watch_re_renders_pdfs_in_the_same_warm_worker(workspace: Path) -> None:
    brief = workspace / "briefs" / f"{EXAMPLE_ID}.yaml"
    pdf = workspace / "build" / "pdf" / f"{EXAMPLE_ID}.pdf"
    title = yaml.safe_load(brief.read_text(encoding="utf-8"))["title"]
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "build", "--watch", "-f", "pdf", "-j", "1", str(brief)],
        cwd=workspace,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: list[set[int]] = []
    try:
        wait_for(lambda: title.split()[0] in _pdf_text(pdf))
        time.sleep(0.5)  # the watcher starts after the first build
        first = _workers(process)
        assert first, "the first build's PDF worker is still running"
        seen.append(first)
        for word in ("Firstsave", "Secondsave"):
            text = brief.read_text(encoding="utf-8")
            current = yaml.safe_load(text)["title"]
            brief.write_text(text.replace(current, f"{word} brief", 1), encoding="utf-8")
            wait_for(lambda word=word: word in _pdf_text(pdf))  # type: ignore[misc]
            seen.append(_workers(process))
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert seen[0] == seen[1] == seen[2], f"a new pool per rebuild: {seen}"
    assert "Secondsave brief" in _pdf_text(pdf) and "Firstsave" not in _pdf_text(pdf)
    alive = [pid for pid in seen[0] if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"]
    assert not alive, "the warm workers end with the watch"
