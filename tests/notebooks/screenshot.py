"""The README's notebook screenshot: a capstone run against a live server, rendered to HTML
with nbconvert and captured in Chromium.

    python -m tests.notebooks.screenshot [docs/screenshots/notebook.png]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import nbclient
from nbconvert import HTMLExporter

from app.notebooks import build
from content import PACKAGED_CONTENT_DIR, load_content
from tests.live import live_server

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
FIRST, LAST = 'compare("capstone-regression", "fits"', "if fits:"  # the cells shown


def render(workdir: Path) -> Path:
    content = load_content(PACKAGED_CONTENT_DIR)
    nb = build("capstone-regression", content, solutions=True)
    with live_server(workdir) as base:
        os.environ["DESCENT_URL"] = base
        os.environ["DESCENT_CONFIG_DIR"] = str(workdir / "config")
        nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    html, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    page = workdir / "notebook.html"
    page.write_text(html, encoding="utf-8")
    return page


def capture(page: Path, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless"])
        tab = browser.new_page(viewport={"width": 1100, "height": 900}, device_scale_factor=1)
        tab.goto(page.as_uri())
        cells = tab.locator(".jp-Cell")
        first = cells.filter(has_text=FIRST).first.bounding_box()
        last = cells.filter(has_text=LAST).first.bounding_box()
        assert first and last, "the cells to show are missing"
        top = first["y"] - 8
        clip = {"x": 0, "y": top, "width": 1100, "height": last["y"] + last["height"] - top + 8}
        tab.screenshot(path=str(out), clip=clip, full_page=True)
        browser.close()


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "screenshots" / "notebook.png"
    with tempfile.TemporaryDirectory() as tmp:
        capture(render(Path(tmp)), out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
