"""`descent serve` end to end: JSON log lines with request ids, and a chunked 413 over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live import free_port
from tests.ops.conftest import PASSWORD


def serve(workdir: Path, log: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DESCENT_")}
    environment.update(env)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from app.cli import main; main()",
                "serve",
                "--port",
                str(port),
            ],
            cwd=workdir,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            # /healthz answers 503 "starting" while the app builds in the background
            if httpx.get(f"{base}/healthz/ready", timeout=2).status_code == 200:
                return proc, base
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"server did not start:\n{log.read_text()}")


def chunked(total: int) -> Iterator[bytes]:
    yield b'{"text": "'
    for _ in range(total // 1024):
        yield b"x" * 1024
    yield b'"}'


@pytest.mark.slow
def test_serve_writes_one_json_line_per_request(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    env = {
        "DESCENT_LOG_LEVEL": "info",
        "DESCENT_LOG_FORMAT": "json",
        "DESCENT_MAX_BODY_BYTES": "4096",
    }
    proc, base = serve(tmp_path, log, env)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            read = client.get("/api/v1/topics/mse", headers={"X-Request-ID": "live-read"})
            too_large = client.post(
                "/api/v1/parse",
                content=chunked(64 * 1024),
                headers={"content-type": "application/json", "X-Request-ID": "live-413"},
            )
            client.post("/api/v1/users", json={"username": "ada", "password": PASSWORD})
            token = client.post(
                "/api/v1/auth/token", data={"username": "ada", "password": PASSWORD}
            ).json()["access_token"]
            me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    assert read.headers["x-request-id"] == "live-read"
    assert too_large.status_code == 413, too_large.text
    assert too_large.headers["content-type"] == "application/problem+json"
    text = log.read_text().splitlines()
    # the banner (`Descent: open http://…`) is for the person who typed the command; every
    # line after it is a JSON log record
    assert text[0].startswith("Descent: open http://"), text[:1]
    lines = [json.loads(line) for line in text[1:] if line.strip()]
    access = {line["request_id"]: line for line in lines if line["logger"] == "descent.access"}
    assert access["live-read"]["route"] == "/api/v1/topics/{topic_id}"
    assert access["live-read"]["status"] == 200 and access["live-read"]["duration_ms"] > 0
    assert access["live-413"]["status"] == 413
    assert access[me.headers["x-request-id"]]["user_id"] == me.json()["id"]
    assert any("code sandbox" in line["message"] for line in lines)  # start-up lines too
    assert not [line for line in lines if line["logger"] == "uvicorn.access"]  # ours replace it
