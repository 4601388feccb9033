"""Accounts, stored attempts, reviews, progress, interviews, export and deletion."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from content import ContentSet

PASSWORD = "correct horse 42"


def sign_up(client: TestClient, username: str = "ada") -> dict[str, str]:
    assert (
        client.post("/api/v1/users", json={"username": username, "password": PASSWORD}).status_code
        == 201
    )
    token = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def first(content: ContentSet, kind: str) -> Any:
    return next(q for q in content.questions.values() if q.kind == kind)


def right_answer(question: Any) -> str | list[str]:
    if question.kind == "numeric":
        return str(question.answer)
    if question.kind == "choice":
        return [o.id for o in question.options if o.correct]
    return question.model_answer


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short1!", "use 10 to 128 characters"),
        ("onlyletterslong", "digit or symbol"),
        ("ada-is-here-123", "do not include the username"),
    ],
)
def test_password_rules_are_stated(client: TestClient, password: str, fragment: str) -> None:
    response = client.post("/api/v1/users", json={"username": "ada", "password": password})
    assert response.status_code == 422
    assert fragment in response.json()["detail"]
    assert "a password needs" in response.json()["detail"]


def test_duplicate_username(client: TestClient) -> None:
    sign_up(client)
    again = client.post("/api/v1/users", json={"username": "ada", "password": PASSWORD})
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"


def test_wrong_credentials_same_message_and_throttled(client: TestClient) -> None:
    sign_up(client)
    wrong = client.post("/api/v1/auth/token", data={"username": "ada", "password": "nope-nope-1"})
    ghost = client.post("/api/v1/auth/token", data={"username": "ghost", "password": "nope-nope-1"})
    assert wrong.status_code == ghost.status_code == 401
    assert wrong.json()["detail"] == ghost.json()["detail"]
    for _ in range(5):
        client.post("/api/v1/auth/token", data={"username": "ghost", "password": "x"})
    limited = client.post("/api/v1/auth/token", data={"username": "ghost", "password": "x"})
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0


def test_me_and_logout(client: TestClient) -> None:
    headers = sign_up(client)
    assert client.get("/api/v1/me", headers=headers).json()["username"] == "ada"
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/me",
        "/api/v1/me/attempts",
        "/api/v1/me/progress",
        "/api/v1/me/reviews/due",
        "/api/v1/me/export",
        "/api/v1/me/interviews",
    ],
)
def test_me_routes_need_a_token(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert client.get(path, headers={"Authorization": "Bearer forged"}).status_code == 401


def test_anonymous_attempts_are_graded_not_stored(
    client: TestClient, shipped_content: ContentSet
) -> None:
    question = first(shipped_content, "numeric")
    verdict = client.post(
        f"/api/v1/questions/{question.id}/attempts", json={"answer": str(question.answer)}
    ).json()
    assert verdict["correct"] and "attempt" not in verdict
    headers = sign_up(client)
    assert client.get("/api/v1/me/attempts", headers=headers).json()["count"] == 0


def test_attempts_are_stored_and_reviewed(client: TestClient, shipped_content: ContentSet) -> None:
    headers = sign_up(client)
    numeric = first(shipped_content, "numeric")
    url = f"/api/v1/questions/{numeric.id}/attempts"
    wrong = client.post(url, json={"answer": "123456789"}, headers=headers).json()
    right = client.post(
        url, json={"answer": str(numeric.answer), "time_taken_ms": 90000}, headers=headers
    ).json()
    listing = client.get(
        "/api/v1/me/attempts", params={"question": numeric.id}, headers=headers
    ).json()
    assert listing["count"] == 2
    assert [a["id"] for a in listing["data"]] == [right["attempt"], wrong["attempt"]]
    one = client.get(f"/api/v1/me/attempts/{right['attempt']}", headers=headers).json()
    assert (
        one["correct"] and one["verdict"]["status"] == "correct" and one["time_taken_ms"] == 90000
    )
    export = client.get("/api/v1/me/export", headers=headers).json()
    logs = export["review_logs"]
    assert [log["rating"] for log in logs] == [1, 2]  # wrong → Again; right after a retry → Hard
    assert export["review_cards"][0]["reps"] == 2


def test_open_questions_use_the_self_rating(
    client: TestClient, shipped_content: ContentSet
) -> None:
    headers = sign_up(client)
    question = first(shipped_content, "open")
    url = f"/api/v1/questions/{question.id}/attempts"
    verdict = client.post(
        url, json={"answer": question.model_answer, "self_rating": "easy"}, headers=headers
    ).json()
    assert verdict["self_rating"] == "easy" and verdict["score"] == 1.0
    assert client.get("/api/v1/me/export", headers=headers).json()["review_logs"][0]["rating"] == 4
    rated = client.post(
        f"/api/v1/me/reviews/{question.id}", json={"rating": "again"}, headers=headers
    )
    assert rated.status_code == 200 and rated.json()["reps"] == 2
    due = client.get("/api/v1/me/reviews/due", headers=headers).json()  # Again: due in minutes
    assert due["count"] == 0 or due["data"][0]["question"] == question.id


def test_due_reviews_list_wrong_answers(client: TestClient, shipped_content: ContentSet) -> None:
    from datetime import UTC, datetime, timedelta

    from app.db.models import ReviewCard

    headers = sign_up(client)
    choice = first(shipped_content, "choice")
    wrong = [o.id for o in choice.options if not o.correct][:1]
    client.post(f"/api/v1/questions/{choice.id}/attempts", json={"answer": wrong}, headers=headers)
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        for card in session.query(ReviewCard):
            card.due = datetime.now(UTC) - timedelta(minutes=1)
        session.commit()
    due = client.get("/api/v1/me/reviews/due", headers=headers).json()
    assert due["count"] == 1
    assert due["data"][0]["question"] == choice.id and due["data"][0]["topic"]


def test_review_of_unattempted_question_is_404(
    client: TestClient, shipped_content: ContentSet
) -> None:
    headers = sign_up(client)
    qid = first(shipped_content, "open").id
    assert (
        client.post(
            f"/api/v1/me/reviews/{qid}", json={"rating": "good"}, headers=headers
        ).status_code
        == 404
    )


def test_progress_and_recommendation(client: TestClient, shipped_content: ContentSet) -> None:
    headers = sign_up(client)
    before = client.get("/api/v1/me/progress", headers=headers).json()
    assert before["attempts"] == 0 and before["streak_days"] == 0
    first_topic = before["next_topic"]
    assert shipped_content.topics[first_topic].prerequisites == []
    for question in shipped_content.topics[first_topic].questions:
        if question.kind in ("numeric", "choice", "open"):
            client.post(
                f"/api/v1/questions/{question.id}/attempts",
                json={"answer": right_answer(question), "self_rating": "good"},
                headers=headers,
            )
    after = client.get("/api/v1/me/progress", headers=headers).json()
    row = next(t for t in after["topics"] if t["topic"] == first_topic)
    assert row["mastery"] > 0.5 and row["accuracy"] == 1.0
    assert after["streak_days"] == 1
    assert after["next_topic"] != first_topic


def test_isolation_between_learners(client: TestClient, shipped_content: ContentSet) -> None:
    alice = sign_up(client, "alice")
    bob = sign_up(client, "bob")
    question = first(shipped_content, "numeric")
    attempt = client.post(
        f"/api/v1/questions/{question.id}/attempts", json={"answer": "1"}, headers=alice
    ).json()["attempt"]
    interview = client.post(
        "/api/v1/me/interviews", json={"topics": ["mse"]}, headers=alice
    ).json()["id"]
    assert client.get(f"/api/v1/me/attempts/{attempt}", headers=bob).status_code == 404
    assert client.get(f"/api/v1/me/interviews/{interview}", headers=bob).status_code == 404
    assert client.post(f"/api/v1/me/interviews/{interview}/finish", headers=bob).status_code == 404
    assert (
        client.post(
            f"/api/v1/me/reviews/{question.id}", json={"rating": "good"}, headers=bob
        ).status_code
        == 404
    )
    assert client.get("/api/v1/me/attempts", headers=bob).json()["count"] == 0
    assert client.get("/api/v1/me/export", headers=bob).json()["attempts"] == []


def test_delete_account_removes_everything(client: TestClient, shipped_content: ContentSet) -> None:
    from sqlalchemy import func, select

    from app.db.models import ApiToken, Attempt, ReviewCard, ReviewLog

    headers = sign_up(client)
    question = first(shipped_content, "numeric")
    client.post(f"/api/v1/questions/{question.id}/attempts", json={"answer": "1"}, headers=headers)
    client.post("/api/v1/me/interviews", json={"topics": ["mse"]}, headers=headers)
    assert client.delete("/api/v1/me", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        for model in (Attempt, ReviewCard, ReviewLog, ApiToken):
            assert session.scalar(select(func.count()).select_from(model)) == 0
    assert (
        client.post(
            "/api/v1/auth/token", data={"username": "ada", "password": PASSWORD}
        ).status_code
        == 401
    )


def test_self_rating_after_an_unrated_open_answer(
    client: TestClient, shipped_content: ContentSet
) -> None:
    headers = sign_up(client)
    question = first(shipped_content, "open")
    client.post(
        f"/api/v1/questions/{question.id}/attempts", json={"answer": "gradient"}, headers=headers
    )
    assert client.get("/api/v1/me/export", headers=headers).json()["review_cards"] == []
    rated = client.post(
        f"/api/v1/me/reviews/{question.id}", json={"rating": "hard"}, headers=headers
    )
    assert rated.status_code == 200 and rated.json()["reps"] == 1
