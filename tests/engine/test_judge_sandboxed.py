"""The judge end to end: submissions run in the real sandbox and are judged in this process."""

from __future__ import annotations

import json

import numpy as np
import pytest

from engine.judge import EXERCISES, MAX_SOURCE_BYTES, get_exercise, judge
from engine.judge.text import number
from engine.sandbox import Limits
from tests.engine.solutions import CORRECT, WRONG

WRONG_CASES = [(name, src, code) for name, pairs in sorted(WRONG.items()) for src, code in pairs]


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_a_correct_implementation_passes(name: str) -> None:
    verdict = judge(exercise=name, source=CORRECT[name])
    assert verdict.correct, [f.message for f in verdict.feedback]
    assert verdict.score == 1.0
    assert all(case["passed"] for case in verdict.to_dict()["cases"])


@pytest.mark.parametrize(
    ("name", "source", "code"),
    WRONG_CASES,
    ids=[f"{n}:{c}:{i % 2}" for i, (n, _, c) in enumerate(WRONG_CASES)],
)
def test_a_typical_wrong_implementation_fails_with_a_named_problem(
    name: str, source: str, code: str
) -> None:
    verdict = judge(exercise=name, source=source)
    assert not verdict.correct
    assert code in verdict.codes(), [(f.code, f.message) for f in verdict.feedback]


MSE = "import numpy as np\ndef mse(y_true, y_pred):\n"


@pytest.mark.parametrize(
    ("source", "status", "code", "words"),
    [
        ("def mse(a, b):\n    return (a -\n", "invalid", "syntax-error", "line 2"),
        (
            "def loss(a, b):\n    return 0.0\n",
            "invalid",
            "missing-function",
            "define `mse(y_true, y_pred)`",
        ),
        ("mse = 3\n", "invalid", "not-callable", "is an int"),
        ("   \n", "invalid", "empty-source", "mse(y_true, y_pred)"),
        ("x" * (MAX_SOURCE_BYTES + 1), "invalid", "source-too-large", "64 KiB"),
        ("import engine\n", "incorrect", "load-exception", "ModuleNotFoundError"),
        (
            MSE + "    raise ValueError('bad shapes')\n",
            "incorrect",
            "exception",
            "ValueError: bad shapes (line 3)",
        ),
        (MSE + "    pass\n", "incorrect", "returned-none", "return"),
        (MSE + "    return 'small'\n", "incorrect", "wrong-type", "returned a str"),
        (MSE + "    return np.zeros(2**21)\n", "incorrect", "too-big", "far larger"),
        (
            MSE + "    y_pred -= y_true\n    return float(np.mean(y_pred ** 2))\n",
            "incorrect",
            "mutated-input",
            "in place",
        ),
        (MSE + "    while True:\n        pass\n", "incorrect", "limit-cpu", "CPU time limit 2 s"),
        (
            MSE + "    import signal\n    signal.signal(signal.SIGXCPU, signal.SIG_IGN)\n"
            "    while True:\n        pass\n",
            "incorrect",
            "limit-cpu",
            "CPU time limit 2 s",
        ),
        ("import time\ntime.sleep(30)\n", "incorrect", "limit-wall", "wall time limit 5 s"),
        (
            MSE + "    while True:\n        print('x' * 4096)\n",
            "incorrect",
            "limit-output",
            "output",
        ),
        (
            MSE + "    return tuple(np.ones(2**20) for _ in range(8))\n",
            "incorrect",
            "limit-result",
            "MiB",
        ),
        (MSE + "    import os\n    os._exit(3)\n", "incorrect", "exited", "code 3"),
        (
            MSE + "    import ctypes\n    return ctypes.string_at(0)\n",
            "incorrect",
            "crashed",
            "SIGSEGV",
        ),
    ],
)
@pytest.mark.slow
def test_failures_are_named(source: str, status: str, code: str, words: str) -> None:
    # A roomy wall limit unless the wall limit is under test: on a loaded machine CPU time
    # accrues slower than wall time, and the CPU limit must be the one that trips.
    limits = Limits() if code == "limit-wall" else Limits(wall_seconds=20)
    verdict = judge(exercise="mse", source=source, limits=limits)
    assert verdict.status == status
    assert code in verdict.codes(), [(f.code, f.message) for f in verdict.feedback]
    assert any(words in f.message for f in verdict.feedback), verdict.feedback


@pytest.mark.slow
def test_the_case_that_hit_a_limit_is_named() -> None:
    source = (
        MSE + "    if y_true.size > 100:\n        while True:\n            pass\n"
        "    return float(np.mean((y_true - y_pred) ** 2))\n"
    )
    verdict = judge(exercise="mse", source=source, limits=Limits(wall_seconds=20))
    stuck = [c for c in verdict.to_dict()["cases"] if "did not finish" in c["message"]]
    assert len(stuck) == 1 and "CPU time limit" in stuck[0]["message"]
    assert verdict.to_dict()["cases"][0]["passed"]  # the cases before it were judged


def test_hidden_inputs_stay_hidden() -> None:
    seed = 1234
    verdict = judge(exercise="mse", source=WRONG["mse"][0][0], seed=seed)
    text = json.dumps(verdict.to_dict())
    cases = get_exercise("mse").build_cases(np.random.default_rng(seed))
    hidden_values = {
        number(float(v)) for c in cases if not c.visible for a in c.args for v in np.ravel(a)[:3]
    }
    assert not any(v in text for v in hidden_values if len(v) > 4)
    for shown in verdict.to_dict()["cases"]:
        assert ("call" in shown) == shown["visible"]


def test_visible_failures_show_the_call_and_expected_value() -> None:
    verdict = judge(exercise="mse", source=MSE + "    return 1.0\n")
    first = verdict.to_dict()["cases"][0]
    assert first["call"] == "mse(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.5, 2.0]))"
    assert first["expected"] == "0.416667"


def test_lying_objects_and_patched_numpy_change_nothing() -> None:
    source = """
import numpy as np, builtins
class Liar(float):
    def __eq__(self, other): return True
    def __array__(self, *a, **k): return np.array(0.4166666666666667)
np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: True
def mse(y_true, y_pred):
    return Liar(0.0)
"""
    verdict = judge(exercise="mse", source=source)
    assert not verdict.correct
