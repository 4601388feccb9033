"""What ``expression`` and ``derivation`` share: variables, the target, known mistakes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from engine.constants import Domain
from engine.expr import ExprError, Problem, VarSpec, grade_expression, prepare
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


DefinedName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=40)]


class FormulaTarget(QuestionBase):
    """A question answered with formulas: a target written out, or the derivative of a loss.

    ``definitions`` are names the prompt defines (``p: sigmoid(z)``, ``r: y - X beta``), in
    order: answers may use them, and a name reads as the formula it stands for."""

    variables: dict[str, Variable] = {}
    definitions: dict[DefinedName, Text] = {}
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
        both = set(self.definitions) & set(self.variables)
        if both:
            raise ValueError(f"{', '.join(sorted(both))}: a name is a variable or a definition")
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
        definitions=list(question.definitions.items()),
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


def solution_problem(question: FormulaTarget) -> str | None:
    """Why the worked solution is wrong: its last line of maths must equal the target."""
    lines = (
        [step.math for step in question.solution.steps if step.math] if question.solution else []
    )
    if not lines:
        return "a worked solution of a formula question ends with a line of maths (`math:`)"
    verdict = grade_expression(lines[-1], formula_problem(question))
    if verdict.correct:
        return None
    reason = "; ".join(f.message for f in verdict.feedback[:2])
    return f"the solution's last line is not the target ({verdict.status}): {reason}"


def broken_target(exc: ExprError) -> Verdict:
    return Verdict(
        "error", 0.0, [Feedback("question-error", f"this question's target is broken: {exc}")]
    )
