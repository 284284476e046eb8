"""`build --scheduler`: a real `dask scheduler` and `dask worker` processes on 127.0.0.1.

Each test's cluster is its own processes (single-threaded workers without nannies, so a killed
worker stays dead); the build runs as the CLI in a child process, as a user would run it."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefgen.errors import ExitCode
from tests.conftest import REPO

pytest.importorskip("distributed")

DASK = Path(sys.executable).with_name("dask")
EXAMPLES = ("putin-alaska-provisions", "putin-alaska-provisions-update")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(pythonpath: Path = REPO) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(pythonpath), "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}


class LocalCluster:
    """A scheduler and its workers as child processes, all killed at the end."""

    def __init__(self, logs: Path) -> None:
        self.port = _free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.logs = logs
        self.processes: list[subprocess.Popen[bytes]] = []
        self._start("scheduler", "--host", "127.0.0.1", "--port", str(self.port), "--no-dashboard")

    def _start(self, *args: str, pythonpath: Path = REPO) -> subprocess.Popen[bytes]:
        with (self.logs / f"dask-{len(self.processes)}.log").open("wb") as log:
            process = subprocess.Popen(
                [str(DASK), *args], stdout=log, stderr=subprocess.STDOUT, env=_env(pythonpath)
            )
        self.processes.append(process)
        return process

    def worker(self, name: str, pythonpath: Path = REPO) -> subprocess.Popen[bytes]:
        return self._start(
            "worker",
            self.address,
            "--nthreads",
            "1",
            "--no-nanny",
            "--no-dashboard",
            "--name",
            name,
            pythonpath=pythonpath,
        )

    def wait_for_workers(self, count: int) -> None:
        code = (
            "import sys; from distributed import Client; "
            f"c = Client({self.address!r}, timeout=60); c.wait_for_workers({count}, timeout=120); c.close()"
        )
        subprocess.run([sys.executable, "-c", code], check=True, env=_env(), capture_output=True, timeout=180)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[LocalCluster]:
    found = LocalCluster(tmp_path)
    try:
        yield found
    finally:
        found.stop()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """Both worked examples (one supersedes the other; one has an SVG figure) and six more briefs."""
    root = tmp_path / "ws"
    shutil.copytree(REPO / "seeds", root / "seeds")
    (root / "briefs").mkdir(parents=True)
    for name in EXAMPLES:
        shutil.copy(REPO / "briefs" / f"{name}.yaml", root / "briefs" / f"{name}.yaml")
    text = (REPO / "briefs" / f"{EXAMPLES[0]}.yaml").read_text(encoding="utf-8")
    for number in range(1, 7):
        copy = re.sub(r"(?m)^title: (.*)$", rf"title: \1 (copy {number})", text, count=1)
        copy = re.sub(r"(?m)^id: .*$", f"id: copy-{number}", copy, count=1)
        (root / "briefs" / f"copy-{number}.yaml").write_text(copy, encoding="utf-8")
    return root


def build(root: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "-f", "html,pdf,md,docx", *args],
        cwd=root,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def outputs(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def test_a_cluster_build_is_byte_identical_to_a_local_build(cluster: LocalCluster, workspace: Path) -> None:
    cluster.worker("one")
    cluster.worker("two")
    cluster.wait_for_workers(2)
    local = build(workspace, "-o", "local", "--scheduler", "local")
    assert local.returncode == 0, local.stderr
    remote = build(workspace, "-o", "remote", "--scheduler", cluster.address)
    assert remote.returncode == 0, remote.stderr
    assert "Traceback" not in remote.stderr
    made, expected = outputs(workspace / "remote"), outputs(workspace / "local")
    assert len(expected) == 8 * 4 + 7  # eight briefs in four formats; seven show the figure
    assert made == expected
    again = build(workspace, "-o", "remote", "--scheduler", cluster.address)  # recorded in the manifest
    assert again.returncode == 0 and "0 briefs built, 8 up to date" in again.stdout, again.stdout


def test_a_worker_killed_mid_build_costs_a_retry_not_a_file(cluster: LocalCluster, workspace: Path) -> None:
    doomed = cluster.worker("doomed")
    cluster.wait_for_workers(1)
    local = build(workspace, "-o", "local", "--scheduler", "local")
    assert local.returncode == 0, local.stderr
    command = [sys.executable, "-m", "briefgen", "build", "-f", "html,pdf,md,docx", "-o", "remote"]
    running = subprocess.Popen(
        [*command, "--scheduler", cluster.address],
        cwd=workspace,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # The only worker is alone with eight briefs (seconds of work, its first PDF loads WeasyPrint):
    # once it has some written, a second worker comes and the first is killed.
    remote = workspace / "remote"
    deadline = time.monotonic() + 120
    while not list(remote.glob("*/*.*")) and time.monotonic() < deadline and running.poll() is None:
        time.sleep(0.05)
    assert running.poll() is None, "the build ended before the worker could be killed"
    cluster.worker("rescuer")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=30)
    stdout, stderr = running.communicate(timeout=600)
    assert running.returncode == 0, stderr
    assert "8 briefs built" in stdout and "Traceback" not in stderr
    assert outputs(remote) == outputs(workspace / "local")
    assert not [path for path in remote.rglob("*.tmp")]


def test_a_worker_with_another_briefgen_is_refused_by_name(
    cluster: LocalCluster, workspace: Path, tmp_path: Path
) -> None:
    other = tmp_path / "old-briefgen"
    shutil.copytree(REPO / "briefgen", other / "briefgen", ignore=shutil.ignore_patterns("__pycache__"))
    init = other / "briefgen" / "__init__.py"
    init.write_text(re.sub(r'__version__ = "[^"]*"', '__version__ = "0.0.1"', init.read_text()))
    cluster.worker("old", pythonpath=other)
    cluster.wait_for_workers(1)
    result = build(workspace, "--scheduler", cluster.address)
    assert result.returncode == ExitCode.USAGE, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "briefgen 0.0.1" in lines[0], result.stderr
    from briefgen import __version__

    assert f"this briefgen is {__version__}" in lines[0]
    assert not (workspace / "build").exists()


def test_a_scheduler_that_is_down_is_one_line_and_exit_2(workspace: Path) -> None:
    result = build(workspace, "--scheduler", f"tcp://127.0.0.1:{_free_port()}")
    assert result.returncode == ExitCode.USAGE, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot reach the Dask scheduler" in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert not (workspace / "build").exists()


def test_a_malformed_scheduler_address_is_one_line_and_exit_2(workspace: Path) -> None:
    result = build(workspace, "--scheduler", "foo")
    assert result.returncode == ExitCode.USAGE, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "tcp://HOST:PORT" in lines[0], result.stderr
    assert not (workspace / "build").exists()
