"""Graceful shutdown: SIGTERM during a code run lets the run finish and its attempt be stored,
refuses new connections at once (so a balancer moves on) and ends the process cleanly."""

from __future__ import annotations

import signal
import socket
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.ops import bounded
from tests.ops.conftest import ClientFactory
from tests.scale.cluster import Instance, free_port

PASSWORD = "shutdown-test-password-1"
RUN_S = 2.0
SLOW_MSE = f"""import time
import numpy as np
_slept = []
def mse(y_true, y_pred):
    if not _slept:  # the first case only: the run takes {RUN_S} s in all
        _slept.append(1)
        time.sleep({RUN_S})
    return float(np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2))
"""


def test_draining_waits_for_abandoned_work_then_serves_again() -> None:
    ended = threading.Event()

    def slow() -> None:
        time.sleep(0.5)
        ended.set()

    with pytest.raises(bounded.Abandoned):
        bounded.GRADING_POOL.run(slow, 0.05)  # the request gave up; the call goes on
    assert not ended.is_set()
    assert bounded.drain(5) is True
    assert ended.is_set()
    assert bounded.GRADING_POOL.run(lambda: "fresh", 5) == "fresh"


def test_draining_gives_up_after_its_bound() -> None:
    release = threading.Event()
    with pytest.raises(bounded.Abandoned):
        bounded.DEMO_POOL.run(lambda: release.wait(10), 0.05)
    start = time.monotonic()
    assert bounded.drain(0.2) is False
    assert time.monotonic() - start < 2
    release.set()


def test_stopping_the_app_drains_its_abandoned_gradings(
    make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    ended = threading.Event()

    def stuck(*_: Any, **__: Any) -> Any:
        time.sleep(0.8)
        ended.set()
        raise AssertionError("an abandoned grading's result is never used")

    monkeypatch.setattr("app.services.maths.parse", stuck)
    with make_client(grading_timeout_s=0.1) as client:
        reply = client.post("/api/v1/parse", json={"text": "x"})
        assert reply.status_code == 503 and not ended.is_set()
    assert ended.is_set()  # the app's shutdown waited for it


def busy_runners(base: str) -> float:
    for line in httpx.get(f"{base}/metrics", timeout=5).text.splitlines():
        if line.startswith("descent_sandbox_busy_runners "):
            return float(line.split()[1])
    return 0.0


def accepts(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
def test_sigterm_drains_an_in_flight_code_run(tmp_path: Path) -> None:
    database = tmp_path / "descent.db"
    instance = Instance(
        "solo",
        free_port(),
        {
            "DESCENT_DATABASE_URL": f"sqlite:///{database}",
            "DESCENT_PORT": "0",  # replaced below
            "DESCENT_LOG_LEVEL": "warning",
        },
        tmp_path / "serve.log",
    )
    instance.env["DESCENT_PORT"] = str(instance.port)
    instance.start(tmp_path)
    try:
        instance.wait_ready()
        base = instance.base
        body = {"username": "drained", "password": PASSWORD}
        assert httpx.post(f"{base}/api/v1/users", json=body).status_code == 201
        token = httpx.post(f"{base}/api/v1/auth/token", data=body).json()["access_token"]
        reply: dict[str, Any] = {}

        def submit() -> None:
            response = httpx.post(
                f"{base}/api/v1/questions/code-mse/attempts",
                json={"answer": SLOW_MSE},
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            )
            reply.update(status=response.status_code, body=response.json())

        request = threading.Thread(target=submit)
        request.start()
        deadline = time.monotonic() + 10
        while busy_runners(base) < 1:  # the run holds a runner: it is in flight
            assert time.monotonic() < deadline, "the code run never started"
            time.sleep(0.05)
        assert instance.proc is not None
        instance.proc.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        while accepts(instance.port):
            assert time.monotonic() - sent < 2, "still accepting connections after SIGTERM"
            time.sleep(0.05)
        refused_after = time.monotonic() - sent
        request.join(timeout=30)
        code = instance.proc.wait(timeout=40)
    finally:
        instance.stop()
    assert refused_after < RUN_S  # the listener closed while the run was still going
    assert reply["status"] == 200, reply
    assert reply["body"]["status"] == "correct"
    attempt = reply["body"]["attempt"]
    # uvicorn ends by re-raising the signal it handled (status 143 in a shell), after the drain
    assert code in (0, -signal.SIGTERM), instance.tail()
    with sqlite3.connect(database) as conn:
        stored = conn.execute("SELECT status FROM attempts WHERE id = ?", (attempt,)).fetchone()
    assert stored == ("correct",)
