"""A server killed with SIGKILL mid-stream loses no acknowledged attempt and keeps a sound file."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.live import free_port, live_server

PASSWORD = "crash-test-password-1"
WRITERS = 8


def start(workdir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESCENT_")}
    env["DESCENT_LOG_LEVEL"] = "warning"
    proc = subprocess.Popen(
        [sys.executable, "-c", "from app.cli import main; main()", "serve", "--port", str(port)],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


@pytest.mark.slow
def test_sigkill_mid_stream_loses_nothing_acknowledged(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start(tmp_path, port)
    try:
        httpx.post(
            f"{base}/api/v1/users", json={"username": "durable", "password": PASSWORD}
        ).raise_for_status()
        token = httpx.post(
            f"{base}/api/v1/auth/token", data={"username": "durable", "password": PASSWORD}
        ).json()["access_token"]
        acknowledged: list[int] = []
        sent = [0]
        lock = threading.Lock()
        stop = threading.Event()

        def writer(n: int) -> None:
            with httpx.Client(
                base_url=base, timeout=10, headers={"Authorization": f"Bearer {token}"}
            ) as client:
                while not stop.is_set():
                    with lock:
                        sent[0] += 1
                    try:
                        reply = client.post(
                            "/api/v1/questions/mse-variant-compute/attempts",
                            json={"answer": str(n), "variant": n},
                        )
                    except httpx.TransportError:
                        return  # the server died under this request: not acknowledged
                    if reply.status_code == 200:
                        with lock:
                            acknowledged.append(reply.json()["attempt"])

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
        for thread in threads:
            thread.start()
        time.sleep(3)
        os.kill(proc.pid, signal.SIGKILL)  # mid-stream: writes are in flight
        proc.wait()
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert len(acknowledged) > 20, "the server acknowledged too few attempts before the kill"
    with live_server(tmp_path) as restarted:  # the same database file, reopened
        assert httpx.get(f"{restarted}/healthz").json()["database"] == "ok"
    db = sqlite3.connect(tmp_path / "descent.db")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = [row[0] for row in db.execute("SELECT id FROM attempts")]
        logs = db.execute("SELECT count(*), count(DISTINCT attempt_id) FROM review_logs").fetchone()
    finally:
        db.close()
    assert len(acknowledged) == len(set(acknowledged))
    missing = set(acknowledged) - set(stored)
    assert not missing, f"{len(missing)} acknowledged attempts were lost"
    assert len(stored) == len(set(stored)) <= sent[0]  # each submission stored at most once
    assert logs[0] == logs[1] == len(stored)  # one review per stored attempt, none doubled
