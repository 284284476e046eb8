"""Dask benchmark: a cold PDF build on local Dask workers against the local process pool.

    python benchmarks/distributed_speed.py --briefs 200 --repeat 3

Generates --briefs briefs (build_speed.py's generator, 1 to 6 pages), starts a `dask scheduler` and
two `dask worker --nthreads 1 --no-nanny` processes on 127.0.0.1, and times, as medians of --repeat
cold `briefgen build -f pdf --force` runs, interleaved: the local 2-process pool (`-j 2`), the two
workers, and one worker (the second stopped for that round). Prints medians and the two ratios the
issue sets (two workers / pool: at most 1.15; one worker / two: at least 1.8).
The machine is shared and noisy: compare ratios taken in the same run, not absolute seconds.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_speed import BRIEFGEN, REPO, generate

DASK = str(Path(sys.executable).with_name("dask"))
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([DASK, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)


def wait_for(address: str, count: int) -> None:
    code = (
        "from distributed import Client; "
        f"c = Client({address!r}, timeout=60); c.wait_for_workers({count}, timeout=120); "
        f"assert len(c.scheduler_info()['workers']) == {count}; c.close()"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=ENV, timeout=180)


def timed(root: Path, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([*BRIEFGEN, "build", "-f", "pdf", "--force", "-q", *args], cwd=root, env=ENV, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--briefs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        generate(root, args.briefs)
        address = f"tcp://127.0.0.1:{free_port()}"
        scheduler = start(
            "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1], "--no-dashboard"
        )
        workers: list[subprocess.Popen[bytes]] = []
        try:
            first = start("worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard")
            wait_for(address, 1)
            pool, two, one = [], [], []
            for _ in range(args.repeat):
                pool.append(timed(root, "--scheduler", "local", "-j", "2"))
                second = start("worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard")
                workers.append(second)
                wait_for(address, 2)
                two.append(timed(root, "--scheduler", address))
                second.terminate()
                second.wait(timeout=60)
                wait_for(address, 1)
                one.append(timed(root, "--scheduler", address))
            for label, samples in (
                ("local pool, 2 processes", pool),
                ("Dask, 2 workers", two),
                ("Dask, 1 worker", one),
            ):
                print(
                    f"{label:26} median {statistics.median(samples):7.2f} s of {len(samples)}: "
                    + ", ".join(f"{s:.2f}" for s in samples)
                )
            print(
                f"two workers / pool: {statistics.median(two) / statistics.median(pool):.2f} (target <= 1.15)"
            )
            print(
                f"one worker / two:   {statistics.median(one) / statistics.median(two):.2f} (target >= 1.8)"
            )
        finally:
            for process in [*workers, first, scheduler]:
                if process.poll() is None:
                    process.kill()
                process.wait(timeout=60)


if __name__ == "__main__":
    main()
