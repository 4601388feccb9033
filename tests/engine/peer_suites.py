"""Agreement of the formula reader and grader with three public test suites, kept as data in
``tests/engine/data/peers`` (each file names its source repository, paths, commits and licence).

- ``reading`` suites (SymPy's ``parse_latex`` tests, latex2sympy2_extended's): each case is a
  LaTeX input and what it must read as (``reads_as``, ASCII; ``reads_as_any``: one of several
  readings the suite accepts) or ``expect: refused``. The input is read as LaTeX (these are
  LaTeX parsers' tests) and must be equivalent to the reading, or be refused.
- ``equivalence`` suites (Math-Verify's): a gold answer, an answer and whether they are equal;
  the answer is graded against the gold one.

Cases outside scope (relations, calculus operators, sets, units, complex numbers, prose…) carry
``out_of_scope`` with the reason and are not counted. Used by
``tests/engine/test_expr_peer_suites.py`` and the formula benchmark's report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.expr import ExprError, Problem, grade_expression, parse, prepare
from engine.expr.grade import check_parsed

PEERS = Path(__file__).parent / "data" / "peers"
SUITES = ("sympy_parse_latex", "latex2sympy2_extended", "math_verify")


@dataclass
class Outcome:
    suite: str
    in_scope: int = 0
    out_of_scope: int = 0
    disagreements: dict[str, str] = field(default_factory=dict)  # case key -> what we did

    @property
    def agreement(self) -> float:
        return 1 - len(self.disagreements) / self.in_scope if self.in_scope else 1.0


def load(suite: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PEERS / f"{suite}.json").read_text(encoding="utf-8"))
    return data


def key(case: dict[str, Any]) -> str:
    """How a case is named in the list of disagreements."""
    if "input" in case:
        return str(case["input"])
    return f"{case['gold']} | {case['answer']}"


def _reading(case: dict[str, Any]) -> tuple[bool, str]:
    try:
        answer = parse(case["input"], syntax="latex")
    except ExprError as exc:
        return case.get("expect") == "refused", f"refused: {exc.message}"
    shown = answer.interpreted_as()["ascii"]
    if case.get("expect") == "refused":
        return False, f"read as {shown}"
    for reading in case.get("reads_as_any") or [case["reads_as"]]:
        try:
            target = prepare(Problem.build(expected=reading)).target
        except ExprError as exc:
            return False, f"the expected reading {reading} cannot be used: {exc.message}"
        if check_parsed(answer, target, []).correct:
            return True, ""
    return False, f"read as {shown}"


def _equivalence(case: dict[str, Any]) -> tuple[bool, str]:
    try:
        verdict = grade_expression(case["answer"], Problem.build(expected=case["gold"]))
    except ExprError as exc:
        return not case["equal"], f"gold answer refused: {exc.message}"
    return verdict.correct == case["equal"], f"{verdict.status} {verdict.codes()}"


def measure(suite: str) -> Outcome:
    data = load(suite)
    check = _reading if data["kind"] == "reading" else _equivalence
    outcome = Outcome(suite)
    for case in data["cases"]:
        if "out_of_scope" in case:
            outcome.out_of_scope += 1
            continue
        outcome.in_scope += 1
        agrees, what = check(case)
        if not agrees:
            outcome.disagreements[key(case)] = what
    return outcome
