"""The read API: topics, questions, hints, health and problem+json errors."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from content import ContentSet

FORBIDDEN_KEYS = {
    "answer",
    "model_answer",
    "rubric",
    "phrases",
    "correct",
    "expected",
    "derivative_of",
    "tolerance",
    "explanation",
    "mistakes",
    "checks",
    "hidden",
    "pass_score",
    "exercise",
}


def keys_of(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in keys_of(v)}
    if isinstance(node, list):
        return {k for v in node for k in keys_of(v)}
    return set()


def test_topics_list(client: TestClient, shipped_content: ContentSet) -> None:
    body = client.get("/api/v1/topics").json()
    assert body["count"] == len(body["data"]) == len(shipped_content.topics) >= 3
    topic = body["data"][0]
    assert {"id", "title", "summary", "sources", "prerequisites", "question_counts"} <= set(topic)
    assert topic["summary"]["html"].startswith("<p>")
    assert all(src["title"] for src in topic["sources"])
    total = sum(t["question_count"] for t in body["data"])
    assert total == len(shipped_content.questions)


def test_topic_detail_is_rendered(client: TestClient, shipped_content: ContentSet) -> None:
    topic_id = next(iter(shipped_content.topics))
    body = client.get(f"/api/v1/topics/{topic_id}").json()
    module = shipped_content.topics[topic_id]
    assert len(body["learning_steps"]) == len(module.learning_steps)
    assert [q["id"] for q in body["questions"]] == [q.id for q in module.questions]
    for formula in body["formulas"]:
        assert formula["mathml"].startswith("<math")
    assert keys_of(body["questions"]).isdisjoint(FORBIDDEN_KEYS)


def test_math_in_text_becomes_mathml(client: TestClient) -> None:
    topics = client.get("/api/v1/topics").json()["data"]
    htmls = [
        step["html"]
        for t in topics
        for step in client.get(f"/api/v1/topics/{t['id']}").json()["learning_steps"]
        if "$" in step["text"]
    ]
    assert htmls, "the shipped content should use inline maths somewhere"
    assert all("<math" in h and "$" not in h for h in htmls)


def test_questions_list_filters_and_pages(client: TestClient, shipped_content: ContentSet) -> None:
    body = client.get("/api/v1/questions", params={"limit": 500}).json()
    assert body["count"] == len(shipped_content.questions)
    topic_id, kind = "mse", "open"
    filtered = client.get("/api/v1/questions", params={"topic": topic_id, "kind": kind}).json()
    expected = [q.id for q in shipped_content.topics[topic_id].questions if q.kind == kind]
    assert [q["id"] for q in filtered["data"]] == expected
    page = client.get("/api/v1/questions", params={"limit": 2, "offset": 1}).json()
    assert [q["id"] for q in page["data"]] == [q["id"] for q in body["data"][1:3]]
    assert page["count"] == body["count"]


def test_every_question_hides_its_answer(client: TestClient, shipped_content: ContentSet) -> None:
    for qid, question in shipped_content.questions.items():
        response = client.get(f"/api/v1/questions/{qid}")
        assert response.status_code == 200, qid
        body = response.json()
        assert body["id"] == qid and body["kind"] == question.kind
        leaked = keys_of(body) & FORBIDDEN_KEYS
        assert not leaked, f"{qid} leaks {leaked}"
        assert body["hint_count"] == len(question.hints)
        text = response.text
        secrets = []
        if question.kind == "open":
            secrets.append(question.model_answer)
        if question.kind == "choice":
            secrets += [o.explanation for o in question.options]
        if question.kind == "numeric":
            secrets.append(question.explanation)
        for secret in secrets:
            assert secret not in text, f"{qid} leaks {secret[:40]!r}"


def test_choice_input_lists_options_without_correctness(
    client: TestClient, shipped_content: ContentSet
) -> None:
    qid = next(q.id for q in shipped_content.questions.values() if q.kind == "choice")
    spec = client.get(f"/api/v1/questions/{qid}").json()["input"]
    assert spec["type"] == "choice"
    assert [o["id"] for o in spec["options"]] == [
        o.id for o in shipped_content.questions[qid].options
    ]
    assert all(set(o) == {"id", "text"} for o in spec["options"])


def test_hints(client: TestClient, shipped_content: ContentSet) -> None:
    qid, question = next((i, q) for i, q in shipped_content.questions.items() if q.hints)
    body = client.get(f"/api/v1/questions/{qid}/hints/1").json()
    assert body == {
        "question": qid,
        "n": 1,
        "of": len(question.hints),
        "hint": {"text": question.hints[0], "html": body["hint"]["html"]},
    }
    missing = client.get(f"/api/v1/questions/{qid}/hints/{len(question.hints) + 1}")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert "hints available: 1 to" in missing.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/topics/no-such-topic",
        "/api/v1/questions/no-such-question",
        "/api/v1/questions/no-such-question/hints/1",
        "/api/v1/nothing-here",
    ],
)
def test_unknown_ids_are_problem_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404 and body["title"] and body["type"] and body["detail"]


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"offset": -1}, "offset"),
        ({"kind": "essay"}, "kind"),
        ({"limit": "many"}, "limit"),
    ],
)
def test_bad_parameters_are_problem_422(client: TestClient, params: dict, loc: str) -> None:
    response = client.get("/api/v1/questions", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["errors"][0]["loc"] == ["query", loc]


def test_unknown_topic_filter_is_404(client: TestClient) -> None:
    assert client.get("/api/v1/questions", params={"topic": "nope"}).status_code == 404


def test_hint_number_must_be_positive(client: TestClient, shipped_content: ContentSet) -> None:
    qid = next(iter(shipped_content.questions))
    assert client.get(f"/api/v1/questions/{qid}/hints/0").status_code == 422


def test_healthz(client: TestClient, shipped_content: ContentSet) -> None:
    for path in ("/api/v1/healthz", "/healthz"):
        body = client.get(path).json()
        assert body["status"] == "ok" and body["database"] == "ok"
        assert body["content"]["topics"] == len(shipped_content.topics)
        assert body["content"]["questions"] == len(shipped_content.questions)


def test_healthz_reports_unreachable_database(client: TestClient, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.db.session import make_engine, make_session_factory

    broken = make_engine(f"sqlite:///{tmp_path}")  # a directory cannot be opened as a database
    client.app.state.session_factory = make_session_factory(broken)  # type: ignore[attr-defined]
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_openapi_documents_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/v1/topics",
        "/api/v1/topics/{topic_id}",
        "/api/v1/questions",
        "/api/v1/questions/{question_id}",
        "/api/v1/questions/{question_id}/hints/{n}",
    ):
        assert path in spec["paths"], path
        assert spec["paths"][path]["get"]["summary"]
    assert client.get("/docs").status_code == 200
