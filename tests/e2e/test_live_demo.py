"""The demo lab is live: a parameter change re-runs the demo by itself (debounced, a newer run
cancelling the one in flight), Plotly comes compressed and cached for good, and the first chart
and a re-run are fast enough to feel immediate (measured here, printed with -s)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import statistics
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM_ARGS, Server

pytestmark = pytest.mark.slow

DEMO = "lr-schedules"
# The targets of issue 22 on a warm server (the first chart within 1 s of opening the page in a
# browser with nothing cached, a re-run within 300 ms of the change, debounce included) are
# measured by `python -m tests.bench.demo_page_bench`, on a quiet machine. Here the bounds only
# catch a regression of another order (a chart library fetched again, runs queued behind stale
# ones) without failing because the machine is busy. DESCENT_E2E_TIME_FACTOR scales them.
FACTOR = float(os.environ.get("DESCENT_E2E_TIME_FACTOR", "1"))
FIRST_CHART_MS = 4000 * FACTOR
RERUN_MS = 1500 * FACTOR


def _runs(page: Any) -> int:
    return int(page.locator("#demo-chart").get_attribute("data-runs") or 0)


def _wait_runs(page: Any, n: int) -> None:
    expect(page.locator("#demo-chart")).to_have_attribute("data-runs", str(n), timeout=20_000)


def _chart_title(page: Any) -> str:
    return page.locator("#demo-chart .gtitle").first.text_content() or ""


def test_a_change_reruns_the_demo_without_pressing_run(fresh_page: Any, server: Server) -> None:
    page = fresh_page
    posts: list[dict[str, Any]] = []
    page.on(
        "request",
        lambda r: (
            r.method == "POST"
            and r.url.endswith(f"/demos/{DEMO}")
            and posts.append(r.post_data_json)
        ),
    )
    page.goto(server.url(f"/demos/{DEMO}"))
    _wait_runs(page, 1)
    assert "peak lr = 0.1" in _chart_title(page)
    page.get_by_label("Lr", exact=True).fill("0.2")
    _wait_runs(page, 2)
    assert "peak lr = 0.2" in _chart_title(page)
    expect(page).to_have_url(re.compile(r"[?&]lr=0\.2\b"))
    page.get_by_role("checkbox", name="cyclical").uncheck()
    _wait_runs(page, 3)
    legend = page.locator("#demo-chart .legend").first
    expect(legend).not_to_contain_text("cyclical")
    assert len(posts) == 3, posts  # one run per change: the debounce merged the keystrokes
    assert posts[-1]["lr"] == 0.2 and "cyclical" not in posts[-1]["schedules"]


def test_a_newer_change_cancels_the_run_in_flight(fresh_page: Any, server: Server) -> None:
    page = fresh_page
    held: list[Any] = []
    failed: list[str] = []

    def hold_lr_03(route: Any) -> None:
        if (route.request.post_data_json or {}).get("lr") == 0.3:
            held.append(route)  # answered only after the newer run is drawn
        else:
            route.continue_()

    page.route(f"**/api/v1/demos/{DEMO}", hold_lr_03)
    page.on("requestfailed", lambda r: failed.append(r.post_data or ""))
    page.goto(server.url(f"/demos/{DEMO}"))
    _wait_runs(page, 1)
    lr = page.get_by_label("Lr", exact=True)
    lr.fill("0.3")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the change did not start a run"
    lr.fill("0.25")
    _wait_runs(page, 2)
    assert "peak lr = 0.25" in _chart_title(page)
    for _ in range(40):  # the stale request was aborted by the page
        if any('"lr":0.3' in body.replace(" ", "") for body in failed):
            break
        page.wait_for_timeout(50)
    assert any('"lr":0.3' in body.replace(" ", "") for body in failed), failed
    with contextlib.suppress(Exception):  # already cancelled by the page: nothing to answer
        held[0].continue_()
    page.wait_for_timeout(300)
    assert _runs(page) == 2 and "peak lr = 0.25" in _chart_title(page)  # the stale run never drew


def test_plotly_is_fingerprinted_compressed_and_immutable(server: Server) -> None:
    manifest = httpx.get(server.url("/vendor/assets.json")).json()
    assert httpx.get(server.url("/vendor/assets.json")).headers["cache-control"] == "no-cache"
    for key in ("plotly", "plotly_cartesian"):
        url = manifest[key]
        if url is None:
            assert key == "plotly_cartesian" and not os.environ.get("CI"), manifest
            continue
        assert re.fullmatch(r"/vendor/plotly(-cartesian)?\.[0-9a-f]{16}\.js", url), url
        gz = httpx.get(server.url(url), headers={"Accept-Encoding": "gzip"})
        assert gz.status_code == 200
        assert gz.headers["content-encoding"] == "gzip"
        assert gz.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert int(gz.headers["content-length"]) < 0.4 * len(gz.content)  # sent compressed
        plain = httpx.get(server.url(url), headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers and plain.content == gz.content
        stale = re.sub(r"\.[0-9a-f]{16}\.js$", ".0000000000000000.js", url)
        assert httpx.get(server.url(stale)).status_code == 404


def _first_chart(browser: Any, server: Server) -> tuple[float, list[float]]:
    """Open the demo in a fresh browser profile: ms to the first chart, then the re-run times."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(server.url(f"/demos/{DEMO}"))
        _wait_runs(page, 1)
        first = float(
            page.evaluate("performance.getEntriesByName('descent:first-chart')[0].startTime")
        )
        lr = page.get_by_label("Lr", exact=True)
        for n, value in enumerate(["0.05", "0.2", "0.15", "0.3", "0.25", "0.12"], start=2):
            lr.fill(value)
            _wait_runs(page, n)
        reruns = page.evaluate("performance.getEntriesByName('descent:rerun').map(e => e.duration)")
        return first, [float(x) for x in reruns]
    finally:
        context.close()


def test_first_chart_and_rerun_times(browser: Any, server: Server, record_property: Any) -> None:
    assert "--no-sandbox" in CHROMIUM_ARGS
    _first_chart(browser, server)  # warms the server: compressed bundles, the demo's code
    firsts, reruns = [], []
    for _ in range(3):
        first, again = _first_chart(browser, server)
        firsts.append(first)
        reruns += again
    first_ms, rerun_ms = min(firsts), statistics.median(reruns)
    figures = {
        "first_chart_ms": [round(x) for x in firsts],
        "rerun_ms_median": round(rerun_ms),
        "rerun_ms_max": round(max(reruns)),
    }
    record_property("demo_timing", json.dumps(figures))
    print(f"\ndemo {DEMO} on a warm server: {figures}")
    assert first_ms <= FIRST_CHART_MS, figures
    assert rerun_ms <= RERUN_MS, figures
