"""Giving up in the browser: "Show solution" on a formula, a derivation and a code question.

The worked solution is not on the page (nor in the question's API body) before the learner asks
for it; asking shows the steps as MathML, or the reference code, and — signed in — stores a
failed attempt and brings the question back for review.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server

pytestmark = pytest.mark.slow

USERNAME = "e2e.giver-upper"
PASSWORD = "show-me-the-steps-9"
ONE_OF_EACH = {
    "expression": "mse-gradient-matrix",
    "derivation": "binary-cross-entropy-sigmoid-derivative",
    "code": "code-mse",
}


@pytest.fixture(scope="module")
def token(server: Server) -> str:
    user = {"username": USERNAME, "password": PASSWORD}
    assert httpx.post(server.url("/api/v1/users"), json=user).status_code == 201
    return str(httpx.post(server.url("/api/v1/auth/token"), data=user).json()["access_token"])


@pytest.mark.parametrize("kind", list(ONE_OF_EACH))
def test_giving_up_shows_the_worked_solution(
    page: Any, server: Server, token: str, kind: str
) -> None:
    qid = ONE_OF_EACH[kind]
    headers = {"Authorization": f"Bearer {token}"}
    body = httpx.get(server.url(f"/api/v1/questions/{qid}"), headers=headers).json()
    assert body["kind"] == kind and body["has_solution"] is True
    assert "solution" not in body and "Worked solution" not in str(body)

    page.goto(server.url("/"))
    page.evaluate(
        "([t, u]) => { localStorage.setItem('descent.token', t);"
        " localStorage.setItem('descent.user', u); }",
        [token, USERNAME],
    )
    page.goto(server.url(f"/questions/{qid}"))
    show = page.get_by_role("button", name="Show solution")
    expect(show).to_be_visible()
    expect(page.locator(".solution")).to_have_count(0)  # nothing before the give-up
    messages: list[str] = []

    def accept(dialog: Any) -> None:
        messages.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    show.click()
    solution = page.get_by_role("region", name="Worked solution")
    expect(solution).to_be_visible()
    assert "failed attempt" in messages[0]
    if kind == "code":
        expect(solution.locator("pre code")).to_contain_text("def mse")
    else:
        expect(solution.locator(".solution-steps math").first).to_be_visible()
        assert solution.locator(".solution-steps li").count() >= 2
    expect(show).to_be_hidden()

    attempts = httpx.get(server.url("/api/v1/me/attempts"), headers=headers).json()["data"]
    mine = [a for a in attempts if a["question"] == qid]
    assert mine and not mine[0]["correct"] and mine[0]["self_rating"] == "again", mine
    server.make_reviews_due()
    due = httpx.get(server.url("/api/v1/me/reviews/due"), headers=headers).json()["data"]
    assert qid in {card["question"] for card in due}
