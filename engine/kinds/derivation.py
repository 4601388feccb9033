"""``derivation``: several formula lines, each equivalent to the target; the first wrong line
is named."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from engine.expr import DerivationDetails, ExprError, grade_derivation
from engine.kinds.base import Answer, InputSpec, Kind, register
from engine.kinds.formula import (
    FormulaTarget,
    VariableRead,
    broken_target,
    formula_problem,
    solution_problem,
    target_problem,
    variables_read,
)
from engine.verdict import Verdict


class DerivationQuestion(FormulaTarget):
    """Type several lines, each equivalent to the target; the first wrong line is named."""

    kind: Literal["derivation"] = "derivation"
    min_lines: int = Field(default=2, ge=1)


class DerivationInput(InputSpec):
    type: Literal["derivation"] = "derivation"
    syntax: str
    variables: dict[str, VariableRead]
    definitions: dict[str, str] = {}
    min_lines: int


def grade(question: DerivationQuestion, answer: Answer) -> Verdict:
    lines = answer if isinstance(answer, list) else answer.splitlines()
    try:
        return grade_derivation(lines, formula_problem(question), min_lines=question.min_lines)
    except ExprError as exc:
        return broken_target(exc)


def describe_input(question: DerivationQuestion) -> DerivationInput:
    return DerivationInput(
        syntax=question.syntax,
        variables=variables_read(question),
        definitions=dict(question.definitions),
        min_lines=question.min_lines,
    )


KIND = register(
    Kind(
        name="derivation",
        question=DerivationQuestion,
        details=DerivationDetails,
        input=DerivationInput,
        grade=grade,
        describe_input=describe_input,
        problem=target_problem,
        solution_problem=solution_problem,
        quick_ms=60_000,
        interview_minutes=6,
        label="Derivation",
    )
)
