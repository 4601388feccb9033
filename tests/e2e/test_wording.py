"""The demo lab speaks plainly: the API's schema explains a parameter as "null = …", the page
says what leaving the field empty does, and never shows the word null."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server


@pytest.mark.parametrize("demo", ["optimizer-paths", "regularization", "momentum"])
def test_demo_pages_never_show_json_null(page: Any, server: Server, demo: str) -> None:
    page.goto(server.url(f"/demos/{demo}"))
    expect(page.locator("#demo-chart")).to_have_attribute("data-runs", "1", timeout=20_000)
    expect(page.locator("#demo-summary")).not_to_be_empty()
    text = page.locator("main").inner_text()
    assert not re.search(r"\bnull\b", text), re.findall(r".{0,40}\bnull\b.{0,40}", text)
    assert "left empty" in text  # the defaults are still explained


def test_the_tuned_learning_rate_rule_and_the_results_table_read_well(
    page: Any, server: Server
) -> None:
    page.goto(server.url("/demos/optimizer-paths"))
    expect(page.locator("#demo-chart")).to_have_attribute("data-runs", "1", timeout=20_000)
    expect(page.locator("main")).to_contain_text("with lr left empty: best final loss")
    # At 1280 px the results table fits its card whole: no sideways scroll, no number split.
    table = page.locator("#demo-summary .table-wrap").first
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth")
    lr = table.locator("tbody tr").first.locator("td").nth(2)  # e.g. "0.001": on one line
    lines = "td => { const r = document.createRange(); r.selectNodeContents(td); return r.getClientRects().length; }"
    assert lr.evaluate(lines) == 1
