"""A 10-second smoke of the load test: a realistic mix, no 5xx, no broken connections."""

from __future__ import annotations

import argparse
import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.live import live_server
from tests.load import run


@pytest.mark.slow
def test_load_smoke(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with live_server(tmp_path) as base:
        args = argparse.Namespace(
            url=base, users=10, seconds=10.0, capacity=False, capacity_seconds=0.0, targets=False
        )
        # in a thread of its own: another test (Playwright's sync API) may have left an event
        # loop running in this one
        with ThreadPoolExecutor(1) as pool:
            assert pool.submit(asyncio.run, run.main_async(args)).result() == 0
    table = capsys.readouterr().out
    rows = [
        line.split("|")
        for line in table.splitlines()
        if line.startswith("| ") and "endpoint" not in line
    ]
    assert {row[1].strip() for row in rows} >= {"topic-read", "expression-check", "code-submission"}
    assert all(row[7].strip() == "0" for row in rows), table  # the errors column
