"""The general detectors: each names its wrong result, and leaves other wrong results alone
(a finding that is not there would mislead more than "wrong values")."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from engine.judge import get_exercise
from engine.judge.compare import to_plain
from engine.judge.core import Case
from engine.judge.detect import explain
from engine.judge.trusted import reference
from engine.sandbox.runtime.protocol import Seq


def _case(name: str, index: int = 0) -> Case:
    return get_exercise(name).build_cases(np.random.default_rng(3))[index]


def _found(name: str, got: Any, index: int = 0) -> tuple[str, str] | None:
    exercise = get_exercise(name)
    case = _case(name, index)
    expected = to_plain(reference(exercise, case))
    return explain(expected, got, case, exercise)


def _expected(name: str, index: int = 0) -> Any:
    return to_plain(reference(get_exercise(name), _case(name, index)))


@pytest.mark.parametrize("decimals", [0, 2, 4, 7])
def test_rounded_results(decimals: int) -> None:
    got = np.round(_expected("softmax", 2), decimals)
    found = _found("softmax", got, 2)
    assert found is not None and found[0] == "rounded" and f"{decimals} decimal" in found[1]


def test_value_right_gradient_wrong_names_the_kink() -> None:
    exercise = get_exercise("torch_bce_with_logits")
    case = next(
        c for c in exercise.build_cases(np.random.default_rng(0)) if c.visible and 0.0 in c.args[0]
    )
    loss, grad = to_plain(reference(exercise, case))
    z = np.asarray(case.args[0])
    wrong = grad.copy()
    wrong[z == 0] += 0.5 / z.size  # the subgradient of clamp/abs at 0
    found = explain(Seq([loss, grad]), Seq([loss, wrong]), case, exercise)
    assert found is not None and found[0] == "wrong-gradient"
    assert "value is right" in found[1] and "logits = 0" in found[1]


def test_gradient_right_value_wrong() -> None:
    exercise = get_exercise("torch_bce_with_logits")
    case = exercise.build_cases(np.random.default_rng(0))[2]
    loss, grad = to_plain(reference(exercise, case))
    found = explain(Seq([loss, grad]), Seq([loss + 0.3, grad]), case, exercise)
    assert found is not None and found[0] == "wrong-loss-value"


def test_an_ignored_argument() -> None:
    exercise = get_exercise("focal_loss")
    case = exercise.build_cases(np.random.default_rng(0))[0]  # gamma defaults to 2
    got = to_plain(reference(exercise, Case(case.name, case.args, {"gamma": 1.0})))
    found = explain(to_plain(reference(exercise, case)), got, case, exercise)
    assert found is not None and found[0] == "argument" and "`gamma` is ignored" in found[1]


def test_one_minus_an_argument() -> None:
    exercise = get_exercise("exponential_decay")
    case = exercise.build_cases(np.random.default_rng(0))[0]
    step, lr, gamma = case.args
    got = to_plain(reference(exercise, Case(case.name, (step, lr, 1 - gamma))))
    found = explain(to_plain(reference(exercise, case)), got, case, exercise)
    assert found is not None and "1 − gamma" in found[1]


def test_swapped_items() -> None:
    w, v = _expected("momentum_step")
    found = _found("momentum_step", Seq([v, w]))
    assert found is not None and found[0] == "order"


def test_a_mean_over_the_wrong_count() -> None:
    exercise = get_exercise("mse_gradient")
    case = exercise.build_cases(np.random.default_rng(0))[2]
    X = np.asarray(case.args[0])
    expected = to_plain(reference(exercise, case))
    found = explain(expected, expected * X.shape[0] / X.shape[1], case, exercise)
    assert found is not None and found[0] == "mean-denominator" and "columns of X" in found[1]


def test_an_input_returned_unchanged() -> None:
    case = _case("momentum_step", 1)
    w, _ = _expected("momentum_step", 1)
    found = _found("momentum_step", Seq([w, np.asarray(case.args[2])]), 1)
    assert found is not None and found[0] == "unchanged-input" and "velocity" in found[1]


def test_shifted_by_one_step() -> None:
    exercise = get_exercise("cosine_annealing")
    case = next(c for c in exercise.build_cases(np.random.default_rng(0)) if c.driver == "sweep")
    expected = to_plain(reference(exercise, case))
    got = np.concatenate([expected[1:], expected[-1:]])
    found = explain(expected, got, case, exercise)
    assert found is not None and found[0] == "off-by-one"


@pytest.mark.parametrize("noise", [1e-3, 0.37])
def test_no_finding_for_unstructured_errors(noise: float) -> None:
    exercise = get_exercise("softmax")
    case = exercise.build_cases(np.random.default_rng(0))[3]
    expected = to_plain(reference(exercise, case))
    got = expected + noise * np.random.default_rng(7).normal(size=expected.shape)
    assert explain(expected, got, case, exercise) is None
