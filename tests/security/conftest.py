"""Run every hostile submission once against a live server, then gather the evidence.

The service runs in this process (uvicorn in a thread) with a secret in its environment and a
canary row in its database; TCP and UDP listeners wait on loopback. Submissions run two at a
time, each followed by an honest one; a poller checks /healthz throughout. After the last one,
a single shared wait of 5 s lets anything that outlived its run act before the checks.
"""

from __future__ import annotations

import contextlib
import glob
import os
import socket
import sqlite3
import string
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from app.db.migrate import upgrade
from app.main import create_app
from app.settings import Settings
from content import load_content
from engine.sandbox import default_sandbox
from tests.security.hostile import HOSTILE, Hostile

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "code_module"
HONEST = "import numpy as np\ndef mse(y_true, y_pred):\n    return float(np.mean((y_true - y_pred) ** 2))\n"
LINGER_S = 5.0
CLIENTS = 2


@dataclass
class Attack:
    hostile: Hostile
    status_code: int = 0
    text: str = ""
    verdict: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    honest_after: dict[str, Any] = field(default_factory=dict)


@dataclass
class Evidence:
    attacks: dict[str, Attack]
    secrets: list[str]
    token: str
    tcp_accepted: list[bytes]
    udp_received: list[bytes]
    files: list[str]
    survivors: list[str]
    health: list[tuple[int, float]]
    honest_at_end: dict[str, Any]
    rss_mb: list[float] = field(default_factory=list)  # the service's memory, sampled


def _sandbox_processes(first_uid: int, count: int) -> list[str]:
    """Processes still running under this sandbox's uids."""
    found = []
    for status in glob.glob("/proc/[0-9]*/status"):
        try:
            text = Path(status).read_text()
        except OSError:
            continue
        uid = int(text.split("\nUid:")[1].split()[0])
        if first_uid <= uid < first_uid + count:
            found.append(f"{status}: uid {uid}")
    return found


class _Server:
    def __init__(self, app: Any) -> None:
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@dataclass(frozen=True)
class Target:
    """The question the hostile submissions go to, and the sandbox (runtime) that runs them."""

    fixture: Path
    qid: str
    honest: str
    runtime: str = "numpy"


NUMPY_TARGET = Target(FIXTURE, "code-mse", HONEST)


def _attack(base: str, hostile: Hostile, fill: dict[str, str], target: Target) -> Attack:
    source = string.Template(hostile.source).safe_substitute(fill)
    url = f"{base}/api/v1/questions/{target.qid}/attempts"
    with httpx.Client(timeout=60) as client:
        started = time.monotonic()
        response = client.post(url, json={"answer": source})
        attack = Attack(
            hostile, response.status_code, response.text, seconds=time.monotonic() - started
        )
        if response.status_code == 200:
            attack.verdict = response.json()
        attack.honest_after = client.post(url, json={"answer": target.honest}).json()
    return attack


def rss_mb() -> float:
    """This process's resident memory (the service runs in it), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _poll_health(
    base: str, stop: threading.Event, log: list[tuple[int, float]], rss: list[float]
) -> None:
    with httpx.Client(timeout=10) as client:
        while not stop.is_set():
            rss.append(rss_mb())
            started = time.monotonic()
            try:
                code = client.get(f"{base}/healthz").status_code
            except httpx.HTTPError:
                code = 0
            log.append((code, time.monotonic() - started))
            stop.wait(0.2)


def _drain(sock: socket.socket, udp: bool) -> list[bytes]:
    got = []
    while True:
        try:
            if udp:
                got.append(sock.recvfrom(4096)[0])
            else:
                conn, _ = sock.accept()
                got.append(conn.recv(4096))
                conn.close()
        except (BlockingIOError, OSError):
            return got


@pytest.fixture(scope="package")
def evidence(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Evidence]:
    with gather_evidence(tmp_path_factory, NUMPY_TARGET, HOSTILE) as found:
        yield found


@contextlib.contextmanager
def gather_evidence(
    tmp_path_factory: pytest.TempPathFactory, target: Target, hostile: list[Hostile]
) -> Iterator[Evidence]:
    """Run every ``hostile`` submission against ``target`` on a live server; the evidence."""
    token = os.urandom(6).hex()
    env_secret, db_secret = f"env-secret-{os.urandom(8).hex()}", f"db-secret-{os.urandom(8).hex()}"
    dbdir = tmp_path_factory.mktemp("service")
    db = dbdir / "descent.db"
    upgrade(f"sqlite:///{db}")
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE canary (value TEXT)")
        conn.execute("INSERT INTO canary VALUES (?)", (db_secret,))
    tcp = socket.socket()
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(16)
    tcp.setblocking(False)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.setblocking(False)
    fill = {
        "token": token,
        "db": str(db),
        "dbdir": str(dbdir),
        "repo": str(REPO),
        "tcp": str(tcp.getsockname()[1]),
        "udp": str(udp.getsockname()[1]),
        "server_pid": str(os.getpid()),
    }
    os.environ["DESCENT_TEST_SECRET"] = env_secret
    before = set(os.listdir(dbdir))
    box = default_sandbox(target.runtime)
    settings = Settings(
        database_url=f"sqlite:///{db}",
        content_dir=target.fixture,
        secret_key="sec",
        max_body_bytes=4 << 20,  # past the HTTP limit: the judge's own 64 KiB check answers
    )
    health: list[tuple[int, float]] = []
    rss: list[float] = []
    stop = threading.Event()
    try:
        with _Server(create_app(settings, load_content(target.fixture))) as base:
            rss.append(rss_mb())
            poller = threading.Thread(target=_poll_health, args=(base, stop, health, rss))
            poller.start()
            with ThreadPoolExecutor(CLIENTS) as pool:
                attacks = list(pool.map(lambda h: _attack(base, h, fill, target), hostile))
            time.sleep(LINGER_S)  # one shared wait: anything that outlived its run acts now
            stop.set()
            poller.join()
            with httpx.Client(timeout=60) as client:
                honest = client.post(
                    f"{base}/api/v1/questions/{target.qid}/attempts",
                    json={"answer": target.honest},
                ).json()
        files = sorted(glob.glob(f"/tmp/descent-sec-{token}*"))
        files += sorted(
            str(dbdir / f)
            for f in set(os.listdir(dbdir)) - before
            if not f.startswith("descent.db")
        )
        yield Evidence(
            attacks={a.hostile.id: a for a in attacks},
            secrets=[env_secret, db_secret],
            token=token,
            tcp_accepted=_drain(tcp, udp=False),
            udp_received=_drain(udp, udp=True),
            files=files,
            survivors=_sandbox_processes(box.uid_base, box.workers),
            health=health,
            honest_at_end=honest,
            rss_mb=rss,
        )
    finally:
        os.environ.pop("DESCENT_TEST_SECRET", None)
        tcp.close()
        udp.close()
        default_sandbox(target.runtime)  # keep the process-wide sandbox for the session
