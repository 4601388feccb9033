"""POST /questions/code-…/attempts: judged in the sandbox; busy runners give 503 (retry),
disabled code execution 501 (no point retrying)."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import engine.sandbox
from app.db.migrate import upgrade
from app.main import create_app
from app.settings import Settings
from content import load_content
from engine.judge import judge
from engine.sandbox import Sandbox
from tests.api.test_learners import sign_up

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "code_module"
MSE_OK = "import numpy as np\ndef mse(y_true, y_pred):\n    return float(np.mean((y_true - y_pred) ** 2))\n"
MSE_SUM = (
    "import numpy as np\ndef mse(y_true, y_pred):\n    return np.sum((y_true - y_pred) ** 2)\n"
)
SLEEPY = "import time\ntime.sleep(1.5)\ndef mse(a, b):\n    return 0.0\n"


def post(client: TestClient, qid: str, answer: str | list[str]) -> dict:  # type: ignore[type-arg]
    response = client.post(f"/api/v1/questions/{qid}/attempts", json={"answer": answer})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_question_shows_signature_starter_and_examples(code_client: TestClient) -> None:
    body = code_client.get("/api/v1/questions/code-mse").json()
    spec = body["input"]
    assert spec["type"] == "code" and spec["function"] == "mse"
    assert spec["signature"] == "mse(y_true, y_pred)" and "def mse" in spec["starter"]
    assert len(spec["examples"]) == 2
    assert "checks" not in str(body) and "np.sum" not in str(body)


def test_a_correct_submission_passes_every_case(code_client: TestClient) -> None:
    verdict = post(code_client, "code-mse", MSE_OK)
    assert verdict["status"] == "correct" and verdict["correct"] and verdict["score"] == 1.0
    assert verdict["kind"] == "code" and verdict["feedback"][0]["code"] == "all-cases-passed"
    cases = verdict["cases"]
    assert {"name", "visible", "passed", "message", "max_abs_error", "max_rel_error"} <= set(
        cases[0]
    )
    assert any(not c["visible"] for c in cases)
    assert all("call" not in c for c in cases if not c["visible"])


def test_a_wrong_submission_is_told_what_is_wrong(code_client: TestClient) -> None:
    verdict = post(code_client, "code-mse", MSE_SUM)
    assert not verdict["correct"]
    codes = [f["code"] for f in verdict["feedback"]]
    assert "mistake-sum" in codes
    assert any("np.mean" in f["message"] for f in verdict["feedback"])


PRINTING = (
    "import os, sys\nimport numpy as np\nprint('loaded')\n"
    "def mse(y_true, y_pred):\n    print('shapes', y_true.shape)\n"
    "    sys.stdout.flush()\n    os.write(2, b'odd \\xed\\xa0\\x80 bytes\\n')\n"
    "    return float(np.mean((y_true - y_pred) ** 2))\n"
)


def test_what_the_code_prints_comes_back_with_visible_cases_and_is_stored(
    code_client: TestClient,
) -> None:
    auth = sign_up(code_client, "printer")
    response = code_client.post(
        "/api/v1/questions/code-mse/attempts", json={"answer": PRINTING}, headers=auth
    )
    assert response.status_code == 200, response.text
    verdict = response.json()
    assert verdict["status"] == "correct"
    assert verdict["stdout"] == "loaded\n" and verdict["output_truncated"] is False
    visible = [c for c in verdict["cases"] if c["visible"]]
    assert visible[0]["stdout"] == "shapes (3,)\n"
    assert visible[0]["stderr"] == "odd \ufffd\ufffd\ufffd bytes\n"
    assert visible[0]["output_truncated"] is False
    hidden = [c for c in verdict["cases"] if not c["visible"]]
    assert hidden and all(c["output_hidden"] and "stdout" not in c for c in hidden)
    for path in ("/api/v1/me/attempts", "/api/v1/me/export"):
        stored = code_client.get(path, headers=auth)
        assert stored.status_code == 200, (path, stored.text[:300])
        assert "shapes (3,)" in stored.content.decode("utf-8")
    schemas = code_client.get("/openapi.json").json()["components"]["schemas"]
    fields = set(schemas["CaseResult"]["properties"])
    assert {"stdout", "stderr", "output_truncated", "output_hidden"} <= fields
    assert {"stdout", "stderr", "output_truncated"} <= set(schemas["CodeVerdict"]["properties"])


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        ("def mse(a, b)\n    return 0\n", "syntax-error"),
        ("def loss(a, b):\n    return 0\n", "missing-function"),
        (["def mse(a, b): pass", "x"], "expected-source"),
    ],
)
def test_unusable_submissions_are_invalid(
    code_client: TestClient, answer: object, code: str
) -> None:
    verdict = post(code_client, "code-mse", answer)  # type: ignore[arg-type]
    assert verdict["status"] == "invalid" and verdict["feedback"][0]["code"] == code


@pytest.mark.slow
def test_busy_runners_answer_503_with_retry_after(
    code_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = Sandbox(workers=1, queue=0)
    monkeypatch.setattr(engine.sandbox, "_default", box)
    try:
        box.start()
        worker = threading.Thread(
            target=judge, kwargs={"exercise": "mse", "source": SLEEPY, "sandbox": box}
        )
        worker.start()
        time.sleep(0.3)
        response = code_client.post("/api/v1/questions/code-mse/attempts", json={"answer": MSE_OK})
        worker.join()
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("application/problem+json")
        assert int(response.headers["retry-after"]) >= 1
        assert response.json()["type"] == "/problems/code-runners-busy"
        assert post(code_client, "code-mse", MSE_OK)["correct"]  # and free again afterwards
    finally:
        box.close()


def test_disabled_code_execution_answers_501(
    code_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = Sandbox(workers=1, disable=("mount-namespace", "separate-uid", "user-namespace"))
    monkeypatch.setattr(engine.sandbox, "_default", box)
    try:
        response = code_client.post("/api/v1/questions/code-mse/attempts", json={"answer": MSE_OK})
        assert response.status_code == 501 and "retry-after" not in response.headers
        body = response.json()
        assert body["type"] == "/problems/code-execution-disabled"
        assert body["detail"].startswith("code execution is disabled on this server:")
        other = code_client.get("/api/v1/questions/code-mse")  # the rest keeps working
        assert other.status_code == 200
    finally:
        box.close()


def test_start_up_logs_the_isolation_layers(db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    content = load_content(FIXTURE)
    settings = Settings(database_url=db_url, content_dir=FIXTURE, secret_key="test")
    upgrade(db_url)
    with caplog.at_level(logging.INFO, logger="descent"), TestClient(create_app(settings, content)):
        pass
    assert any("code sandbox isolation active:" in r.getMessage() for r in caplog.records)
