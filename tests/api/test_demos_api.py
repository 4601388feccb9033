"""The demo lab over HTTP: listing, running, bounds as problem+json, topic links, question figures."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from content import ContentSet, load_content
from engine.demos import DEMOS

DIAGNOSIS_SETTINGS = {
    "lr-too-high",
    "lr-too-low",
    "bad-init",
    "overfitting",
    "no-warmup",
    "exploding",
}


def test_list_demos_with_param_schemas(client: TestClient) -> None:
    body = client.get("/api/v1/demos").json()
    assert body["count"] == len(body["data"]) == len(DEMOS) >= 13
    paths = next(d for d in body["data"] if d["id"] == "optimizer-paths")
    steps = paths["params"]["properties"]["steps"]
    assert steps["default"] == 500 and steps["maximum"] == 10000
    assert "gradient-descent" in paths["topics"] and paths["title"]


@pytest.mark.parametrize("demo_id", sorted(DEMOS))
def test_every_demo_answers_with_data_summary_and_figure(client: TestClient, demo_id: str) -> None:
    response = client.post(f"/api/v1/demos/{demo_id}", json={})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["demo"] == demo_id and body["data"] and body["summary"]
    assert body["figure"]["data"] and body["figure"]["layout"]["title"]["text"]


def test_no_body_means_defaults_and_same_params_same_output(client: TestClient) -> None:
    a = client.post("/api/v1/demos/momentum").json()
    b = client.post("/api/v1/demos/momentum", json={"kappa": 50}).json()
    assert a == b and a["params"]["kappa"] == 50


def test_out_of_bounds_is_a_422_problem_naming_the_bound(client: TestClient) -> None:
    response = client.post("/api/v1/demos/optimizer-paths", json={"steps": 10001})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["detail"] == "steps must be ≤ 10000"
    assert problem["errors"][0]["loc"] == ["body", "steps"]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"optimizers": [{"name": "sgd-ish"}]}, "optimizers[0].name"),
        ({"optimizers": []}, "optimizers must have at least 1 items"),
        ({"warp": 9}, "unknown parameter warp"),
        ({"steps": "many"}, "steps"),
    ],
)
def test_invalid_params_are_422(client: TestClient, body: dict, needle: str) -> None:
    response = client.post("/api/v1/demos/optimizer-paths", json=body)
    assert response.status_code == 422 and needle in response.json()["detail"]


def test_a_body_that_is_not_an_object_is_422(client: TestClient) -> None:
    assert client.post("/api/v1/demos/momentum", json=[1, 2]).status_code == 422


def test_unknown_demo_is_404_problem(client: TestClient) -> None:
    response = client.post("/api/v1/demos/warp-drive", json={})
    assert response.status_code == 404 and "known demos" in response.json()["detail"]


def test_diverging_runs_are_valid_json_with_nulls(client: TestClient) -> None:
    body = client.post("/api/v1/demos/gradient-clipping", json={}).json()
    assert body["data"]["none"]["path"][-1] == [None, None]


def test_every_demo_topic_is_a_shipped_topic(shipped_content: ContentSet) -> None:
    for demo in DEMOS.values():
        assert set(demo.topics) <= set(shipped_content.topics), demo.id


@pytest.mark.parametrize(
    ("topic", "demos"),
    [
        ("mse", {"loss-shapes", "loss-surface", "regression-losses"}),
        ("gradient-descent", {"loss-surface", "optimizer-paths", "batch-size"}),
        ("hinge-loss", {"loss-shapes", "classification-losses"}),
        ("class-imbalance", {"loss-shapes"}),
        ("loss-curves", {"loss-curves"}),
    ],
)
def test_topics_list_their_demos(client: TestClient, topic: str, demos: set[str]) -> None:
    assert demos <= set(client.get(f"/api/v1/topics/{topic}").json()["demos"])


def _diagnosis(content: ContentSet) -> dict[str, object]:
    return {
        qid: q
        for qid, q in content.questions.items()
        if q.figure is not None
        and q.kind == "choice"
        and q.figure.demo in ("loss-curves", "optimizer-paths")
    }


def test_at_least_six_diagnosis_questions_cover_every_hidden_setting(
    shipped_content: ContentSet,
) -> None:
    questions = _diagnosis(shipped_content)
    assert len(questions) >= 6
    scenarios = {q.figure.params.get("scenario") for q in questions.values()}  # type: ignore[attr-defined]
    assert scenarios >= DIAGNOSIS_SETTINGS
    for q in questions.values():
        assert q.figure.params.get("annotate") is False  # type: ignore[attr-defined]
        assert q.checks and all(o.explanation for o in q.options)  # type: ignore[attr-defined]


def test_a_question_comes_with_its_figure_but_not_its_settings(
    client: TestClient, shipped_content: ContentSet
) -> None:
    for qid in _diagnosis(shipped_content):
        body = client.get(f"/api/v1/questions/{qid}").json()
        figure = body["figure"]
        assert figure["data"] and figure["layout"]
        text = str(figure)
        assert "params" not in body and "scenario" not in text and "lr=" not in text
        for setting in DIAGNOSIS_SETTINGS:
            assert setting not in text, (qid, setting)


def test_a_diagnosis_question_is_graded(client: TestClient) -> None:
    right = client.post(
        "/api/v1/questions/diagnose-run-overfitting/attempts", json={"answer": ["a"]}
    )
    wrong = client.post(
        "/api/v1/questions/diagnose-run-overfitting/attempts", json={"answer": ["b"]}
    )
    assert right.json()["correct"] is True and wrong.json()["correct"] is False


MODULE = """\
id: alpha
title: Alpha
summary: A topic.
sources: [roadmap/1.1]
learning_steps: [Learn it.]
demos: [momentum, warp-drive]
"""
BANK = """\
topic: alpha
questions:
  - id: alpha-figure
    kind: choice
    prompt: What is wrong?
    figure:
      demo: loss-curves
      params: {scenario: overfitting, epochs: 5000}
    options:
      - {id: a, text: Right, correct: true, explanation: It is right.}
      - {id: b, text: Wrong, explanation: It is wrong.}
  - id: alpha-nodemo
    kind: choice
    prompt: What is wrong?
    figure: {demo: no-such-demo}
    options:
      - {id: a, text: Right, correct: true, explanation: It is right.}
      - {id: b, text: Wrong, explanation: It is wrong.}
"""


def test_content_check_reports_bad_figures_and_demo_links_at_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "alpha.yaml").write_text(MODULE, encoding="utf-8")
    (tmp_path / "bank.yaml").write_text(textwrap.dedent(BANK), encoding="utf-8")
    errors = [str(e) for e in load_content(tmp_path).errors]
    assert any("alpha.yaml:6: demos[1]: unknown demo 'warp-drive'" in e for e in errors), errors
    assert any("bank.yaml:" in e and "epochs must be ≤ 1000" in e for e in errors), errors
    assert any("bank.yaml:" in e and "unknown demo 'no-such-demo'" in e for e in errors), errors


ADAM = """import numpy as np
def adam_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    return w - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v
"""


def test_run_with_my_code(client: TestClient) -> None:
    body = {"objective": "quadratic", "optimizers": [{"name": "adam", "lr": 0.1}], "steps": 50,
            "custom": {"exercise": "adam_step", "code": ADAM}}  # fmt: skip
    response = client.post("/api/v1/demos/optimizer-paths", json=body)
    if response.status_code == 503:
        pytest.skip("code execution is disabled on this machine")
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["summary"]["custom"]["matches_reference"] is True
    assert out["data"]["custom"]["path"][-1] == pytest.approx(
        out["data"]["runs"][0]["path"][-1], abs=1e-6
    )
    assert any(t.get("name") == "your code" for t in out["figure"]["data"])


def test_run_with_my_code_on_the_default_surface(client: TestClient) -> None:
    body = {"custom": {"exercise": "adam_step", "code": ADAM}}
    response = client.post("/api/v1/demos/optimizer-paths", json=body)
    if response.status_code == 503:
        pytest.skip("code execution is disabled on this machine")
    out = response.json()
    assert response.status_code == 200 and out["params"]["objective"] != "quadratic"
    assert out["summary"]["custom"]["matches_reference"] is True
    assert len(out["data"]["custom"]["path"]) == out["params"]["steps"] + 1
