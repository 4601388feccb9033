"""Every check of every exercise, without the sandbox: the reference passes, each known mistake
fails with its own message, and the generic comparisons say what differs."""

from __future__ import annotations

import numpy as np
import pytest

from engine.judge import EXERCISES, examples, get_exercise
from engine.judge.compare import Outcome, compare, factor_note, to_plain
from engine.sandbox.runtime.protocol import Seq, Unconvertible
from tests.engine.judge_sim import simulate

MISTAKES = [(name, m) for name, ex in sorted(EXERCISES.items()) for m in ex.mistakes]


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_reference_passes_every_case(name: str) -> None:
    verdict = simulate(name, get_exercise(name).reference)
    assert verdict.correct, [f.message for f in verdict.feedback]


@pytest.mark.parametrize(("name", "mistake"), MISTAKES, ids=[f"{n}:{m.code}" for n, m in MISTAKES])
def test_each_known_mistake_fails_with_its_message(name: str, mistake: object) -> None:
    verdict = simulate(name, mistake.fn)  # type: ignore[attr-defined]
    assert not verdict.correct
    assert f"mistake-{mistake.code}" in verdict.codes(), verdict.feedback  # type: ignore[attr-defined]
    assert any(mistake.message in f.message for f in verdict.feedback)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_cases_and_examples_are_complete(name: str) -> None:
    exercise = get_exercise(name)
    cases = exercise.build_cases(np.random.default_rng(1))
    assert sum(c.visible for c in cases) >= 2
    assert sum(not c.visible for c in cases) >= 2
    assert len({c.name for c in cases}) == len(cases)
    shown = examples(name)
    assert len(shown) >= 2 and all(call.startswith(f"{name}(") for call, _ in shown)
    assert examples(name) == shown  # deterministic: the question text can quote them


def test_hidden_cases_change_with_the_seed() -> None:
    a = get_exercise("mse").build_cases(np.random.default_rng(1))
    b = get_exercise("mse").build_cases(np.random.default_rng(2))
    hidden = [i for i, c in enumerate(a) if not c.visible]
    assert any(not np.array_equal(a[i].args[0], b[i].args[0]) for i in hidden)


E = to_plain(np.array([1.0, 2.0, 3.0]))


@pytest.mark.parametrize(
    ("expected", "got", "code", "words"),
    [
        (E, np.array([1.0, 2.0, 3.0]), "", ""),
        (E, np.array([1.0, 2.0]), "shape", "output shape (2,) but expected (3,)"),
        (E, np.array([1.0, np.nan, 3.0]), "nonfinite", "returned nan"),
        (E, np.array([1.0, np.inf, 3.0]), "nonfinite", "returned inf"),
        (E, None, "returned-none", "return"),
        (E, Unconvertible("str"), "wrong-type", "returned a str"),
        (E, Unconvertible("ndarray", too_big=True), "too-big", "far larger"),
        (E, np.array([1.0, 2.0, 3.1]), "wrong-value", "wrong values"),
        (to_plain(2.0), np.array([2.0]), "", ""),
        (to_plain(2.0), np.array([2.0, 2.0]), "shape", "single number"),
        (to_plain((np.zeros(2), np.ones(2))), np.zeros(2), "wrong-type", "expected a tuple"),
        (
            to_plain((np.zeros(2), np.ones(2))),
            Seq([np.zeros(2)]),
            "wrong-length",
            "returned 1 values",
        ),
        (
            to_plain((np.zeros(2), np.ones(2))),
            Seq([np.zeros(2), np.zeros(2)]),
            "wrong-value",
            "velocity",
        ),
        (E, Seq([np.array(1.0), np.array(2.0), np.array(3.0)]), "", ""),
    ],
)
def test_compare_reports_both_sides(expected: object, got: object, code: str, words: str) -> None:
    outcome: Outcome = compare(expected, got, 1e-6, 1e-9, ("w", "velocity"))
    assert outcome.passed == (code == "")
    assert outcome.code == code
    assert words in outcome.message


@pytest.mark.parametrize(
    ("factor", "size", "words"),
    [
        (-1.0, 3, "opposite sign"),
        (2.0, 1, "2× the expected"),
        (7.0, 1, "7× the expected"),
        (0.5, 3, "1/2 of the expected"),
        (1.37, 3, "1.37× the expected"),
        (1.37, 1, ""),  # a lone wrong number is not a "factor"
        (1.0, 3, ""),
    ],
)
def test_factor_note(factor: float, size: int, words: str) -> None:
    expected = np.arange(1.0, size + 1)
    note = factor_note(expected, factor * expected)
    assert (words in note) if words else note == ""
