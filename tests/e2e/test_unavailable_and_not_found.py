"""What a learner sees where something is missing: PyTorch questions on a server without
PyTorch (marked in the topic's list, the page and Run say exactly what to install, never "try
again"), and an unknown address (an HTML page with a way back, not JSON).

The server without PyTorch is a second live server whose interpreter is told that ``torch``
cannot be found (a ``sitecustomize`` on its PYTHONPATH), whether or not this venv has it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from engine.sandbox.runtimes import TORCH_VERSION
from tests.e2e.conftest import TIMEOUT_MS, Server
from tests.live import live_server

pytestmark = pytest.mark.slow

INSTALL = f"pip install torch=={TORCH_VERSION}"
HIDE_TORCH = """\
import importlib.util

_find_spec = importlib.util.find_spec


def _without_torch(name, package=None):
    if name == "torch" or name.startswith("torch."):
        return None
    return _find_spec(name, package)


importlib.util.find_spec = _without_torch
"""


@pytest.fixture(scope="module")
def torchless(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    workdir = tmp_path_factory.mktemp("e2e-torchless")
    hide = workdir / "hide-torch"
    hide.mkdir()
    (hide / "sitecustomize.py").write_text(HIDE_TORCH)
    path = os.pathsep.join(p for p in (str(hide), os.environ.get("PYTHONPATH", "")) if p)
    with live_server(workdir, env={"PYTHONPATH": path}) as base:
        yield Server(base, workdir / "descent.db")


@pytest.fixture
def tab(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A tab and its console errors: the browser logs the 404 and 501 answers these tests
    expect, so each test says which errors it allows."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    yield page, errors
    context.close()


def _only_expected(errors: list[str], status: int) -> None:
    expected = f"the server responded with a status of {status}"
    assert all(expected in e for e in errors), errors


def test_pytorch_questions_say_what_to_install(
    tab: tuple[Any, list[str]], torchless: Server
) -> None:
    page, errors = tab
    listed = httpx.get(torchless.url("/api/v1/questions?available=false&limit=500")).json()
    assert listed["data"], "the server should have found no PyTorch"
    question = listed["data"][0]
    assert INSTALL in question["unavailable_reason"]
    topic = question["topic"]

    page.goto(torchless.url(f"/topics/{topic}"))
    row = page.locator("li", has=page.get_by_role("link", name=question["title"], exact=True))
    expect(row.locator(".chip.unavailable").first).to_be_visible()
    assert INSTALL in (row.locator(".chip.unavailable").first.get_attribute("title") or "")
    available = httpx.get(torchless.url(f"/api/v1/topics/{topic}")).json()["questions"]
    marked = page.locator(".chip.unavailable").count()
    assert marked == sum(not q["available"] for q in available), "only those are marked"

    page.goto(torchless.url(f"/questions/{question['id']}"))
    expect(page.locator(".notice.warn")).to_contain_text(INSTALL)
    with page.expect_response(lambda r: r.url.endswith("/attempts")) as response:
        page.get_by_role("button", name="Run", exact=True).click()
    assert response.value.status == 501 and "retry-after" not in response.value.headers
    answer = page.locator(".verdict-slot")
    expect(answer.get_by_role("alert")).to_contain_text(INSTALL)
    assert "again" not in answer.inner_text()
    _only_expected(errors, 501)


def test_an_unknown_address_gets_a_page_not_json(
    tab: tuple[Any, list[str]], server: Server
) -> None:
    page, errors = tab
    reply = page.goto(server.url("/no/such/page"))
    assert reply is not None and reply.status == 404
    assert reply.headers["content-type"].startswith("text/html")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("body")).to_contain_text("/no/such/page")
    assert not page.locator("body").inner_text().lstrip().startswith("{")
    page.get_by_role("link").first.click()
    expect(page).to_have_url(server.url("/"))
    _only_expected(errors, 404)


def test_an_unknown_api_address_is_still_a_problem(server: Server) -> None:
    reply = httpx.get(server.url("/api/v1/no-such-thing"), headers={"Accept": "text/html"})
    assert reply.status_code == 404
    assert reply.headers["content-type"].startswith("application/problem+json")
    assert Path(reply.json()["type"]).name
