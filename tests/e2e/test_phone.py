"""At a phone's width (390 px) no page is wider than the screen: every kind of page, each kind
of question, every demo, a learner's progress and reviews, the interview, sign-in and Ask.
Long formulas scroll inside their own box, demo tables become cards and chart panels stack."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Console, Server, _context, _finish

pytestmark = pytest.mark.slow

WIDTH = 390
QUESTIONS = {  # one of each kind, with the widest formulas where there is a choice
    "open": "mse-outlier-overreaction",
    "choice": "mse-gradient-form",
    "numeric": "mse-variant-compute",
    "expression": "mse-gradient-matrix",
    "derivation": "binary-cross-entropy-logistic-l2-gradient",
    "code": "code-cosine-annealing",
}
TOPICS = ("mse", "lr-schedules", "choosing-a-loss")  # the last two: the widest formulas


@pytest.fixture(scope="module")
def phone(browser: Any, server: Server) -> Iterator[tuple[Any, Console]]:
    """A signed-in learner on a phone, with answers (progress charts) and due reviews."""
    context, console = _context(browser)
    page = context.new_page()
    page.set_viewport_size({"width": WIDTH, "height": 844})
    page.goto(server.url("/login"))
    form = page.locator("form", has=page.get_by_role("heading", name="Create an account"))
    form.get_by_label("Choose a username").fill("e2e.phone")
    form.get_by_label("Choose a password").fill("narrow-screens-390")
    form.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    for qid, option in (("mse-gradient-form", 0), ("mse-unit-scaling", 1)):
        page.goto(server.url(f"/questions/{qid}"))
        page.locator(".option input").nth(option).check()
        page.get_by_role("button", name="Check answer").click()
        expect(page.locator(".verdict")).to_be_visible()
    server.make_reviews_due()
    yield page, console
    context.close()


def _fits(page: Any, path: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{path} is {width} px wide on a {WIDTH} px screen"


@pytest.fixture
def tab(
    request: pytest.FixtureRequest, phone: tuple[Any, Console], screenshot_dir: Any
) -> Iterator[Any]:
    page, console = phone
    seen = len(console.errors)
    yield page
    _finish(request, page, console, screenshot_dir, seen)


def _open(page: Any, server: Server, path: str) -> None:
    page.goto(server.url(path))
    expect(page.locator("main h1").first).to_be_visible()
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("path", ["/", "/demos", "/progress", "/reviews", "/interview", "/login"])
def test_pages_fit(tab: Any, server: Server, path: str) -> None:
    _open(tab, server, path)
    if path == "/progress":
        expect(tab.locator("#accuracy-chart .main-svg").first).to_be_attached()
    if path == "/reviews":
        expect(tab.locator(".review-stage")).to_be_visible()
    _fits(tab, path)


@pytest.mark.parametrize("topic", TOPICS)
def test_topics_fit_and_long_formulas_scroll_in_their_box(
    tab: Any, server: Server, topic: str
) -> None:
    _open(tab, server, f"/topics/{topic}")
    _fits(tab, topic)
    if topic == "lr-schedules":
        # The widest formula (the cyclical schedule) is wider than the phone: its box scrolls.
        widths = tab.locator("#formulas-h ~ .grid .math-scroll").evaluate_all(
            "boxes => boxes.map(b => [b, b.querySelector('math')].map(e => [e.scrollWidth, e.clientWidth]))"
        )
        assert any(s > c for box in widths for s, c in box), widths


@pytest.mark.parametrize("kind", sorted(QUESTIONS))
def test_each_kind_of_question_fits(tab: Any, server: Server, kind: str) -> None:
    path = f"/questions/{QUESTIONS[kind]}"
    _open(tab, server, path)
    _fits(tab, path)


def test_every_demo_fits_with_stacked_panels_and_card_tables(tab: Any, server: Server) -> None:
    demos = [d["id"] for d in httpx.get(server.url("/api/v1/demos")).json()["data"]]
    assert len(demos) >= 10
    for demo in demos:
        tab.goto(server.url(f"/demos/{demo}"))
        expect(tab.locator("#demo-chart")).to_have_attribute("data-runs", "1", timeout=20_000)
        _fits(tab, demo)
        domains = tab.evaluate(
            "Object.entries(document.getElementById('demo-chart').layout)"
            ".filter(([k]) => /^xaxis\\d*$/.test(k)).map(([, v]) => v.domain)"
        )
        for domain in domains:  # one column: every panel as wide as the chart
            assert domain is None or domain == [0, 1], (demo, domains)
    tab.goto(server.url("/demos/optimizer-paths"))
    expect(tab.locator("#demo-chart")).to_have_attribute("data-runs", "1", timeout=20_000)
    row = tab.locator("#demo-summary table.cards tbody tr").first
    expect(row).to_be_visible()
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    label = row.locator("td").first.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Optimizer"', label
    expect(tab.locator("#demo-summary table.cards thead")).not_to_be_in_viewport()


def test_ask_results_fit(tab: Any, server: Server) -> None:
    if "/api/v1/ask" not in httpx.get(server.url("/openapi.json")).json()["paths"]:
        pytest.skip("this server has no Ask Descent")
    _open(tab, server, "/topics/mae")
    box = tab.locator("#ask-header-input")
    box.fill("why does the gradient of the absolute error not shrink near the optimum?")
    box.press("Enter")
    expect(tab.locator("#ask-panel .answer").first).to_be_visible()
    _fits(tab, "the Ask panel")
