"""The descent command: version, content check, db upgrade, serve."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.settings import get_settings
from content import PACKAGED_CONTENT_DIR

runner = CliRunner()


def serve(*args: str):  # type: ignore[no-untyped-def]
    """``descent serve`` as the CLI runs it, in a thread of its own: the browser tests' Playwright
    keeps an event loop running in the main thread, and serve starts its own loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(runner.invoke, cli, ["serve", *args]).result()


BROKEN = "id: broken\ntitle: Broken\nsummary: x\nsources: [roadmap/1.1]\nlearning_steps: [a]\ncolour: red\n"


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DESCENT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_version() -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("descent ")


def test_content_check_passes_on_shipped_content() -> None:
    result = runner.invoke(cli, ["content", "check"])
    assert result.exit_code == 0, result.output
    assert "topics" in result.output and "questions" in result.output


def test_content_check_names_broken_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    result = runner.invoke(cli, ["content", "check", str(folder)])
    assert result.exit_code == 1
    assert "content/broken.yaml:6: colour: unknown field" in result.output


def test_serve_refuses_invalid_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    monkeypatch.setenv("DESCENT_CONTENT_DIR", str(folder))
    get_settings.cache_clear()
    result = serve("--port", str(free_port()))
    assert result.exit_code == 2
    assert "broken.yaml:6" in result.output
    assert "refusing to start" in result.output


def test_a_busy_port_is_reported_at_once_in_plain_words() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        start = time.monotonic()
        result = serve("--port", str(port))
    assert time.monotonic() - start < 1.0
    assert result.exit_code == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.output
    assert f"--port {port + 1}" in result.output and "{" not in result.output  # not JSON


def test_db_upgrade_and_downgrade() -> None:
    result = runner.invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "database at revision" in result.output and "None" not in result.output
    result = runner.invoke(cli, ["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("base")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_migrates_and_answers(tmp_path: Path) -> None:
    """`descent serve` in an empty folder creates its SQLite file and serves the topics."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESCENT_")}
    env["DESCENT_LOG_LEVEL"] = "warning"
    script = "from app.cli import main; main()"
    proc = subprocess.Popen(
        [sys.executable, "-c", script, "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/v1/topics", timeout=2)
                if response.status_code != 503:
                    break
                # listening, still loading: the API says so and when to come back
                assert response.json()["type"] == "/problems/starting"
                assert response.headers["retry-after"] == "1"
                assert httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(proc.stdout.read().decode() if proc.stdout else "no output")
            time.sleep(0.1)
        assert response.status_code == 200
        assert response.json()["count"] == len(list(PACKAGED_CONTENT_DIR.glob("*.yaml")))
        assert (tmp_path / "descent.db").is_file()
        assert httpx.get(f"http://127.0.0.1:{port}/docs", timeout=2).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
