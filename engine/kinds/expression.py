"""``expression``: one formula, graded by equivalence with the target."""

from __future__ import annotations

from typing import Literal

from engine.expr import ExprError, FormulaDetails, grade_expression
from engine.kinds.base import Answer, InputSpec, Kind, one_text, register
from engine.kinds.formula import (
    FormulaTarget,
    VariableRead,
    broken_target,
    formula_problem,
    solution_problem,
    target_problem,
    variables_read,
)
from engine.verdict import Verdict, invalid


class ExpressionQuestion(FormulaTarget):
    """Type one formula; graded by equivalence with the target."""

    kind: Literal["expression"] = "expression"


class ExpressionInput(InputSpec):
    type: Literal["expression"] = "expression"
    syntax: str
    variables: dict[str, VariableRead]
    definitions: dict[str, str] = {}


def grade(question: ExpressionQuestion, answer: Answer) -> Verdict:
    text = one_text(answer)
    if text is None:
        return invalid(
            "expected-formula", "answer with one formula; use a derivation for several lines"
        )
    try:
        return grade_expression(text, formula_problem(question))
    except ExprError as exc:
        return broken_target(exc)


KIND = register(
    Kind(
        name="expression",
        question=ExpressionQuestion,
        details=FormulaDetails,
        input=ExpressionInput,
        grade=grade,
        describe_input=lambda q: ExpressionInput(
            syntax=q.syntax, variables=variables_read(q), definitions=dict(q.definitions)
        ),
        problem=target_problem,
        solution_problem=solution_problem,
        quick_ms=25_000,
        interview_minutes=4,
        label="Formula",
    )
)
