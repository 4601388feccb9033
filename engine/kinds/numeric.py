"""``numeric``: one number, accepted within a tolerance; optionally randomised per variant."""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Literal

from pydantic import Field, model_validator

from engine.constants import MAX_NUMBER_CHARS
from engine.kinds.base import (
    Answer,
    InputSpec,
    Kind,
    QuestionBase,
    Strict,
    Text,
    one_text,
    register,
)
from engine.variants import FUNCTIONS, ParameterSpec, compute, draw, show
from engine.verdict import Details, Feedback, Verdict, invalid

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$")
PLACEHOLDER = re.compile(r"\[\[([A-Za-z_][A-Za-z0-9_]*)\]\]")
# A wrong value that is one of these multiples of the answer gets its own message.
NAMED_FACTORS = ((2, "2"), (0.5, "1/2"), (100, "100"), (0.01, "1/100"))


class Tolerance(Strict):
    abs: float = Field(default=1e-6, ge=0)
    rel: float = Field(default=1e-3, ge=0)


class Parameter(Strict):
    """A value drawn per variant: on the grid low, low+step, …, high, or from ``choices``;
    a list of ``size`` values when size is set."""

    low: float = 0.0
    high: float = 1.0
    step: float = Field(default=1.0, gt=0)
    size: int | None = Field(default=None, ge=1, le=10)
    choices: list[float] = []

    @model_validator(mode="after")
    def _range(self) -> Parameter:
        if not self.choices and self.high <= self.low:
            raise ValueError(f"high ({self.high}) must be above low ({self.low})")
        return self


class AnswerFrom(Strict):
    """The answer of a randomised question: a named reference function of the drawn values."""

    function: str
    args: list[str | float] = Field(min_length=1)

    @model_validator(mode="after")
    def _known(self) -> AnswerFrom:
        if self.function not in FUNCTIONS:
            raise ValueError(
                f"unknown function {self.function!r}; use one of {', '.join(sorted(FUNCTIONS))}"
            )
        return self


class NumericQuestion(QuestionBase):
    """Answer with one number, accepted within an absolute or relative tolerance.

    A randomised variant declares ``parameters`` and ``answer_from`` instead of ``answer``; its
    texts show drawn values with ``[[name]]`` (and ``[[answer]]`` in the explanation).
    """

    kind: Literal["numeric"] = "numeric"
    answer: float | None = None
    parameters: dict[str, Parameter] = {}
    answer_from: AnswerFrom | None = None
    tolerance: Tolerance = Tolerance()
    explanation: Text

    @model_validator(mode="after")
    def _answer_or_recipe(self) -> NumericQuestion:
        if (self.answer is None) == (self.answer_from is None):
            raise ValueError("give exactly one of `answer` or `answer_from` (with `parameters`)")
        if self.answer_from is None:
            if self.parameters:
                raise ValueError("`parameters` need `answer_from` to compute the answer")
            return self
        unknown = [
            a for a in self.answer_from.args if isinstance(a, str) and a not in self.parameters
        ]
        texts = [self.prompt, self.explanation, *self.hints]
        unknown += [
            n
            for t in texts
            for n in PLACEHOLDER.findall(t)
            if n not in self.parameters and n != "answer"
        ]
        if unknown:
            raise ValueError(
                f"unknown parameter(s) {', '.join(sorted(set(unknown)))}; declared: "
                f"{', '.join(sorted(self.parameters)) or 'none'}"
            )
        return self

    @property
    def randomised(self) -> bool:
        return self.answer_from is not None


class NumericDetails(Details):
    """What a numeric verdict adds: the expected value and why."""

    answer: float | None = None
    explanation: str | None = None


class NumberInput(InputSpec):
    type: Literal["number"] = "number"


def parse_number(text: str) -> float | None:
    """Parse ``2.5``, ``-1e-3``, ``5/2``, ``40%`` or ``1,000``; None when it is not a number.

    >>> parse_number("5/2"), parse_number("40%"), parse_number("1,000"), parse_number("two")
    (2.5, 0.4, 1000.0, None)
    """
    text = text.strip().replace(" ", "").replace("−", "-")
    if not text or len(text) > MAX_NUMBER_CHARS:
        return None
    percent = text.endswith("%")
    text = text.removesuffix("%")
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    if "/" in text:
        num, _, den = text.partition("/")
        if not (_NUMBER.match(num) and _NUMBER.match(den)):
            return None
        try:
            value = float(Fraction(num) / Fraction(den))
        except (ZeroDivisionError, ValueError, OverflowError):
            return None
    elif _NUMBER.match(text):
        value = float(text)
    else:
        return None
    if not math.isfinite(value):
        return None
    return value / 100 if percent else value


def within(value: float, target: float, *, abs_tol: float, rel_tol: float) -> bool:
    return abs(value - target) <= max(abs_tol, rel_tol * abs(target))


def grade_numeric(
    answer: str, target: float, *, abs_tol: float, rel_tol: float, explanation: str
) -> Verdict:
    """Accept a number within ``max(abs_tol, rel_tol·|target|)`` of the target.

    >>> grade_numeric("0.5", 0.5, abs_tol=0, rel_tol=1e-3, explanation="").status
    'correct'
    >>> grade_numeric("-0.5", 0.5, abs_tol=0, rel_tol=1e-3, explanation="").codes()[1]
    'wrong-sign'
    """
    value = parse_number(answer)
    if value is None:
        return invalid(
            "not-a-number", f"{answer[:40]!r} is not a number; write e.g. 2.5, -1e-3 or 5/2"
        )
    details = NumericDetails(answer=target, explanation=explanation)
    if within(value, target, abs_tol=abs_tol, rel_tol=rel_tol):
        return Verdict("correct", 1.0, [Feedback("correct", explanation)], details)
    feedback = [
        Feedback("wrong-value", f"{value:g} is not within tolerance of the expected value.")
    ]
    if target and within(-value, target, abs_tol=abs_tol, rel_tol=rel_tol):
        feedback.append(Feedback("wrong-sign", "The magnitude is right but the sign is not."))
    elif target and value:
        for factor, name in NAMED_FACTORS:
            if within(value, target * factor, abs_tol=abs_tol, rel_tol=rel_tol):
                feedback.append(Feedback("factor", f"Your value is {name} × the expected one."))
                break
    feedback.append(Feedback("explanation", explanation))
    return Verdict("incorrect", 0.0, feedback, details)


def instantiate(question: NumericQuestion, variant: int | None) -> NumericQuestion:
    """A randomised question drawn for ``variant``: texts filled in, answer computed; a fixed
    question is returned as it is."""
    if question.answer_from is None:
        return question
    specs = {
        name: ParameterSpec(p.low, p.high, p.step, p.size, tuple(p.choices))
        for name, p in question.parameters.items()
    }
    values = draw(specs, variant or 0)
    answer = compute(question.answer_from.function, question.answer_from.args, values)
    shown = {name: show(v) for name, v in values.items()} | {"answer": f"{answer:.6g}"}

    def fill(text: str) -> str:
        return PLACEHOLDER.sub(lambda m: shown[m.group(1)], text)

    return question.model_copy(
        update={
            "answer": answer,
            "prompt": fill(question.prompt),
            "explanation": fill(question.explanation),
            "hints": [fill(h) for h in question.hints],
        }
    )


def grade(question: NumericQuestion, answer: Answer) -> Verdict:
    text = one_text(answer)
    if text is None:
        return invalid("expected-number", "answer with one number")
    if question.answer is None:  # a recipe that was not drawn: grade variant 0
        question = instantiate(question, 0)
    tol = question.tolerance
    assert question.answer is not None
    return grade_numeric(
        text, question.answer, abs_tol=tol.abs, rel_tol=tol.rel, explanation=question.explanation
    )


def answer_text(question: NumericQuestion) -> str:
    value = "" if question.answer is None else f"Answer: {question.answer:g}. "
    return value + question.explanation


KIND = register(
    Kind(
        name="numeric",
        question=NumericQuestion,
        details=NumericDetails,
        input=NumberInput,
        grade=grade,
        describe_input=lambda q: NumberInput(),
        answer_text=answer_text,
        instantiate=instantiate,
        quick_ms=20_000,
        interview_minutes=3,
        label="Number",
    )
)
