"""How fast `descent serve` answers after it is started, from an empty folder (a new SQLite
file each time), as a learner who just typed the command would see it.

``python -m tests.bench.startup_bench [--runs N]`` prints, per run and as medians: the time to
the first 200 of the web page (``/``), to ``/healthz`` reporting ready (content loaded, database
migrated, sandbox started), and how long a busy port takes to be reported.
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

import httpx

SERVE = [sys.executable, "-c", "from app.cli import main; main()", "serve"]
TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def until(url: str, start: float, proc: subprocess.Popen[bytes]) -> float:
    """Seconds from ``start`` until ``url`` answers 200."""
    while time.perf_counter() - start < TIMEOUT_S:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return time.perf_counter() - start
        except httpx.TransportError:
            pass
        if proc.poll() is not None:
            raise RuntimeError("the server stopped")
        time.sleep(0.01)
    raise TimeoutError(url)


def one_run() -> tuple[float, float]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESCENT_")}
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [*SERVE, "--port", str(port)],
            cwd=Path(folder),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            page = until(f"http://127.0.0.1:{port}/", start, proc)
            ready = until(f"http://127.0.0.1:{port}/healthz", start, proc)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return page, ready


def busy_port() -> float:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        start = time.perf_counter()
        subprocess.run([*SERVE, "--port", str(port)], capture_output=True, timeout=30)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = [one_run() for _ in range(args.runs)]
    for i, (page, ready) in enumerate(runs, 1):
        print(f"run {i}: first 200 (web page) {page:.2f} s, ready {ready:.2f} s")
    pages, readies = [r[0] for r in runs], [r[1] for r in runs]
    print(
        f"median: first 200 {statistics.median(pages):.2f} s (max {max(pages):.2f} s),"
        f" ready {statistics.median(readies):.2f} s; busy port reported in {busy_port():.2f} s"
    )


if __name__ == "__main__":
    main()
