"""POST /api/v1/ask: answers from our material, never the quiz answers of an unattempted question."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.schemas import ASK_MAX_CHARS
from content import ContentSet
from engine.assist.index import MAX_ANSWERS, MAX_QUESTIONS

ASK = "/api/v1/ask"
PASSWORD = "correct horse 42"
SHINGLE = 8  # words: shared phrases are normal, a leaked answer shares most of its 8-grams
LEAK_SHARE = 0.5


def ask(client: TestClient, question: str, **extra: Any) -> dict[str, Any]:
    response = client.post(ASK, json={"question": question, **extra.pop("body", {})}, **extra)
    assert response.status_code == 200, response.text
    return response.json()


def sign_up(client: TestClient, username: str) -> dict[str, str]:
    client.post("/api/v1/users", json={"username": username, "password": PASSWORD})
    token = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_answers_questions_and_links(client: TestClient, shipped_content: ContentSet) -> None:
    body = ask(client, "why is MAE's gradient constant?")
    assert body["hint"] is None
    assert 1 <= len(body["answers"]) <= MAX_ANSWERS
    assert 1 <= len(body["questions"]) <= MAX_QUESTIONS
    assert "mae" in [a["topic"] for a in body["answers"][:3]]
    for answer in body["answers"]:
        assert set(answer) == {"topic", "title", "anchor", "kind", "text", "html", "score"}
        assert answer["topic"] in shipped_content.topics
        assert re.match(r"^(summary|(step|insight|formula)-\d+|demo-.+)$", answer["anchor"])
        assert answer["html"].startswith("<p>") and answer["score"] > 0
    scores = [a["score"] for a in body["answers"]]
    assert scores == sorted(scores, reverse=True)
    for question in body["questions"]:
        assert question["id"] in shipped_content.questions
        assert question["prompt"]["text"] and question["prompt"]["html"]
    assert isinstance(body["demos"], list)


def test_formula_answers_render_mathml(client: TestClient) -> None:
    formulas = [
        a for a in ask(client, "Adam bias correction formula")["answers"] if a["kind"] == "formula"
    ]
    assert formulas and "<math" in formulas[0]["html"]


@pytest.mark.parametrize("question", ["", "   ", "asdf qwerty", "what is it?", "🙂🙂🙂"])
def test_empty_or_nonsense_is_an_empty_result_with_a_hint(
    client: TestClient, question: str
) -> None:
    body = ask(client, question)
    assert body["answers"] == body["questions"] == body["demos"] == []
    assert "e.g." in body["hint"]


def test_over_long_question_is_a_422_problem(client: TestClient) -> None:
    response = client.post(ASK, json={"question": "adam " * (ASK_MAX_CHARS // 5 + 1)})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"][-1] == "question"


def test_at_the_limit_is_fine(client: TestClient) -> None:
    assert client.post(ASK, json={"question": "a" * ASK_MAX_CHARS}).status_code == 200


def test_unknown_topic_is_a_404(client: TestClient) -> None:
    response = client.post(ASK, json={"question": "gradient", "topic": "no-such-topic"})
    assert response.status_code == 404


def test_the_page_topic_comes_first(client: TestClient) -> None:
    for topic in ("mae", "huber", "mse"):
        body = ask(client, "what is the gradient", body={"topic": topic})
        assert body["answers"][0]["topic"] == topic


def shingles(text: str) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def returned_text(body: dict[str, Any]) -> str:
    parts = [a["text"] for a in body["answers"]] + [q["prompt"]["text"] for q in body["questions"]]
    return "\n".join(parts)


def test_no_model_answer_or_rubric_for_anonymous_callers(
    client: TestClient, shipped_content: ContentSet
) -> None:
    """Ask each open question's prompt: none of its model answer, nor its rubric's claims and
    corrections that the public material does not itself contain, may come back."""
    public = "\n".join(
        t
        for m in shipped_content.topics.values()
        for t in (
            m.summary,
            *m.learning_steps,
            *(i.text for i in m.insights),
            *(f.caption for f in m.formulas),
        )
    ).lower()
    open_questions = [q for q in shipped_content.questions.values() if q.kind == "open"]
    assert len(open_questions) >= 20
    for question in open_questions:
        response = client.post(ASK, json={"question": question.prompt[:ASK_MAX_CHARS]})
        body = response.json()
        assert all(a["kind"] != "answer" for a in body["answers"]), question.id
        assert question.model_answer not in response.text, question.id
        answer = shingles(question.model_answer)
        share = len(answer & shingles(returned_text(body))) / max(len(answer), 1)
        assert share < LEAK_SHARE, f"{question.id}: {share:.0%} of the model answer returned"
        text = returned_text(body).lower()
        rubric = [i.claim for i in question.ideas] + [m.correction for m in question.misconceptions]
        hidden = [sentence for sentence in rubric if sentence.lower() not in public]
        assert not [sentence for sentence in hidden if sentence.lower() in text], question.id


def test_no_choice_explanations_for_anonymous_callers(
    client: TestClient, shipped_content: ContentSet
) -> None:
    for question in shipped_content.questions.values():
        if question.kind == "choice":
            response = client.post(ASK, json={"question": question.prompt[:ASK_MAX_CHARS]})
            leaked = [o.id for o in question.options if o.explanation in response.text]
            assert not leaked, f"{question.id}: explanations of {leaked}"


def test_a_learner_sees_the_model_answer_of_a_question_they_attempted(
    client: TestClient, shipped_content: ContentSet
) -> None:
    question = next(q for q in shipped_content.questions.values() if q.kind == "open")
    ada, bob = sign_up(client, "ada"), sign_up(client, "bob")
    attempt = client.post(
        f"/api/v1/questions/{question.id}/attempts", json={"answer": "no idea"}, headers=ada
    )
    assert attempt.status_code == 200, attempt.text

    def model_answers(headers: dict[str, str] | None) -> list[dict[str, Any]]:
        body = ask(client, question.prompt[:ASK_MAX_CHARS], headers=headers or {})
        return [a for a in body["answers"] if a["kind"] == "answer"]

    mine = model_answers(ada)
    assert [(a["anchor"], a["text"]) for a in mine] == [
        (f"question-{question.id}", question.model_answer)
    ]
    assert model_answers(bob) == [] and model_answers(None) == []


def test_a_bad_token_is_401_not_anonymous(client: TestClient) -> None:
    response = client.post(ASK, json={"question": "adam"}, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_an_off_topic_doubt_is_not_covered_in_plain_words(client: TestClient) -> None:
    body = ask(client, "what's a transformer")
    assert body["covered"] is False
    assert body["answers"] == body["questions"] == body["demos"] == []
    assert body["hint"].startswith("That is not covered")
    assert "transformers" in body["hint"]
    nearest = body["nearest_topics"]
    assert 1 <= len(nearest) <= 3 and "lr-schedules" in [t["id"] for t in nearest]
    assert all(t["title"] in body["hint"] for t in nearest)
    pizza = ask(client, "best pizza in Rome")
    assert pizza["covered"] is False and pizza["nearest_topics"] == [] and pizza["answers"] == []


def test_an_on_topic_doubt_is_covered(client: TestClient) -> None:
    body = ask(client, "why warm up the lr at the start of training a transformer")
    assert body["covered"] is True and body["nearest_topics"] == [] and body["hint"] is None
    assert body["answers"][0]["topic"] == "lr-schedules"
