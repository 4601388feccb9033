"""A real browser (Debian's Chromium, driven by Playwright) against a live `descent serve`.

One server with a fresh database and one browser serve the whole e2e session. Every page
records console errors and uncaught exceptions; a test fails if any occurred, and a failing
test leaves a full-page screenshot (its path is printed in the report).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.live import live_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000

if not CHROMIUM.exists():
    reason = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
    if os.environ.get("CI"):
        raise RuntimeError(reason)  # CI installs it; a missing browser there is a failure
    pytest.skip(reason, allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


def minutes_ago(minutes: int) -> str:
    """A UTC time as SQLAlchemy stores it in SQLite."""
    return (datetime.now(UTC) - timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M:%S.%f")


class Server:
    """The live server's base URL and direct access to its SQLite file (to move time)."""

    def __init__(self, base: str, db: Path) -> None:
        self.base, self.db = base, db

    def url(self, path: str) -> str:
        return self.base + path

    def make_reviews_due(self) -> int:
        """Pretend the scheduled reviews fell due: move every card's due date to the past."""
        with sqlite3.connect(self.db) as conn:
            return conn.execute("UPDATE review_cards SET due = ?", (minutes_ago(5),)).rowcount


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    workdir = tmp_path_factory.mktemp("e2e-server")
    with live_server(workdir) as base:
        yield Server(base, workdir / "descent.db")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e-screenshots")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


class Console:
    """Console errors and page exceptions seen by the pages of one context."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page: Any) -> None:
        page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))


def _context(browser: Any, **options: Any) -> tuple[Any, Console]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    context.set_default_timeout(TIMEOUT_MS)
    console = Console()
    context.on("page", console.watch)
    return context, console


@pytest.fixture(scope="module")
def learner_context(browser: Any) -> Iterator[tuple[Any, Console]]:
    """One browser profile for a module's journey (the sign-in token survives across tests)."""
    context, console = _context(browser)
    yield context, console
    context.close()


def _finish(
    request: pytest.FixtureRequest, page: Any, console: Console, shots: Path, seen: int
) -> None:
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        path = shots / f"{request.node.name}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
            request.node.add_report_section("call", "screenshot", str(path))
            print(f"\nscreenshot of the failure: {path}")
        except Exception as exc:  # the page may be gone; the failure itself matters more
            print(f"\nno screenshot: {exc}")
    errors = console.errors[seen:]
    assert not errors, "errors in the browser console:\n" + "\n".join(errors)


@pytest.fixture
def page(
    request: pytest.FixtureRequest, learner_context: tuple[Any, Console], screenshot_dir: Path
) -> Iterator[Any]:
    """A tab in the module's shared profile; fails the test on any console error."""
    context, console = learner_context
    seen = len(console.errors)
    tab = context.new_page()
    yield tab
    _finish(request, tab, console, screenshot_dir, seen)
    tab.close()


@pytest.fixture
def fresh_page(request: pytest.FixtureRequest, browser: Any, screenshot_dir: Path) -> Iterator[Any]:
    """A tab in a new, anonymous profile."""
    context, console = _context(browser)
    tab = context.new_page()
    yield tab
    _finish(request, tab, console, screenshot_dir, 0)
    context.close()
