"""The PyTorch exercises' checks, without torch and without the sandbox: each case's expected
output (the NumPy twin) passes, every known mistake fails with its own message, rules the child
enforces come out with their codes, and the PyTorch runtime is reported unavailable when torch
is missing. None of this imports torch."""

from __future__ import annotations

import doctest
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import engine.sandbox.runtimes as runtimes
from engine.judge import EXERCISES, TORCH_EXERCISES, examples, get_exercise
from engine.judge.core import Case
from engine.judge.report import build_verdict
from engine.reference import backprop, tiny_models
from engine.sandbox import RunResult, RuntimeUnavailable, Sandbox, runtime_unavailable
from engine.sandbox.runtime.drivers import drive
from engine.sandbox.runtime.protocol import BlobWriter, encode_output
from engine.verdict import Verdict

NAMES = sorted(TORCH_EXERCISES)
MISTAKES = [(name, m) for name in NAMES for m in TORCH_EXERCISES[name].mistakes]


def _dropout_outputs(case: Case, rng: np.random.Generator) -> Any:
    """What a correct Dropout returns in the child (train, x.grad, train again, eval)."""
    x, p = np.asarray(case.params["x"]), float(case.args[0])  # type: ignore[index]
    if case.params["mode"] in ("train", "eval"):  # type: ignore[index]
        return x.copy()  # only the eval mode (or p = 0) is asked for
    masks = [(rng.random(x.shape) >= p) / (1 - p) for _ in range(2)]
    return (x * masks[0], masks[0], x * masks[1], x.copy())


CHILD_ONLY: dict[str, Callable[[Case, np.random.Generator], Any]] = {
    "torch-gradcheck": lambda case, rng: np.float64(1.0),
    "torch-module": _dropout_outputs,
}


def _run(frames: list[tuple[dict[str, Any], bytes]]) -> RunResult:
    return RunResult(frames, True, 0, None, None, 0.0, 0.0, 0, 0)


def simulate(name: str, twin: Callable[..., Any] | None = None, seed: int = 0) -> Verdict:
    """Judge ``twin`` (the reference by default) as if the child had returned its outputs."""
    exercise = get_exercise(name)
    cases = exercise.build_cases(np.random.default_rng(seed))
    rng = np.random.default_rng(seed)
    frames: list[tuple[dict[str, Any], bytes]] = []
    for i, case in enumerate(cases):
        if case.check is not None and case.driver in CHILD_ONLY:
            out = CHILD_ONLY[case.driver](case, rng)
        else:
            with np.errstate(all="ignore"):
                out = drive(twin or exercise.reference, case.wire(reference=True))
        writer = BlobWriter()
        tree = encode_output(out, writer, 1 << 20)
        frames.append(({"ev": "result", "case": i, "value": tree, "mutated": []}, writer.blob()))
    frames.append(({"ev": "done"}, b""))
    return build_verdict(exercise, exercise.function, cases, _run(frames))


@pytest.mark.parametrize("name", NAMES)
def test_the_reference_passes_every_case(name: str) -> None:
    verdict = simulate(name)
    assert verdict.correct, [f.message for f in verdict.feedback]


@pytest.mark.parametrize(("name", "mistake"), MISTAKES, ids=[f"{n}:{m.code}" for n, m in MISTAKES])
def test_each_known_mistake_fails_with_its_message(name: str, mistake: Any) -> None:
    verdict = simulate(name, mistake.fn)
    assert not verdict.correct
    assert f"mistake-{mistake.code}" in verdict.codes(), verdict.feedback
    assert any(mistake.message in f.message for f in verdict.feedback)


@pytest.mark.parametrize("name", NAMES)
def test_cases_and_examples_are_complete(name: str) -> None:
    exercise = get_exercise(name)
    assert exercise.runtime == "torch" and name.startswith("torch_")
    assert name not in EXERCISES
    cases = exercise.build_cases(np.random.default_rng(1))
    assert sum(c.visible for c in cases) >= 2 and sum(not c.visible for c in cases) >= 2
    assert len({c.name for c in cases}) == len(cases)
    assert all(c.driver.startswith("torch-") for c in cases)
    assert all(c.ref_driver == "twin" or c.check is not None for c in cases)
    shown = examples(name)
    assert len(shown) >= 2 and examples(name) == shown
    assert all(exercise.function in call for call, _ in shown)


@pytest.mark.parametrize(
    ("header", "code", "words"),
    [
        (
            {"type": "Requirement", "message": "return a tensor", "requirement": "not-a-tensor"},
            "not-a-tensor",
            "return a tensor",
        ),
        (
            {
                "type": "Requirement",
                "message": "uses F.cross_entropy",
                "requirement": "forbidden-call",
            },
            "forbidden-call",
            "uses F.cross_entropy",
        ),
        (
            {"type": "ValueError", "message": "boom", "requirement": "NOT A CODE"},
            "exception",
            "boom",
        ),
        ({"type": "KeyError", "message": "'w'"}, "exception", "raised KeyError"),
    ],
)
def test_broken_rules_are_reported_with_their_code(
    header: dict[str, Any], code: str, words: str
) -> None:
    exercise = get_exercise("torch_bce_with_logits")
    cases = exercise.build_cases(np.random.default_rng(0))
    frames = [({"ev": "error", "case": 0, **header}, b""), ({"ev": "done"}, b"")]
    verdict = build_verdict(exercise, "bce_with_logits", cases, _run(frames))
    assert not verdict.correct and code in verdict.codes()
    assert any(words in f.message for f in verdict.feedback)


def test_gradient_failures_name_the_gradient() -> None:
    def nan_gradient(args: Any, kwargs: Any, params: Any) -> Any:
        loss, grad = backprop.bce_with_logits(*args)
        return loss, np.where(np.abs(args[0]) > 100, np.nan, grad)

    verdict = simulate("torch_bce_with_logits", nan_gradient)
    text = " ".join(f.message for f in verdict.feedback)
    assert "gradient of logits: returned nan" in text and "log-sum-exp" in text


def test_the_reference_modules_document_themselves() -> None:
    for module in (backprop, tiny_models):
        result = doctest.testmod(module, extraglobs={"np": np})
        assert result.attempted > 0 and result.failed == 0


def test_backprop_gradients_match_finite_differences() -> None:
    rng = np.random.default_rng(3)
    z, y = rng.normal(size=7) * 3, (rng.random(7) < 0.5).astype(float)
    labels = rng.integers(0, 4, 5)
    logits = rng.normal(size=(5, 4))
    pairs = [
        (lambda v: backprop.bce_with_logits(v, y), z),
        (lambda v: backprop.focal_with_logits(v, y, 2.0, 0.3), z),
        (lambda v: backprop.bce(v, y), rng.uniform(0.05, 0.95, 7)),
        (lambda v: backprop.cross_entropy(v, labels, 0.1), logits),
        (lambda v: backprop.huber(v, np.zeros(7), 1.0), z + 0.05),
    ]
    from engine.reference.gradients import numerical_gradient

    for fn, x in pairs:
        numeric = numerical_gradient(lambda v, fn=fn: fn(v)[0], x, 1e-6)
        np.testing.assert_allclose(fn(x)[1], numeric, rtol=1e-5, atol=1e-8)
    params = [rng.normal(size=s) for s in ((4, 3), (4,), (2, 4), (2,))]
    X, Y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    _, grads = tiny_models.mlp_mse(X, Y, *params)
    for i, g in enumerate(grads):

        def f(v: np.ndarray, i: int = i) -> float:
            return tiny_models.mlp_mse(X, Y, *params[:i], v, *params[i + 1 :])[0]

        np.testing.assert_allclose(g, numerical_gradient(f, params[i], 1e-6), rtol=1e-5, atol=1e-8)


def test_stable_at_extreme_logits() -> None:
    z = np.array([1000.0, -1000.0, 1000.0, -1000.0])
    y = np.array([1.0, 0.0, 0.0, 1.0])
    for loss, grad in (backprop.bce_with_logits(z, y), backprop.focal_with_logits(z, y)):
        assert np.isfinite(loss) and np.isfinite(grad).all()
    loss, grad = backprop.cross_entropy(np.array([[1000.0, -1000.0]]), np.array([1]), 0.1)
    assert np.isfinite(loss) and np.isfinite(grad).all()


def _without_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    real = runtimes._find_spec
    monkeypatch.setattr(
        runtimes, "_find_spec", lambda name: None if name == "torch" else real(name)
    )


def test_without_torch_the_runtime_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    _without_torch(monkeypatch)
    reason = runtime_unavailable("torch")
    assert reason is not None and "PyTorch is not installed" in reason
    assert "torch==2.13.0" in reason and runtime_unavailable("numpy") is None
    box = Sandbox(runtime="torch", workers=1)
    assert not box.start().enabled and box.start().reason() == reason
    with pytest.raises(RuntimeUnavailable, match="not installed"):
        box.run({"source": "", "function": "f", "cases": []}, b"")
