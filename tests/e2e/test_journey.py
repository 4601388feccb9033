"""A learner's journey through the web app, in order: sign up, study, practise, demo, review.

The tests of this module share one browser profile, so they run in file order and build on
each other (the account made first is the one that answers, rates and reviews later).
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import any_code_editor, code_text

pytestmark = pytest.mark.slow

USERNAME = "e2e.learner"
PASSWORD = "gradients-descend-42"
EXPRESSION_Q = "mse-gradient-matrix"  # ∇β of (1/n)‖y − Xβ‖²
OPEN_Q = "mse-outlier-overreaction"
CODE_Q = "code-mse"
MSE_SUM = (
    "import numpy as np\n\ndef mse(y_true, y_pred):\n    return np.sum((y_true - y_pred) ** 2)\n"
)
MSE_OK = "import numpy as np\n\ndef mse(y_true, y_pred):\n    return float(np.mean((y_true - y_pred) ** 2))\n"


def test_a_learner_signs_up(page: Any, server: Server) -> None:
    page.goto(server.url("/login?next=/"))
    form = page.locator("form", has=page.get_by_role("heading", name="Create an account"))
    form.get_by_label("Choose a username").fill(USERNAME)
    form.get_by_label("Choose a password").fill(PASSWORD)
    form.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(server.url("/"))
    expect(page.locator("#account")).to_contain_text(USERNAME)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    token = page.evaluate("localStorage.getItem('descent.token')")
    me = httpx.get(server.url("/api/v1/me"), headers={"Authorization": f"Bearer {token}"})
    assert me.json()["username"] == USERNAME


def test_topic_page_shows_rendered_math(page: Any, server: Server) -> None:
    page.goto(server.url("/"))
    page.get_by_role("link", name="Mean Squared Error", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mean Squared Error")
    formula = page.locator("#formula-1 math[display=block]")
    expect(formula).to_be_visible()
    assert formula.bounding_box()["height"] > 20  # laid out as maths, not as raw text
    expect(page.locator("#step-1 math").first).to_be_visible()
    expect(page.get_by_role("link", name="MSE gradient in matrix form")).to_be_visible()


def test_expression_wrong_then_right(page: Any, server: Server) -> None:
    page.goto(server.url(f"/questions/{EXPRESSION_Q}"))
    box = page.get_by_label("Your formula")
    box.fill("2/n X^T (y - X beta")
    preview = page.locator(".answer-area .preview")
    expect(preview).to_have_class(re.compile(r"\berror\b"))
    expect(preview).to_contain_text("missing closing")
    expect(preview.locator("mark")).to_be_visible()  # the error is shown at its position
    box.fill("2/n X^T (y - X beta)")
    expect(preview.locator("math")).to_be_visible()  # interpreted as…
    expect(preview).to_contain_text("Interpreted as")
    page.get_by_role("button", name="Check", exact=True).click()
    verdict = page.locator(".verdict")
    expect(verdict.locator(".verdict-status")).to_have_text("Not yet")
    expect(verdict.locator(".feedback li.mistake").first).to_contain_text("Wrong sign")
    page.get_by_role("button", name="Show a hint (1 of 2)").click()
    expect(page.locator(".hint")).to_have_count(1)
    box.fill("-2/n X^T (y - X beta)")
    page.get_by_role("button", name="Check", exact=True).click()
    expect(verdict.locator(".verdict-status")).to_have_text("Correct")


def test_open_question_answered_and_rated(page: Any, server: Server) -> None:
    page.goto(server.url(f"/questions/{OPEN_Q}"))
    page.get_by_label("Your answer").fill(
        "The square makes one large residual dominate the gradient. I would switch to the Huber "
        "loss: quadratic for small residuals, linear beyond a threshold, so the outlier's "
        "gradient is bounded."
    )
    page.get_by_role("button", name="Submit answer").click()
    verdict = page.locator(".verdict")
    expect(verdict.locator(".idea.covered").first).to_be_visible()
    expect(verdict.get_by_role("heading", name=re.compile(r"Ideas: \d+ covered"))).to_be_visible()
    expect(verdict.locator(".answer-marked mark.covered").first).to_be_visible()  # own words
    expect(verdict.locator(".model-answer")).to_contain_text("Huber")
    for rating in ("Again", "Hard", "Good", "Easy"):
        expect(verdict.get_by_role("button", name=rating, exact=True)).to_be_visible()
    expect(verdict.locator(".ratings .suggested")).to_have_count(1)
    verdict.get_by_role("button", name="Good", exact=True).click()
    expect(verdict.locator(".rating")).to_contain_text("Next review")


def test_open_answer_that_denies_an_idea_is_marked(page: Any, server: Server) -> None:
    page.goto(server.url("/questions/huber-delta-bias-variance"))
    page.get_by_label("Your answer").fill(
        "A larger delta makes the Huber fit more robust to outliers, because fewer residuals "
        "are squared."
    )
    page.get_by_role("button", name="Submit answer").click()
    verdict = page.locator(".verdict")
    expect(verdict.locator(".verdict-status")).to_have_text("Not yet")
    expect(verdict.locator(".answer-marked mark.misconception")).to_be_visible()
    expect(verdict).to_contain_text("the other way round")  # the correction
    expect(verdict.locator(".idea.missing").first).to_contain_text("ask yourself")


def test_code_exercise_shows_the_case_table(page: Any, server: Server) -> None:
    page.goto(server.url(f"/questions/{CODE_Q}"))
    editor, codemirror = any_code_editor(page)  # CodeMirror, or the text box without its bundle
    assert "def mse" in code_text(page)
    editor.fill("import numpy as np\n\ndef mse(y_true, y_pred):\n")
    editor.press("Control+End")
    editor.press("Tab")  # indents instead of leaving the editor
    expect(editor).to_be_focused()
    closing = "" if codemirror else ")"  # CodeMirror closes the bracket itself
    editor.type("return np.sum((y_true - y_pred) ** 2" + closing)
    assert code_text(page) == MSE_SUM.rstrip("\n")
    page.get_by_role("button", name="Run", exact=True).click()
    table = page.locator("table.cases")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr").first).to_contain_text("failed")
    expect(table).to_contain_text("hidden")
    expect(page.locator(".verdict")).to_contain_text("np.mean")
    editor.fill(MSE_OK)
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.locator(".verdict .verdict-status")).to_have_text("Correct")
    rows = table.locator("tbody tr")
    assert rows.count() >= 3
    expect(table.locator("td.fail")).to_have_count(0)


def test_demo_run_draws_the_chart(page: Any, server: Server) -> None:
    page.goto(server.url("/demos"))
    page.get_by_role("link", name=re.compile("Learning-rate schedules")).click()
    expect(page).to_have_url(server.url("/demos/lr-schedules"))
    run = page.get_by_role("button", name="Run", exact=True)
    expect(run).to_be_enabled()
    chart = page.locator("#demo-chart .main-svg").first
    expect(chart).to_be_attached()  # the page runs the defaults once on arrival
    drawn = "JSON.stringify(document.getElementById('demo-chart').data)"
    before = page.evaluate(drawn)
    page.get_by_label("Steps", exact=True).fill("200")
    run.click()
    expect(page).to_have_url(re.compile(r"[?&]steps=200"))  # the params are in the URL
    page.wait_for_function(f"{drawn} !== {json.dumps(before)}")  # redrawn with the new run
    expect(chart).to_be_attached()
    expect(page.locator("#demo-summary")).not_to_be_empty()
    page.reload()  # a shared link reproduces the view
    expect(page.get_by_label("Steps", exact=True)).to_have_value("200")
    expect(chart).to_be_attached()


def test_progress_and_a_due_review(page: Any, server: Server) -> None:
    page.goto(server.url("/progress"))
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()
    expect(page.locator(".stat").filter(has_text="answers")).to_contain_text(re.compile(r"[1-9]"))
    expect(page.locator("#mastery-chart .main-svg").first).to_be_attached()
    expect(page.locator("#accuracy-chart .main-svg").first).to_be_attached()
    assert server.make_reviews_due() >= 3
    page.reload()
    expect(page.locator(".stat").filter(has_text="reviews due")).to_contain_text(
        re.compile(r"[1-9]")
    )
    expect(page.locator("#due-badge")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Reviews")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviews")
    queue = page.get_by_role("list", name="Due questions")
    expect(queue.locator("li")).to_have_count(server_due_count(server, page))
    expect(queue).to_contain_text("MSE gradient in matrix form")
    expect(page.locator(".review-stage h2")).to_contain_text("1 of")


def server_due_count(server: Server, page: Any) -> int:
    token = page.evaluate("localStorage.getItem('descent.token')")
    due = httpx.get(
        server.url("/api/v1/me/reviews/due"), headers={"Authorization": f"Bearer {token}"}
    )
    return due.json()["count"]


def test_ask_descent_opens_the_passage(page: Any, server: Server) -> None:
    if "/api/v1/ask" not in httpx.get(server.url("/openapi.json")).json()["paths"]:
        pytest.skip("this server has no Ask Descent yet")
    page.goto(server.url("/topics/mae"))
    box = page.locator("main").get_by_role("searchbox")
    box.fill("why is the gradient constant?")
    box.press("Enter")
    answer = page.locator("main .ask-results .answer a").first
    expect(answer).to_be_visible()
    answer.click()
    expect(page).to_have_url(re.compile(r"/topics/[a-z0-9-]+#[a-z0-9-]+$"))
    anchor = page.url.rsplit("#", 1)[1]
    expect(page.locator(f"[id='{anchor}']")).to_be_in_viewport()


def test_mock_interview_and_its_report(page: Any, server: Server) -> None:
    page.goto(server.url("/interview"))
    page.get_by_role("checkbox", name="Mean Squared Error", exact=True).check()
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.get_by_role("timer")).to_contain_text(":")
    expect(page.locator(".chat .bubble.interviewer").first).to_be_visible()  # the first question
    page.get_by_role("button", name="End the interview").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Debrief: "))).to_be_visible()
    expect(page.locator(".debrief")).to_contain_text("Score ")


def test_sign_out_returns_to_anonymous_mode(page: Any, server: Server) -> None:
    page.goto(server.url("/"))
    page.wait_for_load_state("networkidle")  # the page's own signed-in requests have landed
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    assert page.evaluate("localStorage.getItem('descent.token')") is None
    page.goto(server.url("/progress"))
    expect(page.get_by_role("link", name="Sign in or create an account")).to_be_visible()
