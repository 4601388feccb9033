"""The live "interpreted as" preview of a formula shows the parser's words and nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server

pytestmark = pytest.mark.slow


def test_an_error_without_a_position_has_no_stray_null(fresh_page: Any, server: Server) -> None:
    page = fresh_page
    page.goto(server.url("/questions/mse-gradient-matrix"))
    page.get_by_label("Your formula").fill("2/n X (y - X beta)")  # a shape error: no position
    preview = page.locator(".answer-area .preview")
    expect(preview).to_contain_text("did you forget a transpose on the left factor?")
    text = preview.text_content() or ""
    assert "null" not in text and "undefined" not in text, text
    expect(preview.locator("mark")).to_have_count(0)
    page.get_by_label("Your formula").fill("2/n X^T (y - X beta")  # with a position: marked
    expect(preview.locator("mark")).to_be_visible()
    assert "null" not in (preview.text_content() or "")
