"""What ``expression`` and ``derivation`` share: variables, the target, known mistakes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from engine.constants import Domain
from engine.expr import ExprError, Problem, VarSpec, prepare
from engine.kinds.base import QuestionBase, Strict, Text
from engine.verdict import Feedback, Verdict

DimName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]


class Variable(Strict):
    """A symbol of a formula: its shape (dimension names) and the set its values come from."""

    shape: list[DimName] = Field(default=[], max_length=2)
    domain: Domain = "real"


class Mistake(Strict):
    """A known wrong answer and the feedback it deserves."""

    answer: Text
    message: Text
    code: str = "known-mistake"


class FormulaTarget(QuestionBase):
    """A question answered with formulas: a target written out, or the derivative of a loss."""

    variables: dict[str, Variable] = {}
    expected: str | None = None
    derivative_of: str | None = None
    wrt: str | None = None
    syntax: Literal["auto", "ascii", "latex"] = "auto"
    mistakes: list[Mistake] = []

    @model_validator(mode="after")
    def _one_target(self) -> FormulaTarget:
        has_expected = self.expected is not None
        has_derivative = self.derivative_of is not None
        if has_expected == has_derivative:
            raise ValueError("give exactly one target: `expected`, or `derivative_of` with `wrt`")
        if has_derivative and not self.wrt:
            raise ValueError("`derivative_of` needs `wrt`: the variable to differentiate by")
        if self.wrt and not has_derivative:
            raise ValueError("`wrt` only makes sense together with `derivative_of`")
        return self

    @property
    def target_field(self) -> str:
        return "expected" if self.expected is not None else "derivative_of"


class VariableRead(BaseModel):
    shape: list[str]
    domain: str


def formula_problem(question: FormulaTarget) -> Problem:
    """The engine's view of a formula question (hashable, so its preparation is cached)."""
    variables = {name: VarSpec(tuple(v.shape), v.domain) for name, v in question.variables.items()}
    return Problem.build(
        variables=variables,
        expected=question.expected,
        derivative_of=question.derivative_of,
        wrt=question.wrt,
        syntax=question.syntax,
        mistakes=[(m.answer, m.message, m.code) for m in question.mistakes],
    )


def variables_read(question: FormulaTarget) -> dict[str, VariableRead]:
    return {
        name: VariableRead(shape=list(v.shape), domain=v.domain)
        for name, v in question.variables.items()
    }


def target_problem(question: FormulaTarget) -> str | None:
    """Why the question's own target cannot be used, or None when it parses and samples."""
    try:
        prepare(formula_problem(question))
    except ExprError as exc:
        return f"target does not work: {exc}"
    return None


def broken_target(exc: ExprError) -> Verdict:
    return Verdict(
        "error", 0.0, [Feedback("question-error", f"this question's target is broken: {exc}")]
    )
