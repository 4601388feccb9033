"""POST …/attempts with an Idempotency-Key: a repeated request is graded and stored once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.services import attempts
from app.services.attempts import REPLAYED_HEADER, ReplayCache
from content import ContentSet
from tests.api.test_learners import sign_up

KEY = "0f8c2d8e-5d1a-4b55-9c1e-3f4a2b6c7d8e"


def numeric(content: ContentSet) -> Any:
    return next(
        q
        for q in content.questions.values()
        if q.kind == "numeric" and getattr(q, "answer", None) is not None
    )


def path(question: Any) -> str:
    return f"/api/v1/questions/{question.id}/attempts"


def rows(db_url: str, table: str) -> int:
    """Rows in ``table`` (SQLite or PostgreSQL: CI runs this file against both)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


def test_a_repeated_key_returns_the_first_verdict_and_stores_nothing_new(
    client: TestClient, shipped_content: ContentSet, db_url: str
) -> None:
    headers = sign_up(client)
    question = numeric(shipped_content)
    body = {"answer": str(question.answer), "time_taken_ms": 4000}
    first = client.post(path(question), json=body, headers={**headers, "Idempotency-Key": KEY})
    again = client.post(path(question), json=body, headers={**headers, "Idempotency-Key": KEY})
    assert first.status_code == again.status_code == 200, again.text
    assert REPLAYED_HEADER.lower() not in first.headers
    assert again.headers[REPLAYED_HEADER] == "true"
    assert again.json() == first.json() and first.json()["attempt"] is not None
    assert client.get("/api/v1/me/attempts", headers=headers).json()["count"] == 1
    assert rows(db_url, "review_logs") == 1  # the card was reviewed once, not twice
    card = client.get("/api/v1/me/reviews/due?limit=5", headers=headers).json()
    assert card["count"] == 0  # a right first answer is scheduled ahead, once


def test_without_a_key_each_request_is_an_attempt(
    client: TestClient, shipped_content: ContentSet
) -> None:
    headers = sign_up(client)
    question = numeric(shipped_content)
    for _ in range(2):
        reply = client.post(path(question), json={"answer": "12345"}, headers=headers)
        assert reply.status_code == 200 and REPLAYED_HEADER.lower() not in reply.headers
    assert client.get("/api/v1/me/attempts", headers=headers).json()["count"] == 2


def test_new_keys_make_new_attempts(client: TestClient, shipped_content: ContentSet) -> None:
    headers = sign_up(client)
    question = numeric(shipped_content)
    for key in ("a-1", "a-2"):
        client.post(
            path(question), json={"answer": "1"}, headers={**headers, "Idempotency-Key": key}
        )
    assert client.get("/api/v1/me/attempts", headers=headers).json()["count"] == 2


@pytest.mark.parametrize(
    "change",
    [{"answer": "7"}, {"hints_used": 1}, {"time_taken_ms": 99}, {"self_rating": "good"}],
)
def test_the_same_key_with_another_body_is_refused(
    client: TestClient, shipped_content: ContentSet, change: dict[str, Any]
) -> None:
    headers = {**sign_up(client), "Idempotency-Key": KEY}
    question = numeric(shipped_content)
    body = {"answer": "1", "time_taken_ms": 5}
    assert client.post(path(question), json=body, headers=headers).status_code == 200
    reused = client.post(path(question), json={**body, **change}, headers=headers)
    assert reused.status_code == 422
    assert reused.headers["content-type"] == "application/problem+json"
    problem = reused.json()
    assert problem["type"] == "/problems/idempotency-key-reused"
    assert "new key with each new submission" in problem["detail"]
    assert client.get("/api/v1/me/attempts", headers=headers).json()["count"] == 1


def test_the_same_key_on_another_question_is_refused(
    client: TestClient, shipped_content: ContentSet
) -> None:
    headers = {**sign_up(client), "Idempotency-Key": KEY}
    first, other = [q for q in shipped_content.questions.values() if q.kind == "numeric"][:2]
    assert client.post(path(first), json={"answer": "1"}, headers=headers).status_code == 200
    reused = client.post(path(other), json={"answer": "1"}, headers=headers)
    assert reused.status_code == 422 and other.id in reused.json()["detail"]


def test_keys_belong_to_one_learner(client: TestClient, shipped_content: ContentSet) -> None:
    question = numeric(shipped_content)
    for name in ("ada", "bob"):
        headers = {**sign_up(client, name), "Idempotency-Key": KEY}
        reply = client.post(path(question), json={"answer": "1"}, headers=headers)
        assert reply.status_code == 200 and REPLAYED_HEADER.lower() not in reply.headers


@pytest.mark.parametrize("key", ["", "has space", "é", "x" * 81])
def test_a_malformed_key_says_what_a_key_is(
    client: TestClient, shipped_content: ContentSet, key: str
) -> None:
    reply = client.post(
        path(numeric(shipped_content)),
        json={"answer": "1"},
        headers={"Idempotency-Key": key.encode()},
    )
    assert reply.status_code == 422, reply.text
    assert "1 to 80 visible ASCII characters" in reply.json()["detail"]


def test_anonymous_repeats_are_replayed_from_memory(
    client: TestClient, shipped_content: ContentSet
) -> None:
    question = numeric(shipped_content)
    headers = {"Idempotency-Key": "anon-" + KEY}
    calls = []
    real = attempts.attempt

    def counted(**kwargs: Any) -> Any:
        calls.append(1)
        return real(**kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(attempts, "attempt", counted)
        first = client.post(path(question), json={"answer": "1"}, headers=headers)
        again = client.post(path(question), json={"answer": "1"}, headers=headers)
        other = client.post(path(question), json={"answer": "2"}, headers=headers)
    assert first.json() == again.json() and again.headers[REPLAYED_HEADER] == "true"
    assert len(calls) == 1  # graded once
    assert other.status_code == 422
    assert other.json()["type"] == "/problems/idempotency-key-reused"


def test_concurrent_duplicates_store_one_attempt(
    client: TestClient, shipped_content: ContentSet, db_url: str
) -> None:
    """Two identical requests that both pass the lookup before either stores: the unique
    constraint refuses the second insert, which then answers with the stored verdict."""
    headers = {**sign_up(client), "Idempotency-Key": KEY}
    question = numeric(shipped_content)
    both_graded = threading.Barrier(2, timeout=20)
    real = attempts.attempt

    def graded_together(**kwargs: Any) -> Any:
        verdict = real(**kwargs)
        both_graded.wait()  # neither stores before both have looked the key up and graded
        return verdict

    replies: list[Any] = []

    def send() -> None:
        replies.append(
            client.post(path(question), json={"answer": str(question.answer)}, headers=headers)
        )

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(attempts, "attempt", graded_together)
        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert sorted(r.status_code for r in replies) == [200, 200], [r.text for r in replies]
    assert replies[0].json() == replies[1].json()
    assert sum(REPLAYED_HEADER.lower() in r.headers for r in replies) == 1
    assert rows(db_url, "attempts") == 1 and rows(db_url, "review_logs") == 1


def test_the_replay_cache_forgets_and_stays_bounded() -> None:
    now = [0.0]
    cache = ReplayCache(ttl=10, max_entries=2, clock=lambda: now[0])
    question: Any = type("Q", (), {"id": "q1"})()
    from app import schemas as s

    def verdict() -> s.VerdictBase:
        return s.VERDICT_MODELS["numeric"](
            kind="numeric", status="incorrect", correct=False, score=0, feedback=[]
        )

    body = s.AttemptCreate(answer="1")
    outcome = cache.submit(
        client="ip:1", key="k", question=question, submission=body, grade_it=verdict
    )
    assert not outcome.replayed
    assert cache.submit(
        client="ip:1", key="k", question=question, submission=body, grade_it=verdict
    ).replayed
    assert not cache.submit(
        client="ip:2", key="k", question=question, submission=body, grade_it=verdict
    ).replayed
    now[0] = 11  # past the ttl: forgotten
    assert not cache.submit(
        client="ip:1", key="k", question=question, submission=body, grade_it=verdict
    ).replayed
    for n in range(5):
        cache.submit(
            client="ip:1", key=f"k{n}", question=question, submission=body, grade_it=verdict
        )
    assert len(cache) <= 2


def test_openapi_documents_the_key_and_the_replay_header(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"][
        "/api/v1/questions/{question_id}/attempts"
    ]["post"]
    header = next(p for p in operation["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and not header.get("required", False)
    assert REPLAYED_HEADER in operation["responses"]["200"]["headers"]
    assert "422" in operation["responses"]
