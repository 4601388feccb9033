"""A senior mock interview on two topics, in the browser, as a candidate would take it.

The answers are chosen from the rubrics (a sentence that states one idea, a misconception about
another), and checked with the same grader before they are typed, so the test is about the
interviewer's behaviour — what it asks after each answer — not about the grader's reading of
one phrasing: "I don't know" gets a smaller step, a wrong claim is challenged with the
candidate's own words, a weak answer gets the authored follow-up, a strong one moves on, and
the debrief quotes the candidate and fills the review queue.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from content import PACKAGED_CONTENT_DIR, load_content
from engine.kinds import grade
from engine.kinds.open import OpenDetails, OpenQuestion
from tests.e2e.conftest import Server

pytestmark = pytest.mark.slow

USERNAME = "e2e.candidate"
PASSWORD = "probing-questions-17"
CONTENT = load_content(PACKAGED_CONTENT_DIR)


def _seed(topic: str) -> OpenQuestion:
    """The topic's probing question: the one an interview on it opens with."""
    return next(q for q in CONTENT.topics[topic].questions if isinstance(q, OpenQuestion))


def _wrong_then_right(question: OpenQuestion) -> tuple[str, str] | None:
    """(misconception sentence, idea claim) that together grade as one wrong claim and one
    covered idea, with the misconception about a required idea; None if the rubric has none."""
    for wrong in question.misconceptions:
        about = next((i for i in question.ideas if i.id == wrong.about), None)
        if about is None or not about.required:
            continue
        for other in question.ideas:
            if other.id == about.id:
                continue
            details = grade(question, f"{wrong.claim} {other.claim}").details
            assert isinstance(details, OpenDetails)
            said = {m.about for m in details.misconceptions}
            covered = {i.id for i in details.ideas if i.status == "covered"}
            if about.id in said and other.id in covered:
                return wrong.claim, other.claim
    return None


def _topics() -> tuple[str, str]:
    """Two topics whose probing questions can show every behaviour the test checks."""
    usable = [
        t
        for t in CONTENT.topics
        if sum(i.required for i in _seed(t).ideas) >= 3
        and sum(q.kind in ("expression", "derivation", "code") for q in CONTENT.topics[t].questions)
        and _wrong_then_right(_seed(t))
    ]
    assert len(usable) >= 2, usable
    return usable[0], usable[1]


class Candidate:
    """The candidate's browser tab, and the API's view of the same interview."""

    def __init__(self, page: Any, server: Server, token: str) -> None:
        self.page, self.server = page, server
        self.headers = {"Authorization": f"Bearer {token}"}

    def interview(self) -> dict[str, Any]:
        listed = httpx.get(self.server.url("/api/v1/me/interviews"), headers=self.headers)
        latest = listed.json()["data"][0]
        got = httpx.get(
            self.server.url(f"/api/v1/me/interviews/{latest['id']}"), headers=self.headers
        )
        return got.json()

    def turn(self) -> dict[str, Any]:
        return self.interview()["turn"]

    def say(self, text: str) -> None:
        box = self.page.locator(".composing textarea")
        box.fill(text)
        box.press("Control+Enter")
        expect(self.page.locator(".chat .bubble.candidate:not(.composing)").last).to_contain_text(
            text[:40]
        )

    def dont_know(self) -> None:
        self.page.locator(".composing").get_by_role("button", name="I don't know").click()
        expect(self.page.locator(".chat .bubble.candidate:not(.composing)").last).to_contain_text(
            "I don't know"
        )

    def last_question(self) -> Any:
        return self.page.locator(".chat .bubble.interviewer").last

    def answer_follow_ups(self, question: OpenQuestion) -> None:
        """Answer every probe on ``question`` with the claim of the idea it asks about."""
        ideas = {i.id: i for i in question.ideas}
        turn = self.turn()
        while turn["kind"] == "follow-up" and turn["question_id"] == question.id:
            self.say(ideas[turn["about"]].claim)
            turn = self._next(turn)

    def _next(self, before: dict[str, Any]) -> dict[str, Any]:
        for _ in range(50):
            turn = self.turn()
            if turn != before:
                return turn
            self.page.wait_for_timeout(100)
        raise AssertionError(f"the interview did not move on from {before}")


def test_a_senior_interview_probes_challenges_moves_on_and_debriefs(
    page: Any, server: Server
) -> None:
    created = httpx.post(
        server.url("/api/v1/users"), json={"username": USERNAME, "password": PASSWORD}
    )
    assert created.status_code == 201, created.text
    token = httpx.post(
        server.url("/api/v1/auth/token"), data={"username": USERNAME, "password": PASSWORD}
    ).json()["access_token"]
    page.goto(server.url("/"))
    page.evaluate(
        "([t, u]) => { localStorage.setItem('descent.token', t);"
        " localStorage.setItem('descent.user', u); }",
        [token, USERNAME],
    )
    me = Candidate(page, server, token)
    first, second = _topics()

    page.goto(server.url("/interview"))
    for topic in (first, second):
        page.get_by_role("checkbox", name=CONTENT.topics[topic].title, exact=True).check()
    page.get_by_label("Level").select_option("senior")
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.get_by_role("timer")).to_contain_text(re.compile(r"\d+:\d\d"))
    started = me.interview()
    assert started["level"] == "senior" and started["topics"] == [first, second]

    # 1. "I don't know" on the first topic's probing question: a smaller step on a required idea
    q1 = _seed(first)
    assert me.turn()["question_id"] == q1.id
    me.dont_know()
    probe = me.turn()
    assert probe["kind"] == "follow-up" and probe["reason"] == "dont-know", probe
    smaller = next(i for i in q1.ideas if i.id == probe["about"])
    assert smaller.required
    expect(me.last_question()).to_contain_text("A smaller step")
    expect(me.last_question()).to_contain_text(smaller.follow_up[:60])
    me.answer_follow_ups(q1)

    # 2. A wrong claim on the second topic: challenged first, quoting the candidate
    q2 = _seed(second)
    assert me.turn()["question_id"] == q2.id
    pair = _wrong_then_right(q2)
    assert pair is not None
    wrong, right = pair
    me.say(f"{wrong} {right}")
    challenge = me.turn()
    assert challenge["kind"] == "follow-up" and challenge["reason"] == "contradicted", challenge
    expect(me.last_question()).to_contain_text("Challenge")
    expect(me.last_question()).to_contain_text("Are you sure? You said")
    expect(me.last_question()).to_contain_text(wrong[:40])
    ideas = {i.id: i for i in q2.ideas}
    me.say(ideas[challenge["about"]].claim)

    # 3. ... then the authored follow-up on what the weak answer left out
    probe = me.turn()
    assert probe["kind"] == "follow-up" and probe["reason"] == "missing", probe
    missed = ideas[probe["about"]]
    assert missed.id != challenge["about"] and missed.claim != right
    expect(me.last_question()).to_contain_text("Follow-up")
    expect(me.last_question()).to_contain_text(missed.follow_up[:60])
    me.answer_follow_ups(q2)

    # 4. A strong answer moves on without a probe
    turn = me.turn()
    assert turn["kind"] == "question", turn
    q3 = CONTENT.questions[turn["question_id"]]
    assert isinstance(q3, OpenQuestion) and grade(q3, q3.model_answer).correct
    me.say(q3.model_answer)
    after = me._next(turn)
    assert after["kind"] in ("question", "end") and after["question_id"] != q3.id, after

    # 5. The debrief: a recommendation, the candidate's own sentences, the review queue
    page.get_by_role("button", name="End the interview").click()
    debrief = page.locator(".debrief")
    expect(debrief.get_by_role("heading", name=re.compile(r"^Debrief: "))).to_be_visible()
    expect(debrief).to_contain_text("Score ")
    expect(debrief.locator(".evidence q").filter(has_text=wrong[:40]).first).to_be_visible()
    report = me.interview()["report"]
    assert report["recommendation"] in ("hire", "lean hire", "lean no-hire", "no-hire")
    assert any(e.get("quote") and wrong[:40] in str(e["quote"]) for e in report["evidence"])
    assert q1.id in report["study"] and q2.id in report["study"], report["study"]

    server.make_reviews_due()
    page.goto(server.url("/reviews"))
    due = httpx.get(server.url("/api/v1/me/reviews/due"), headers=me.headers).json()["data"]
    due_ids = {card["question"] for card in due}
    assert {q1.id, q2.id} <= due_ids, due_ids
    expect(page.locator("main")).to_contain_text(
        next(c["title"] for c in due if c["question"] == q1.id)
    )
