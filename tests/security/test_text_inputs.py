"""Lone surrogates (``"\\ud800"`` in JSON) are refused at the API boundary with a 422 that says
why, and whatever a learner has stored still serializes: their history and export answer 200,
even after a submission whose own output (an exception message) held one."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.test_learners import sign_up

JSON = {"content-type": "application/json"}

# (path, raw JSON body with an escaped lone surrogate)
REFUSED = [
    ("/api/v1/questions/code-mse/attempts", b'{"answer": "def mse(a, b):\\n    return 0  # \\ud800"}'),
    ("/api/v1/questions/mse-outlier-overreaction/attempts", b'{"answer": ["ok", "\\udfff"]}'),
    ("/api/v1/users", b'{"username": "lone_1", "password": "long-enough-\\ud800-1"}'),
    ("/api/v1/parse", b'{"text": "x", "variables": {"\\ud800": {}}}'),
    ("/api/v1/check/expression", b'{"expected": "x", "answer": "x \\udc00"}'),
    ("/api/v1/ask", b'{"question": "why \\ud83d?"}'),
]  # fmt: skip


def test_lone_surrogates_are_refused_with_a_clear_message(client: TestClient) -> None:
    for path, body in REFUSED:
        response = client.post(path, content=body, headers=JSON)
        assert response.status_code == 422, (path, response.status_code, response.text[:300])
        assert "lone surrogate" in response.json()["detail"], response.text
        response.content.decode("utf-8")  # the refusal itself is valid UTF-8


def test_a_surrogate_pair_is_fine(client: TestClient) -> None:
    body = b'{"answer": "squares \\ud83d\\ude00 punish big errors"}'
    response = client.post(
        "/api/v1/questions/mse-outlier-overreaction/attempts", content=body, headers=JSON
    )
    assert response.status_code == 200, response.text


def test_history_and_export_always_serialize(client: TestClient) -> None:
    auth = sign_up(client, "lone_surrogate")
    refused = client.post(
        "/api/v1/questions/code-mse/attempts",
        content=b'{"answer": "\\ud800"}',
        headers={**JSON, **auth},
    )
    assert refused.status_code == 422
    # a submission whose exception message holds a lone surrogate: the verdict is stored
    source = "def mse(y_true, y_pred):\n    raise ValueError(chr(0xD800) + ' bad')\n"
    judged = client.post(
        "/api/v1/questions/code-mse/attempts", json={"answer": source}, headers=auth
    )
    assert judged.status_code == 200, judged.text
    assert "\ufffd bad" in judged.text or "\\ufffd bad" in judged.text
    for path in ("/api/v1/me/attempts", "/api/v1/me/export"):
        response = client.get(path, headers=auth)
        assert response.status_code == 200, (path, response.text[:300])
        response.content.decode("utf-8")
