"""Regressions for what the schemathesis run (tests/fuzz) found, one test per finding."""

from __future__ import annotations

from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from tests.api.test_learners import sign_up

HUGE = 2**63  # past SQLite's INTEGER (and PostgreSQL's by far)


def aware(value: str) -> bool:
    return datetime.fromisoformat(value).tzinfo is not None


def test_every_timestamp_carries_its_utc_offset(client: TestClient) -> None:
    """Found: SQLite returns naive datetimes, served without an offset, which is not an
    RFC 3339 ``date-time`` (the format the schema declares) and is ambiguous to clients."""
    headers = sign_up(client)
    token = client.post(
        "/api/v1/auth/token", data={"username": "ada", "password": "correct horse 42"}
    )
    interview = client.post("/api/v1/me/interviews", json={}, headers=headers).json()
    question = interview["questions"][0]["id"]
    client.post(f"/api/v1/questions/{question}/attempts", json={"answer": "1"}, headers=headers)
    attempt = client.get("/api/v1/me/attempts", headers=headers).json()["data"][0]
    review = client.post(f"/api/v1/me/reviews/{question}", json={"rating": "good"}, headers=headers)
    finished = client.post(f"/api/v1/me/interviews/{interview['id']}/finish", headers=headers)
    stamps = [
        client.get("/api/v1/me", headers=headers).json()["created_at"],
        token.json()["expires_at"],
        attempt["created_at"],
        client.get(f"/api/v1/me/attempts/{attempt['id']}", headers=headers).json()["created_at"],
        review.json()["due"],
        interview["created_at"],
        client.get(f"/api/v1/me/interviews/{interview['id']}", headers=headers).json()[
            "created_at"
        ],
        finished.json()["finished_at"],
        client.get("/api/v1/me/interviews", headers=headers).json()["data"][0]["created_at"],
    ]
    assert all(aware(stamp) for stamp in stamps), stamps


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/api/v1/me/attempts/{HUGE}"),
        ("GET", f"/api/v1/me/attempts?offset={HUGE}"),
        ("GET", f"/api/v1/me/interviews/{HUGE}"),
        ("POST", f"/api/v1/me/interviews/{HUGE}/finish"),
        ("POST", f"/api/v1/me/interviews/{HUGE}/answers"),
    ],
)
def test_ids_past_the_database_integer_are_invalid_not_a_crash(
    client: TestClient, method: str, path: str
) -> None:
    """Found: an id or offset over 2**63 reached SQLite and raised OverflowError (a 500)."""
    headers = sign_up(client)
    body = {"question": "x", "answer": "1"} if path.endswith("answers") else None
    reply = client.request(method, path, headers=headers, json=body)
    assert reply.status_code == 422, reply.text
    assert reply.headers["content-type"] == "application/problem+json"
