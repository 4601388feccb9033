"""Take the README's screenshots of the main pages: ``python -m tests.e2e.screenshots [DIR]``.

Starts a server on a fresh database, signs a learner up, answers a few questions so that the
pages have something to show, and writes PNGs to DIR (default ``docs/screenshots``).
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, minutes_ago
from tests.live import live_server

REPO = Path(__file__).resolve().parents[2]
ADAM_BIAS_MISSING = """import numpy as np

def adam_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return w - lr * m / (np.sqrt(v) + eps), m, v
"""


def _sign_up(page: Page, base: str) -> None:
    page.goto(f"{base}/login")
    form = page.locator("form", has=page.get_by_role("heading", name="Create an account"))
    form.get_by_label("Choose a username").fill("ada")
    form.get_by_label("Choose a password").fill("gradients-descend-42")
    form.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _practise(page: Page, base: str, out: Path) -> None:
    page.goto(f"{base}/questions/mse-gradient-matrix")
    page.get_by_label("Your formula").fill("2/n X^T (y - X beta)")
    expect(page.locator(".answer-area .preview math")).to_be_visible()
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page.locator(".verdict")).to_be_visible()
    page.get_by_role("button", name="Show a hint (1 of 2)").click()
    page.screenshot(path=out / "expression.png", full_page=True)
    page.get_by_label("Your formula").fill("-2/n X^T (y - X beta)")
    page.get_by_role("button", name="Check", exact=True).click()

    page.goto(f"{base}/questions/binary-cross-entropy-sigmoid-derivative")
    lines = page.locator(".lines input")
    lines.nth(0).fill("exp(-z)/(1+exp(-z))^2")
    lines.nth(1).fill("sigmoid(z)*(1+sigmoid(z))")
    lines.nth(1).press("Enter")
    lines.nth(2).fill("sigmoid(z)*(1-sigmoid(z))")
    page.get_by_role("button", name="Check lines").click()
    expect(page.locator(".line.first-wrong")).to_be_visible()
    page.screenshot(path=out / "derivation.png", full_page=True)

    page.goto(f"{base}/questions/mse-outlier-overreaction")
    page.get_by_label("Your answer").fill(
        "One big residual dominates the squared loss and its gradient. Switch to Huber loss, "
        "quadratic near zero and linear beyond delta, so the outlier's pull is bounded."
    )
    page.get_by_role("button", name="Submit answer").click()
    page.get_by_role("button", name="Good", exact=True).click()
    expect(page.locator(".rating")).to_contain_text("Next review")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=out / "open.png", full_page=True)

    page.goto(f"{base}/questions/code-adam-step")
    page.get_by_label("Your code").fill(ADAM_BIAS_MISSING)
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.locator("table.cases")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")  # the sticky header at the top of the picture
    page.screenshot(path=out / "code.png", full_page=True)

    for qid, option in (("mse-gradient-form", 0), ("mse-unit-scaling", 1)):
        page.goto(f"{base}/questions/{qid}")
        page.locator(".option input").nth(option).check()
        page.get_by_role("button", name="Check answer").click()
        expect(page.locator(".verdict")).to_be_visible()


def take(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as tmp,
        live_server(Path(tmp)) as base,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        _sign_up(page, base)
        _practise(page, base, out)
        with sqlite3.connect(Path(tmp) / "descent.db") as conn:  # let the reviews fall due
            conn.execute("UPDATE review_cards SET due = ?", (minutes_ago(20),))
        for name, path in (
            ("topics", "/"),
            ("study", "/topics/mse"),
            ("progress", "/progress"),
            ("reviews", "/reviews"),
            ("demo", "/demos/optimizer-paths"),
        ):
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            if path.startswith("/demos") or path == "/progress":
                expect(page.locator(".main-svg").first).to_be_attached()
            page.wait_for_timeout(400)
            page.screenshot(path=out / f"{name}.png", full_page=name in ("demo", "progress"))
        dark = browser.new_page(viewport={"width": 390, "height": 844}, color_scheme="dark")
        dark.goto(base + "/questions/mse-gradient-matrix")
        dark.get_by_label("Your formula").fill("-2/n X^T (y - X beta)")
        expect(dark.locator(".answer-area .preview math")).to_be_visible()
        dark.screenshot(path=out / "phone-dark.png")
        browser.close()


if __name__ == "__main__":
    take(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "screenshots")
