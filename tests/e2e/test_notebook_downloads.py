"""The topic and demo pages offer their notebooks for download, and the file is a notebook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server

pytestmark = pytest.mark.slow


def test_a_topic_page_downloads_its_notebooks(fresh_page: Any, server: Server) -> None:
    fresh_page.goto(server.url("/topics/huber"))
    section = fresh_page.locator("#notebooks")
    expect(section.locator("#notebook-huber a")).to_have_attribute("download", "huber.ipynb")
    expect(section.locator("#notebook-capstone-regression a")).to_be_visible()
    with fresh_page.expect_download() as info:
        section.locator("#notebook-huber a").click()
    download = info.value
    assert download.suggested_filename == "huber.ipynb"
    notebook = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4 and "descent serve" in "".join(notebook["cells"][0]["source"])


def test_a_demo_page_offers_its_capstone(fresh_page: Any, server: Server) -> None:
    fresh_page.goto(server.url("/demos/classification-losses"))
    link = fresh_page.locator("#notebook-capstone-classification a")
    expect(link).to_have_attribute("href", "/api/v1/notebooks/capstone-classification.ipynb")
    fresh_page.goto(server.url("/demos/momentum"))  # a demo without a notebook shows none
    expect(fresh_page.locator("#demo-chart")).to_be_visible()
    expect(fresh_page.locator("#notebooks")).to_have_count(0)
