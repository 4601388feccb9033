"""The development set of interview gradients (``data/gradients_dev.json``, labels from NumPy:
see ``data/make_gradients_dev.py``): no wrong answer may be accepted, at most 1 % of the right
ones may be refused, and every line of the derivations gets the status its label says."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from engine.expr import Problem, VarSpec, grade_derivation, grade_expression

DATA = Path(__file__).parent / "data" / "gradients_dev.json"
MAX_FALSE_REJECTS = 0.01


@cache
def dataset() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def _problem(name: str) -> Problem:
    spec = dataset()["problems"][name]
    variables = {
        var: VarSpec(tuple(v.get("shape", [])), v.get("domain", "real"))
        for var, v in spec["variables"].items()
    }
    return Problem.build(variables=variables, derivative_of=spec["derivative_of"], wrt=spec["wrt"])


def outcome() -> dict[str, list[str]]:
    """The answers the grader gets wrong: accepted though wrong, refused though right."""
    accepted, rejected = [], []
    for case in dataset()["cases"]:
        verdict = grade_expression(case["answer"], _problem(case["problem"]))
        if verdict.correct and not case["correct"]:
            accepted.append(case["answer"])
        elif case["correct"] and not verdict.correct:
            rejected.append(f"{case['answer']}: {verdict.status} {verdict.codes()}")
    return {"false_accepts": accepted, "false_rejects": rejected}


def test_the_set_is_large_and_balanced() -> None:
    cases = dataset()["cases"]
    assert len(cases) >= 100
    right = sum(c["correct"] for c in cases)
    assert 0.3 < right / len(cases) < 0.7
    assert sum("sum" in c["answer"] for c in cases) >= 50  # sums in many spellings


def test_no_false_accepts_and_few_false_rejects() -> None:
    found = outcome()
    assert found["false_accepts"] == []
    right = sum(c["correct"] for c in dataset()["cases"])
    assert len(found["false_rejects"]) <= MAX_FALSE_REJECTS * right, found["false_rejects"]


def test_derivation_statuses() -> None:
    for item in dataset()["derivations"]:
        verdict = grade_derivation(item["lines"], _problem(item["problem"]))
        statuses = [step["status"] for step in verdict.to_dict()["steps"]]
        assert statuses == item["statuses"], item["lines"]
