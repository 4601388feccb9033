"""The API reference works with no network: /docs (Swagger UI) and /redoc load every script,
style and font from the server itself. Every request to another host is aborted and recorded;
the pages must render the operations and must not have tried to reach anything else."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server

pytestmark = pytest.mark.slow

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


@pytest.fixture
def offline(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A tab whose requests to any host but this machine fail, and the list of them."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []

    def route(r: Any) -> None:
        if urlsplit(r.request.url).hostname in LOCAL_HOSTS or r.request.url.startswith("data:"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort("internetdisconnected")

    context.route("**/*", route)
    page = context.new_page()
    yield page, blocked
    context.close()


def test_swagger_ui_renders_the_operations_offline(
    offline: tuple[Any, list[str]], server: Server
) -> None:
    page, blocked = offline
    page.goto(server.url("/docs"))
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    assert operations.count() >= 20
    expect(
        page.locator(
            ".opblock-summary-path", has_text="/api/v1/questions/{question_id}/attempts"
        ).first
    ).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert not blocked, f"/docs tried to fetch from the network: {blocked}"


def test_redoc_renders_the_operations_offline(
    offline: tuple[Any, list[str]], server: Server
) -> None:
    page, blocked = offline
    page.goto(server.url("/redoc"))
    expect(page.get_by_text("/api/v1/questions/{question_id}/attempts").first).to_be_attached()
    expect(page.locator("[data-section-id^='operation/']").first).to_be_attached()
    page.wait_for_load_state("networkidle")
    assert not blocked, f"/redoc tried to fetch from the network: {blocked}"
