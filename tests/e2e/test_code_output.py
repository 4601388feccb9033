"""What the learner's code prints is shown with each visible case, bounded, with the cut said."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from app.web import STATIC_DIR
from tests.e2e.conftest import Server
from tests.e2e.helpers import any_code_editor

pytestmark = pytest.mark.slow

CODE_Q = "code-mse"
PRINTING = (
    "import numpy as np\n\ndef mse(y_true, y_pred):\n    print('shapes', y_true.shape)\n"
    "    return float(np.mean((y_true - y_pred) ** 2))"
)
SHOWN = 4000  # SHOWN_OUTPUT_CHARS in app/web/static/js/kinds/code.js


def _case_result_fields(server: Server) -> set[str]:
    schemas = httpx.get(server.url("/openapi.json")).json()["components"]["schemas"]
    return set(schemas.get("CaseResult", {}).get("properties", {}))


def test_the_shown_bound_is_the_one_the_page_uses() -> None:
    source = (STATIC_DIR / "js" / "kinds" / "code.js").read_text(encoding="utf-8")
    assert f"export const SHOWN_OUTPUT_CHARS = {SHOWN};" in source


def test_printed_output_of_a_visible_case_is_shown(fresh_page: Any, server: Server) -> None:
    """End to end: the judge captures the prints and the page shows them."""
    if "stdout" not in _case_result_fields(server):
        pytest.skip("the code judge does not report printed output yet (CaseResult.stdout)")
    page = fresh_page
    page.goto(server.url(f"/questions/{CODE_Q}"))
    box, _ = any_code_editor(page)  # filled before the editor mounts, the starter joins it
    box.fill(PRINTING)
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.locator(".verdict .verdict-status")).to_have_text("Correct")
    output = page.locator("table.cases tr.case-output").first
    expect(output.locator(".output.stdout pre")).to_contain_text("shapes (3,)")
    expect(page.locator("table.cases")).not_to_contain_text("Cut:")


def test_long_output_is_cut_and_says_so(fresh_page: Any, server: Server) -> None:
    """The page's side, whatever the judge sends: a verdict with printed output (one stream cut
    by the server, one longer than the page shows) is rendered bounded, and the cut is said."""
    page = fresh_page
    long_text = "".join(f"step {i}: loss {1 / (i + 1):.6f}\n" for i in range(600))
    assert len(long_text) > SHOWN
    verdict = {
        "kind": "code",
        "status": "partial",
        "correct": False,
        "score": 0.5,
        "feedback": [{"code": "cases-failed", "message": "1 of 2 cases failed"}],
        "stdout": "loading the module\n",
        "stderr": "",
        "output_truncated": False,
        "cases": [
            {
                "name": "example 1",
                "visible": True,
                "passed": True,
                "message": "",
                "call": "mse(np.array([1.0]), np.array([2.0]))",
                "stdout": long_text,
                "stderr": "RuntimeWarning: overflow\n",
                "output_truncated": False,
            },
            {
                "name": "example 2",
                "visible": True,
                "passed": False,
                "message": "wrong value",
                "call": "mse(np.array([0.0]), np.array([0.0]))",
                "stdout": "short\n",
                "stderr": "",
                "output_truncated": True,
            },
            {
                "name": "hidden 1",
                "visible": False,
                "passed": True,
                "message": "",
                "stdout": "",
                "stderr": "",
                "output_truncated": False,
                "output_hidden": True,
            },
        ],
    }
    page.route(
        f"**/api/v1/questions/{CODE_Q}/attempts",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(verdict)
        ),
    )
    page.goto(server.url(f"/questions/{CODE_Q}"))
    box, _ = any_code_editor(page)  # filled before the editor mounts, the starter joins it
    box.fill(PRINTING)
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.locator(".verdict")).to_contain_text("Printed while loading your code")
    expect(page.locator(".verdict")).to_contain_text("loading the module")
    outputs = page.locator("table.cases tr.case-output")
    expect(outputs).to_have_count(2)  # the hidden case prints nothing here
    first = outputs.nth(0)
    shown = first.locator(".output.stdout pre").text_content()
    assert shown is not None and len(shown) == SHOWN and shown == long_text[:SHOWN]
    expect(first.locator(".output.stdout .output-cut")).to_contain_text("first 4,000 characters")
    expect(first.locator(".output.stderr pre")).to_have_text("RuntimeWarning: overflow\n")
    expect(first.locator(".output.stderr .output-cut")).to_have_count(0)
    second = outputs.nth(1)
    expect(second.locator(".output.stdout pre")).to_have_text("short\n")
    expect(second.locator(".output-cut")).to_contain_text("Cut:")  # the server's own cut
    expect(page.locator(".verdict")).to_contain_text("What hidden cases print is not shown")


def test_the_page_promises_printed_output_only_when_the_judge_reports_it(
    fresh_page: Any, server: Server
) -> None:
    page = fresh_page
    page.goto(server.url(f"/questions/{CODE_Q}"))
    expect(page.get_by_label("Your code")).to_be_visible()
    page.wait_for_load_state("networkidle")  # the server's features are known
    note = page.get_by_text("What your code prints is shown with each visible case.")
    if "stdout" in _case_result_fields(server):
        expect(note).to_be_visible()
    else:
        expect(note).to_be_hidden()
