"""Take the README's mock-interview screenshots: ``python -m tests.e2e.interview_screenshots [DIR]``.

Starts a server on a fresh database, signs a candidate up, and plays the same senior interview as
tests/e2e/test_interview.py: ``interview.png`` shows the conversation (a smaller step after "I
don't know", a challenge quoting a wrong claim, the follow-up on what was missed) and
``debrief.png`` the debrief. Writes to DIR (default ``docs/screenshots``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import httpx
from playwright.sync_api import expect, sync_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, Server
from tests.e2e.test_interview import CONTENT, Candidate, _seed, _topics, _wrong_then_right
from tests.live import live_server

REPO = Path(__file__).resolve().parents[2]


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, live_server(Path(tmp)) as base:
        server = Server(base, Path(tmp) / "descent.db")
        user = {"username": "grace", "password": "probing-questions-17"}
        httpx.post(server.url("/api/v1/users"), json=user).raise_for_status()
        token = httpx.post(server.url("/api/v1/auth/token"), data=user).json()["access_token"]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(server.url("/"))
            page.evaluate(
                "([t, u]) => { localStorage.setItem('descent.token', t);"
                " localStorage.setItem('descent.user', u); }",
                [token, user["username"]],
            )
            me = Candidate(page, server, token)
            first, second = _topics()
            page.goto(server.url("/interview"))
            for topic in (first, second):
                page.get_by_role("checkbox", name=CONTENT.topics[topic].title, exact=True).check()
            page.get_by_label("Level").select_option("senior")
            page.get_by_role("button", name="Start", exact=True).click()
            me.dont_know()
            me.answer_follow_ups(_seed(first))
            q2 = _seed(second)
            pair = _wrong_then_right(q2)
            assert pair is not None
            me.say(" ".join(pair))
            ideas = {i.id: i for i in q2.ideas}
            me.say(ideas[me.turn()["about"]].claim)
            expect(me.last_question()).to_contain_text("Follow-up")
            # the sticky header would sit in the middle of a full-page picture
            page.add_style_tag(content=".site-header { position: static !important; }")
            page.screenshot(path=out / "interview.png", full_page=True)
            page.get_by_role("button", name="End the interview").click()
            debrief = page.locator(".debrief")
            expect(debrief).to_be_visible()
            debrief.locator("details").first.evaluate("d => d.open = true")
            debrief.screenshot(path=out / "debrief.png")
            browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "screenshots")
