"""Randomised question variants: drawn per seed, answers computed by reference functions."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from content import ContentSet
from engine.kinds import grade, instantiate
from engine.reference import losses
from engine.variants import ParameterSpec, compute, draw, show

RANDOMISED = [
    "mse-variant-compute",
    "mae-variant-compute",
    "huber-variant-compute",
    "binary-cross-entropy-variant-compute",
    "lr-schedules-variant-cosine",
]


def test_draws_are_reproducible_and_vary() -> None:
    spec = {"a": ParameterSpec(0, 9, 1, size=4), "b": ParameterSpec(choices=(0.5, 2.0))}
    assert draw(spec, 3) == draw(spec, 3)
    assert len({show(draw(spec, seed)["a"]) for seed in range(20)}) > 10
    assert all(v in (0.5, 2.0) for v in (draw(spec, s)["b"] for s in range(20)))
    assert all(0 <= x <= 9 and x == int(x) for s in range(20) for x in draw(spec, s)["a"])


def test_answer_comes_from_the_reference_function() -> None:
    values = {"y": [1.0, 5.0], "p": [2.0, 3.0]}
    assert (
        compute("mse", ["y", "p"], values)
        == losses.mse(np.array([1.0, 5.0]), np.array([2.0, 3.0]))
        == 2.5
    )
    with pytest.raises(ValueError, match="unknown function"):
        compute("nonsense", ["y"], values)


@pytest.mark.parametrize("qid", RANDOMISED)
def test_each_variant_grades_its_own_draw(shipped_content: ContentSet, qid: str) -> None:
    question = shipped_content.questions[qid]
    answers = set()
    for variant in range(6):
        drawn = instantiate(question, variant)
        assert "[[" not in drawn.prompt + drawn.explanation
        answers.add(round(drawn.answer, 9))
        assert grade(question, str(drawn.answer), variant=variant).correct
        assert not grade(question, str(drawn.answer + 1), variant=variant).correct
    assert len(answers) > 1, "variants should not all have the same answer"


def test_api_serves_and_grades_a_variant(client: TestClient, shipped_content: ContentSet) -> None:
    qid = "mse-variant-compute"
    first = client.get(f"/api/v1/questions/{qid}", params={"variant": 7}).json()
    again = client.get(f"/api/v1/questions/{qid}", params={"variant": 7}).json()
    assert first["variant"] == 7 and first["prompt"] == again["prompt"]
    assert "[[" not in first["prompt"]["text"]
    fresh = client.get(f"/api/v1/questions/{qid}").json()
    assert isinstance(fresh["variant"], int)
    answer = instantiate(shipped_content.questions[qid], 7).answer
    url = f"/api/v1/questions/{qid}/attempts"
    assert client.post(url, json={"answer": str(answer), "variant": 7}).json()["correct"]
    other = instantiate(shipped_content.questions[qid], 8).answer
    if other != answer:
        assert not client.post(url, json={"answer": str(answer), "variant": 8}).json()["correct"]


def test_schema_rejects_unknown_parameters(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from content import load_content

    module = (
        "id: alpha\ntitle: A\nsummary: S\nsources: [roadmap/1.1]\nlearning_steps: [x]\n"
        "questions:\n  - id: alpha-v\n    kind: numeric\n    prompt: Values [[a]] and [[zz]]\n"
        "    parameters: {a: {low: 0, high: 3}}\n    answer_from: {function: mse, args: [a, a]}\n"
        "    explanation: e\n    hints: [h]\n"
    )
    (tmp_path / "alpha.yaml").write_text(module)
    errors = [str(e) for e in load_content(tmp_path).errors]
    assert any("alpha.yaml:7: questions[0]: unknown parameter(s) zz" in e for e in errors), errors
