"""Every page serves, fits a phone, reads in both schemes and works from the keyboard."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server

pytestmark = pytest.mark.slow

PAGES = [
    "/",
    "/topics/huber",
    "/questions/mse-gradient-form",
    "/questions/code-huber",
    "/questions/binary-cross-entropy-sigmoid-derivative",
    "/reviews",
    "/progress",
    "/interview",
    "/login",
    "/demos",
]


def test_every_deep_link_serves_the_app(server: Server) -> None:
    for path in [*PAGES, "/demos/momentum"]:
        response = httpx.get(server.url(path))
        assert response.status_code == 200, path
        assert 'src="/static/js/main.js"' in response.text
    assert httpx.get(server.url("/docs")).status_code == 200
    assert httpx.get(server.url("/static/app.css")).status_code == 200
    plotly = httpx.get(server.url("/vendor/plotly.min.js"))
    assert plotly.status_code == 200 and len(plotly.content) > 1_000_000


def test_no_horizontal_scroll_on_a_phone(fresh_page: Any, server: Server) -> None:
    fresh_page.set_viewport_size({"width": 375, "height": 740})
    for path in PAGES:
        fresh_page.goto(server.url(path))
        expect(fresh_page.locator("main h1").first).to_be_visible()
        fresh_page.wait_for_load_state("networkidle")
        width = fresh_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} scrolls sideways: {width} px wide"
    menu = fresh_page.get_by_role("button", name="Menu")
    menu.click()
    expect(
        fresh_page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress")
    ).to_be_visible()


def test_dark_and_light_schemes(browser: Any, server: Server) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        tab = context.new_page()
        tab.goto(server.url("/topics/mse"))
        expect(tab.locator("main h1")).to_be_visible()
        colours[scheme] = tab.evaluate(
            "[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
        )
        context.close()
    assert colours["light"] != colours["dark"]
    assert _luminance(colours["dark"][0]) < 0.2 < _luminance(colours["dark"][1])
    assert _luminance(colours["light"][0]) > 0.8 > _luminance(colours["light"][1])


def _luminance(css: str) -> float:
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def test_keyboard_only_answer(fresh_page: Any, server: Server) -> None:
    page = fresh_page
    page.goto(server.url("/questions/mse-gradient-form"))
    expect(page.locator("main h1")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.locator(".option input").first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".verdict .verdict-status")).to_be_visible()
    outline = page.evaluate(
        "(() => { const el = document.activeElement; return getComputedStyle(el).outlineStyle; })()"
    )
    assert outline != "none"  # focus stays visible


def test_anonymous_answers_are_graded(fresh_page: Any, server: Server) -> None:
    page = fresh_page
    page.goto(server.url("/questions/mse-variant-compute"))
    expect(page).to_have_url(re.compile(r"\?variant=\d+"))  # the drawn numbers are in the link
    variant = int(page.url.rsplit("=", 1)[1])
    expected = httpx.post(
        server.url("/api/v1/questions/mse-variant-compute/attempts"),
        json={"answer": "0", "variant": variant},
    ).json()["answer"]
    page.get_by_label("Your answer").fill(str(expected))
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator(".verdict .verdict-status")).to_have_text("Correct")
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
