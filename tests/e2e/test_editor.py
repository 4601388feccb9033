"""The code editor: CodeMirror from the package's own bundle, or a text box where it was not
built; either way Tab indents and Ctrl+Enter submits exactly once."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import code_editor, editor_text, require_editor_bundle

pytestmark = pytest.mark.slow

CODE_Q = "code-mse"
MSE_OK = "import numpy as np\n\ndef mse(y_true, y_pred):\n    return float(np.mean((y_true - y_pred) ** 2))"


def _attempt_posts(page: Any) -> list[str]:
    posts: list[str] = []
    page.on(
        "request",
        lambda r: (
            r.method == "POST"
            and r.url.endswith(f"/questions/{CODE_Q}/attempts")
            and posts.append(r.url)
        ),
    )
    return posts


def test_codemirror_highlights_numbers_lines_and_matches_brackets(
    fresh_page: Any, server: Server
) -> None:
    require_editor_bundle(server)
    page = fresh_page
    page.goto(server.url(f"/questions/{CODE_Q}"))
    editor = code_editor(page)
    expect(page.locator("textarea.code")).to_have_count(0)  # replaced, not hidden beside it
    editor.fill(MSE_OK)
    assert editor_text(page) == MSE_OK
    gutter = page.locator(".cm-lineNumbers .cm-gutterElement:not([style*='visibility: hidden'])")
    expect(gutter.filter(has_text=re.compile(r"^\d+$"))).to_have_count(4)  # one number a line
    keywords = page.locator(".cm-content .tok-keyword")
    expect(keywords.filter(has_text=re.compile(r"^(import|def|return)$"))).to_have_count(3)
    expect(page.locator(".cm-content .tok-number").filter(has_text="2")).to_have_count(1)
    # The caret after "np.mean(" shows that bracket and its partner.
    page.locator(".cm-line").nth(3).get_by_text(re.compile("return")).click()
    editor.press("End")
    for _ in range(len(" ** 2))")):
        editor.press("ArrowLeft")
    matched = page.locator(".cm-matchingBracket")
    expect(matched).to_have_count(2)
    expect(page.locator(".cm-nonmatchingBracket")).to_have_count(0)


def test_tab_indents_and_ctrl_enter_submits_once(fresh_page: Any, server: Server) -> None:
    require_editor_bundle(server)
    page = fresh_page
    posts = _attempt_posts(page)
    page.goto(server.url(f"/questions/{CODE_Q}"))
    editor = code_editor(page)
    editor.fill("import numpy as np\n\ndef mse(y_true, y_pred):\n")
    editor.press("Control+End")
    editor.press("Tab")  # indents instead of leaving the editor
    expect(editor).to_be_focused()
    editor.type("return float(np.mean((y_true - y_pred) ** 2")  # brackets close themselves
    assert editor_text(page) == MSE_OK
    editor.press("Control+Enter")
    expect(page.locator(".verdict .verdict-status")).to_have_text("Correct")
    page.wait_for_timeout(300)  # a second request would have been sent by now
    assert len(posts) == 1, posts
    assert editor_text(page) == MSE_OK  # Ctrl+Enter added no line
    # Esc then Tab leaves the editor (keyboard users are never trapped).
    editor.press("Escape")
    editor.press("Tab")
    expect(editor).not_to_be_focused()


def test_draft_survives_a_reload(fresh_page: Any, server: Server) -> None:
    require_editor_bundle(server)
    page = fresh_page
    page.goto(server.url(f"/questions/{CODE_Q}"))
    code_editor(page).fill(MSE_OK)
    page.reload()
    code_editor(page)
    assert editor_text(page) == MSE_OK
    page.get_by_role("button", name="Reset to starter").click()
    expect(page.locator(".cm-content")).to_contain_text("def mse")
    assert editor_text(page) != MSE_OK


def test_text_box_where_the_editor_was_not_built(fresh_page: Any, server: Server) -> None:
    """A server installed without Node.js has no bundle: the page says so in one line and the
    text box works (Tab indents, Ctrl+Enter submits once)."""
    page = fresh_page
    manifest = httpx.get(server.url("/vendor/assets.json")).json()
    missing = "The code editor was not built when Descent was installed: a plain text box is used."
    page.route(
        "**/vendor/assets.json",
        lambda route: route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps({**manifest, "editor": None, "editor_missing": missing}),
        ),
    )
    posts = _attempt_posts(page)
    page.goto(server.url(f"/questions/{CODE_Q}"))
    expect(page.locator(".editor-wrap[data-editor='textarea']")).to_be_attached()
    notice = page.locator(".editor-notice")
    expect(notice).to_have_text(missing)
    expect(page.locator(".cm-editor")).to_have_count(0)
    box = page.get_by_label("Your code")
    box.fill("import numpy as np\n\ndef mse(y_true, y_pred):\n")
    box.press("Control+End")
    box.press("Tab")
    expect(box).to_be_focused()
    box.type("return float(np.mean((y_true - y_pred) ** 2))")
    assert box.input_value() == MSE_OK
    box.press("Control+Enter")
    expect(page.locator(".verdict .verdict-status")).to_have_text("Correct")
    page.wait_for_timeout(300)
    assert len(posts) == 1, posts


def test_editor_bundle_is_fingerprinted_compressed_and_licensed(server: Server) -> None:
    require_editor_bundle(server)
    url = httpx.get(server.url("/vendor/assets.json")).json()["editor"]
    assert re.fullmatch(r"/vendor/codemirror\.[0-9a-f]{16}\.js", url)
    response = httpx.get(server.url(url), headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "immutable" in response.headers["cache-control"]
    assert "EditorView" in response.text or "cm-editor" in response.text
    licences = httpx.get(server.url("/static/build/LICENSES.txt"))
    assert licences.status_code == 200 and "@codemirror/view" in licences.text
