"""One live `descent serve` for the notebook tests: the client and the kernels talk to it over
HTTP, as a learner's notebook does. Each test gets its own configuration folder (no saved token
leaks between tests) and DESCENT_URL pointing at the server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live import live_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # Only critical lines: the helper reads the server's output only if it fails to start, and
    # a pipe nobody drains would stall the server once full. Failures still show as 500s.
    quiet = {"DESCENT_LOG_LEVEL": "critical"}
    with live_server(tmp_path_factory.mktemp("notebook-server"), env=quiet) as base:
        yield base


@pytest.fixture
def descent(server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The live server as the client's DESCENT_URL, with a fresh configuration folder."""
    monkeypatch.setenv("DESCENT_URL", server)
    monkeypatch.setenv("DESCENT_CONFIG_DIR", str(tmp_path / "config"))
    return server
