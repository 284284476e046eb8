"""Shared fixtures: a throwaway copy of the example workspace, and its build made once."""

from __future__ import annotations

import base64
import http.server
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner, Result

from briefgen.cli import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_ID = "putin-alaska-provisions"


SUPERSEDING_EXAMPLE = "putin-alaska-provisions-update"
"""The second worked example (it supersedes the first). The suite's workspace holds the first alone,
so that counts and outputs stay those of one brief; tests/test_changes.py copies this one in."""
TRANSLATED_EXAMPLE = "putin-alaska-provisions-fr"
"""The first example in French (the languages feature in a fresh build); left out like the second."""
OTHER_EXAMPLES = (SUPERSEDING_EXAMPLE, TRANSLATED_EXAMPLE)


def copy_workspace(target: Path) -> Path:
    others = shutil.ignore_patterns(*(f"{name}.*" for name in OTHER_EXAMPLES))
    for folder in ("briefs", "seeds"):
        shutil.copytree(REPO / folder, target / folder, ignore=others)
    return target


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example workspace as the current folder."""
    copy_workspace(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Result:
    """The real CLI in-process; stdout and stderr kept apart."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@dataclass(frozen=True)
class Built:
    root: Path
    html: str
    md: str
    pdf: Path


@pytest.fixture(scope="session")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """The worked example built once with every format (a real WeasyPrint PDF)."""
    root = copy_workspace(tmp_path_factory.mktemp("example"))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = run("build", "-q")
    assert result.exit_code == 0, result.output + result.stderr
    out = root / "build"
    yield Built(
        root,
        (out / "html" / f"{EXAMPLE_ID}.html").read_text(encoding="utf-8"),
        (out / "md" / f"{EXAMPLE_ID}.md").read_text(encoding="utf-8"),
        out / "pdf" / f"{EXAMPLE_ID}.pdf",
    )


PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
)
"""A 1x1 PNG: what the recording server answers, and a workspace image that may load."""


class Recorder(http.server.BaseHTTPRequestHandler):
    """Remembers every request: the tests assert that briefgen made none."""

    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Recorder.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(PIXEL)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def recording_server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 (a free port) that records every request; its base URL."""
    Recorder.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    """Poll `condition` (a file written by a watch, say) until it holds; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.1)
