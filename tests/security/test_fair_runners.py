"""Runner hogging: no client holds every code runner, and a learner who submits once is served
while others keep the runners busy (the fair queue of engine/sandbox/fair.py, fed with the
client the service passes down: the signed-in learner or the address)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from app.db.migrate import upgrade
from app.main import create_app
from app.settings import Settings
from content import load_content
from engine.sandbox import default_sandbox
from engine.sandbox.fair import FairGate, QueueFull
from tests.security.conftest import FIXTURE, HONEST, _Server

SLEEPER = "import time\ntime.sleep(60)\ndef mse(y_true, y_pred):\n    return 0.0\n"
HOGS = 8
ROUNDS = 4
VERDICT_WITHIN_S = 8.0


def test_one_client_holds_at_most_its_share() -> None:
    gate = FairGate(slots=2, per_client=1, waiting=8)
    assert gate.acquire("hog", 0.1)
    assert not gate.acquire("hog", 0.05)  # its second run waits, though a runner is free
    assert gate.acquire("learner", 0.05)  # … which goes to someone else at once
    gate.release("learner")
    gate.release("hog")


def test_a_newcomer_goes_before_a_client_that_keeps_submitting() -> None:
    gate = FairGate(slots=1, per_client=1, waiting=8)
    for client in ("hog-a", "hog-b"):  # both have had long runs already
        assert gate.acquire(client, 0.1)
        gate.release(client, seconds=5.0)
    assert gate.acquire("hog-a", 0.1)
    order: list[str] = []

    def wait(client: str) -> None:
        if gate.acquire(client, 5.0):
            order.append(client)
            gate.release(client)

    threads = [threading.Thread(target=wait, args=(c,)) for c in ("hog-b", "learner")]
    for t in threads:  # hog-b waits first, the learner arrives after it
        t.start()
        time.sleep(0.1)
    gate.release("hog-a")
    for t in threads:
        t.join()
    assert order == ["learner", "hog-b"]


def test_a_client_cannot_fill_the_queue() -> None:
    gate = FairGate(slots=1, per_client=1, waiting=32, per_client_waiting=2)
    assert gate.acquire("hog", 0.1)
    waiters = [threading.Thread(target=gate.acquire, args=("hog", 0.5)) for _ in range(2)]
    for t in waiters:
        t.start()
    time.sleep(0.1)
    with pytest.raises(QueueFull):
        gate.acquire("hog", 0.1)
    for t in waiters:
        t.join()
    gate.release("hog")


def test_the_service_work_is_not_capped() -> None:
    gate = FairGate(slots=2, per_client=1, waiting=4)
    assert gate.acquire(None, 0.1) and gate.acquire(None, 0.1)
    gate.release(None)
    gate.release(None)


@pytest.mark.slow
def test_an_honest_learner_is_served_while_eight_clients_hog(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'descent.db'}"
    upgrade(db)
    settings = Settings(database_url=db, content_dir=FIXTURE, secret_key="fair", trust_proxy=1)
    box = default_sandbox()
    box.start()
    assert box.workers < HOGS  # otherwise there is nothing to hog
    stop = threading.Event()
    sleeping = [0]

    def hog(i: int, url: str) -> None:
        headers = {"x-forwarded-for": f"198.51.100.{i + 1}"}
        with httpx.Client(timeout=60) as client:
            while not stop.is_set():
                response = client.post(url, json={"answer": SLEEPER}, headers=headers)
                if response.status_code == 200:
                    sleeping[0] += 1
                else:
                    stop.wait(0.1)  # 503: its share of runners and of the queue is in use

    with _Server(create_app(settings, load_content(FIXTURE))) as base:
        url = f"{base}/api/v1/questions/code-mse/attempts"
        hogs = [threading.Thread(target=hog, args=(i, url)) for i in range(HOGS)]
        for t in hogs:
            t.start()
        try:
            time.sleep(1.0)  # every runner is taken, and every hog has another run waiting
            took = []
            with httpx.Client(timeout=60) as client:
                for _ in range(ROUNDS):
                    started = time.monotonic()
                    response = client.post(
                        url, json={"answer": HONEST}, headers={"x-forwarded-for": "203.0.113.7"}
                    )
                    took.append(time.monotonic() - started)
                    assert response.status_code == 200, response.text
                    assert response.json()["correct"], response.json()
                    time.sleep(0.5)
        finally:
            stop.set()
            for t in hogs:
                t.join()
    assert sleeping[0] >= box.workers  # the hogs did keep the runners busy
    print(f"honest verdicts while {HOGS} clients hog: {[round(t, 2) for t in took]} s")
    assert max(took) < VERDICT_WITHIN_S, took


def test_the_pool_reports_its_load() -> None:
    gate = FairGate(slots=2, per_client=1, waiting=4, aside=2)
    assert gate.acquire("a", 0.1) and gate.acquire("b", 0.1)
    assert gate.snapshot() == {"busy": 2, "aside": 0, "queued": 0}
    assert gate.set_aside()  # a long run leaves its runner to the queue, and keeps running
    assert gate.snapshot() == {"busy": 1, "aside": 1, "queued": 0}
    assert gate.running("a") == 1
    gate.release("a", aside=True, seconds=5.0)
    gate.release("b", seconds=0.1)
    assert gate.snapshot() == {"busy": 0, "aside": 0, "queued": 0}
    assert gate.usage("a") > gate.usage("b") > 0
