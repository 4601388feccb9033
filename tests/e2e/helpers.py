"""Helpers for the e2e tests: the code editor's text and the page's asset manifest."""

from __future__ import annotations

import os
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server

# The text of a CodeMirror editor, line by line (what the learner sees and submits).
EDITOR_TEXT = (
    "[...document.querySelectorAll('.cm-content .cm-line')].map(l => l.textContent).join('\\n')"
)


def editor_text(page: Any) -> str:
    return str(page.evaluate(EDITOR_TEXT))


def code_editor(page: Any) -> Any:
    """The question's code editor once CodeMirror has replaced the text box."""
    expect(page.locator(".editor-wrap[data-editor='codemirror']")).to_be_attached()
    return page.get_by_label("Your code")


def any_code_editor(page: Any) -> tuple[Any, bool]:
    """The code box, whichever this server has: (locator, True for CodeMirror)."""
    wrap = page.locator(".editor-wrap[data-editor]")
    expect(wrap).to_be_attached()
    return page.get_by_label("Your code"), wrap.get_attribute("data-editor") == "codemirror"


def code_text(page: Any) -> str:
    """What the code box holds, CodeMirror or text box."""
    if page.locator(".cm-content").count():
        return editor_text(page)
    return str(page.get_by_label("Your code").input_value())


def require_editor_bundle(server: Server) -> None:
    """Skip where the editor's bundle was not built (Node.js missing at install time); in CI,
    which installs Node.js first, a missing bundle is a failure."""
    manifest = httpx.get(server.url("/vendor/assets.json")).json()
    if manifest["editor"] is None:
        if os.environ.get("CI"):
            raise AssertionError(
                f"the code editor is not built in CI: {manifest['editor_missing']}"
            )
        pytest.skip(f"the code editor bundle is not built here: {manifest['editor_missing']}")
