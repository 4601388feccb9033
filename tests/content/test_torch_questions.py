"""The PyTorch questions: each exercise is asked once, in its topic's bank under
content/modules/torch/, with the judge's own examples and checks; without PyTorch installed
they are served as unavailable (with the reason) and their attempts answer 501, while the content
check passes with one warning and everything else keeps working."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import engine.sandbox.runtimes as runtimes
from app.db.migrate import upgrade
from app.main import create_app
from app.settings import Settings
from content import PACKAGED_CONTENT_DIR, ContentSet, check_content, load_content
from engine.judge import TORCH_EXERCISES, examples, get_exercise
from engine.kinds.code import CodeQuestion

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "torch_module"
HONEST = (
    "import torch.nn.functional as F\n\ndef mse(logits, targets):\n"
    "    return (F.softplus(logits) - targets * logits).mean()\n"
)


def torch_questions(content: ContentSet) -> dict[str, CodeQuestion]:
    return {
        q.exercise: q
        for q in content.questions.values()
        if isinstance(q, CodeQuestion) and q.exercise in TORCH_EXERCISES
    }


def test_every_torch_exercise_is_asked_once(shipped_content: ContentSet) -> None:
    questions = torch_questions(shipped_content)
    assert set(questions) == set(TORCH_EXERCISES)
    ids = [q.id for q in shipped_content.questions.values() if q.id.startswith("torch-")]
    assert sorted(ids) == sorted(q.id for q in questions.values())


@pytest.mark.parametrize("name", sorted(TORCH_EXERCISES))
def test_question_matches_its_exercise(shipped_content: ContentSet, name: str) -> None:
    question, exercise = torch_questions(shipped_content)[name], get_exercise(name)
    assert question.id == "torch-" + name.removeprefix("torch_").replace("_", "-")
    assert question.function == exercise.function
    assert question.signature == exercise.signature
    assert exercise.signature in question.starter and "torch" in question.starter
    assert [(e.call, e.result) for e in question.examples] == examples(name)
    assert len(question.hints) >= 2
    assert sum(c.correct for c in question.checks) == 1
    wrong = [c for c in question.checks if not c.correct]
    assert len(wrong) >= 2 and all(c.feedback for c in wrong)
    topic = shipped_content.question_topic[question.id]
    assert (PACKAGED_CONTENT_DIR / "torch" / f"{topic}.yaml").is_file()


def _without_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    real = runtimes._find_spec
    monkeypatch.setattr(
        runtimes, "_find_spec", lambda name: None if name == "torch" else real(name)
    )


def test_without_torch_the_content_check_passes_with_one_notice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _without_torch(monkeypatch)
    content = load_content(FIXTURE)
    assert content.ok, content.errors
    report = check_content(content)
    assert not report.errors, report.errors
    (reason,) = report.skipped
    assert "PyTorch" in reason and "checks skipped" in reason and "pip install" in reason


@pytest.fixture
def torchless_client(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    _without_torch(monkeypatch)
    content = load_content(FIXTURE)
    settings = Settings(database_url=db_url, content_dir=FIXTURE, secret_key="test")
    upgrade(db_url)
    with TestClient(create_app(settings, content)) as client:
        yield client


def test_without_torch_questions_are_listed_as_unavailable(torchless_client: TestClient) -> None:
    listed = torchless_client.get("/api/v1/questions").json()["data"]
    summary = next(q for q in listed if q["id"] == "torch-mse")
    reason = summary["unavailable_reason"]
    assert summary["available"] is False and reason and "PyTorch is not installed" in reason
    spec = torchless_client.get("/api/v1/questions/torch-mse").json()["input"]
    assert spec["runtime"] == "torch" and spec["available"] is False
    assert spec["unavailable_reason"] == reason and spec["examples"]
    assert torchless_client.get("/api/v1/topics").status_code == 200


def test_without_torch_attempts_answer_501(torchless_client: TestClient) -> None:
    response = torchless_client.post(
        "/api/v1/questions/torch-mse/attempts", json={"answer": HONEST}
    )
    assert response.status_code == 501 and "retry-after" not in response.headers
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == "/problems/code-runtime-unavailable"
    assert "PyTorch is not installed" in body["detail"]


def test_with_torch_the_question_is_answered(db_url: str) -> None:
    pytest.importorskip("torch", reason="PyTorch is not installed (pip install torch==2.13.0)")
    content = load_content(FIXTURE)
    assert content.ok, content.errors
    settings = Settings(database_url=db_url, content_dir=FIXTURE, secret_key="test")
    upgrade(db_url)
    with TestClient(create_app(settings, content)) as client:
        spec = client.get("/api/v1/questions/torch-mse").json()["input"]
        assert spec["available"] is True and spec["unavailable_reason"] is None
        verdict = client.post("/api/v1/questions/torch-mse/attempts", json={"answer": HONEST})
        assert verdict.status_code == 200 and verdict.json()["correct"], verdict.text
