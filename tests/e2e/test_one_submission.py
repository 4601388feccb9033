"""One action, one submission: Ctrl+Enter (which the page suggests) and a double click on the
submit button each send exactly one ``POST`` and store exactly one attempt and one review entry,
on every kind of question, in the review queue and in the interview's answer box.

The browser counts the requests; the server's SQLite file counts what was stored.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import any_code_editor

pytestmark = pytest.mark.slow

USERNAME = "e2e.once"
PASSWORD = "one-click-one-attempt-7"
SETTLE_MS = 400  # time left for a late duplicate request to show up before counting

# One question of each kind, the label of its submit button, and how to give an answer (any
# answer: the test is about how many times it is sent, not whether it is right).
QUESTIONS = {
    "choice": ("adaptive-optimizers-moments-meaning", "Check answer"),
    "numeric": ("adaptive-optimizers-first-step", "Check answer"),
    "expression": ("adaptive-optimizers-bias-correction-formula", "Check"),
    "derivation": ("binary-cross-entropy-sigmoid-derivative", "Check lines"),
    "open": ("mse-outlier-overreaction", "Submit answer"),
    "code": ("code-mse", "Run"),
}


def _stored(server: Server, table: str, question_id: str) -> int:
    """Rows of ``table`` (attempts or review_logs) for this learner and question."""
    with sqlite3.connect(server.db) as conn:
        (count,) = conn.execute(
            f"SELECT count(*) FROM {table} WHERE question_id = ? AND user_id = "
            "(SELECT id FROM users WHERE username = ?)",
            (question_id, USERNAME),
        ).fetchone()
    return int(count)


def _answered_turns(server: Server) -> int:
    with sqlite3.connect(server.db) as conn:
        (count,) = conn.execute(
            "SELECT count(*) FROM interview_turns t JOIN interviews i ON t.interview_id = i.id "
            "WHERE t.answered_at IS NOT NULL AND i.user_id = "
            "(SELECT id FROM users WHERE username = ?)",
            (USERNAME,),
        ).fetchone()
    return int(count)


@pytest.fixture(scope="module")
def token(server: Server) -> str:
    created = httpx.post(
        server.url("/api/v1/users"), json={"username": USERNAME, "password": PASSWORD}
    )
    assert created.status_code == 201, created.text
    signed = httpx.post(
        server.url("/api/v1/auth/token"), json={"username": USERNAME, "password": PASSWORD}
    )
    assert signed.status_code == 200, signed.text
    return str(signed.json()["access_token"])


@pytest.fixture
def tab(page: Any, token: str) -> Iterator[tuple[Any, list[str]]]:
    """A signed-in tab and the POSTs it sends (their paths, in order)."""
    page.add_init_script(
        f"localStorage.setItem('descent.token', {token!r});"
        f"localStorage.setItem('descent.user', {USERNAME!r});"
    )
    posts: list[str] = []
    page.on("request", lambda r: r.method == "POST" and posts.append(r.url))
    yield page, posts


def _fill(scope: Any, kind: str) -> None:
    """Give an answer in the input of ``kind`` inside ``scope``."""
    if kind == "choice":
        scope.locator(".option input").first.check()
    elif kind in ("numeric", "expression"):
        scope.locator("input[name=answer]").fill("1")
    elif kind == "derivation":
        lines = scope.locator(".line input.formula-input")
        for i in range(lines.count()):
            lines.nth(i).fill(f"x + {i}")
    elif kind == "open":
        scope.get_by_label("Your answer").fill(
            "Squaring makes a large residual dominate the gradient, so one outlier pulls the fit."
        )
    elif kind != "code":  # the code box starts with the exercise's template: run as it is
        raise AssertionError(f"no way to answer a {kind} question in this test")


def _focus(page: Any, kind: str) -> None:
    """Put the keyboard focus in the answer, where a learner presses Ctrl+Enter."""
    if kind == "code":
        editor, _ = any_code_editor(page)
        editor.focus()
    elif kind == "choice":
        page.locator(".option input").first.focus()
    elif kind == "derivation":
        page.locator(".line input.formula-input").first.focus()
    elif kind == "open":
        page.get_by_label("Your answer").focus()
    else:
        page.locator("input[name=answer]").focus()


def _attempt_posts(posts: list[str], question_id: str) -> int:
    return sum(url.endswith(f"/questions/{question_id}/attempts") for url in posts)


def _one_action(page: Any, posts: list[str], question_id: str, label: str, act: Any) -> None:
    """Do ``act`` once and wait for its verdict; then the page has sent one more POST."""
    button = page.get_by_role("button", name=label, exact=True)
    before = _attempt_posts(posts, question_id)
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/attempts")
    ) as response:
        act(button)
    assert response.value.status == 200, response.value.text()
    expect(button).to_be_enabled()
    expect(button).to_have_text(label)  # back from "Checking…"
    page.wait_for_timeout(SETTLE_MS)
    assert _attempt_posts(posts, question_id) - before == 1, posts


@pytest.mark.parametrize("kind", list(QUESTIONS))
def test_ctrl_enter_and_double_click_each_send_one_attempt(
    tab: tuple[Any, list[str]], server: Server, kind: str
) -> None:
    page, posts = tab
    question_id, label = QUESTIONS[kind]
    page.goto(server.url(f"/questions/{question_id}"))
    expect(page.get_by_role("button", name=label, exact=True)).to_be_visible()
    _fill(page.locator(".answer-area"), kind)

    def ctrl_enter(_button: Any) -> None:
        _focus(page, kind)
        page.keyboard.press("Control+Enter")

    # an open answer is scheduled by the learner's own rating, not by the attempt
    logs = 0 if kind == "open" else 1
    _one_action(page, posts, question_id, label, ctrl_enter)
    assert _stored(server, "attempts", question_id) == 1
    assert _stored(server, "review_logs", question_id) == logs

    _one_action(page, posts, question_id, label, lambda button: button.dblclick())
    assert _stored(server, "attempts", question_id) == 2
    assert _stored(server, "review_logs", question_id) == 2 * logs


def test_a_review_is_sent_once(tab: tuple[Any, list[str]], server: Server, token: str) -> None:
    page, posts = tab
    assert server.make_reviews_due() >= len(QUESTIONS) - 1, "answered by the tests above"
    due = httpx.get(
        server.url("/api/v1/me/reviews/due"), headers={"Authorization": f"Bearer {token}"}
    )
    first = due.json()["data"][0]
    question_id, kind = first["question"], first["kind"]
    label = QUESTIONS[kind][1]
    before = _stored(server, "attempts", question_id), _stored(server, "review_logs", question_id)
    page.goto(server.url("/reviews"))
    stage = page.locator(".review-stage")
    expect(stage.get_by_role("button", name=label, exact=True)).to_be_visible()
    _fill(stage, kind)

    def ctrl_enter(_button: Any) -> None:
        _focus(page, kind)
        page.keyboard.press("Control+Enter")

    _one_action(page, posts, question_id, label, ctrl_enter)
    assert _stored(server, "attempts", question_id) == before[0] + 1
    assert _stored(server, "review_logs", question_id) == before[1] + (kind != "open")


def _composer_kind(composer: Any) -> str:
    if composer.locator("textarea").count():
        return "open"
    if composer.locator(".option input").count():
        return "choice"
    if composer.locator(".line input.formula-input").count():
        return "derivation"
    if composer.locator(".editor-wrap").count():
        return "code"
    return "numeric"


def test_the_interview_answer_box_sends_once(tab: tuple[Any, list[str]], server: Server) -> None:
    page, posts = tab
    page.goto(server.url("/interview"))
    page.get_by_role("checkbox", name="Mean Squared Error", exact=True).check()
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.get_by_role("timer")).to_contain_text(":")

    def answers() -> int:
        return sum(url.endswith("/answers") for url in posts)

    for act in ("ctrl+enter", "double click"):
        composer = page.locator(".composing form.composer")
        expect(composer).to_be_visible()
        kind = _composer_kind(composer)
        _fill(composer, kind)
        sent, stored = answers(), _answered_turns(server)
        send = composer.get_by_role("button", name="Send", exact=True)
        with page.expect_response(
            lambda r: r.request.method == "POST" and r.url.endswith("/answers")
        ) as response:
            if act == "ctrl+enter":
                composer.locator("textarea, input").first.focus()
                page.keyboard.press("Control+Enter")
            else:
                send.dblclick()
        assert response.value.status == 200, response.value.text()
        page.wait_for_timeout(SETTLE_MS)
        assert answers() - sent == 1, (act, kind, posts)
        assert _answered_turns(server) == stored + 1, (act, kind)
