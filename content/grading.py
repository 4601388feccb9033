"""Grade a submission to a content question: one grader per question kind, registered by kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from content.schema import (
    Check,
    ChoiceQuestion,
    DerivationQuestion,
    ExpressionQuestion,
    FormulaTarget,
    NumericQuestion,
    OpenQuestion,
    Question,
)
from engine.expr import Problem, VarSpec, grade_derivation, grade_expression
from engine.expr.errors import ExprError
from engine.rubric import Concept, grade_open
from engine.simple import Choice, grade_choice, grade_numeric
from engine.verdict import Feedback, Verdict, invalid

Answer = str | list[str]
Grader = Callable[[Any, Answer], Verdict]
GRADERS: dict[str, Grader] = {}
MAX_ANSWER_CHARS = 64 * 1024


class NotGradable(Exception):
    """The question's kind has no grader in this build."""


def grader(kind: str) -> Callable[[Grader], Grader]:
    def register(func: Grader) -> Grader:
        GRADERS[kind] = func
        return func

    return register


def _text(answer: Answer) -> str | None:
    if isinstance(answer, list):
        return answer[0] if len(answer) == 1 else None
    return answer


@grader("open")
def _grade_open(question: OpenQuestion, answer: Answer) -> Verdict:
    text = _text(answer)
    if text is None:
        return invalid("expected-text", "answer with one piece of text")
    rubric = [Concept(c.label, c.phrases, c.weight) for c in question.rubric]
    verdict = grade_open(text, rubric, pass_score=question.pass_score)
    verdict.details["model_answer"] = question.model_answer
    return verdict


@grader("choice")
def _grade_choice(question: ChoiceQuestion, answer: Answer) -> Verdict:
    selected = answer if isinstance(answer, list) else [answer]
    options = [Choice(o.id, o.correct, o.explanation) for o in question.options]
    return grade_choice(selected, options, multiple=question.multiple)


@grader("numeric")
def _grade_numeric(question: NumericQuestion, answer: Answer) -> Verdict:
    text = _text(answer)
    if text is None:
        return invalid("expected-number", "answer with one number")
    tol = question.tolerance
    return grade_numeric(
        text, question.answer, abs_tol=tol.abs, rel_tol=tol.rel, explanation=question.explanation
    )


def formula_problem(question: FormulaTarget) -> Problem:
    """The engine's view of an expression or derivation question (hashable, so cached)."""
    variables = {name: VarSpec(tuple(v.shape), v.domain) for name, v in question.variables.items()}
    return Problem.build(
        variables=variables,
        expected=question.expected,
        derivative_of=question.derivative_of,
        wrt=question.wrt,
        syntax=question.syntax,
        mistakes=[(m.answer, m.message, m.code) for m in question.mistakes],
    )


def _formula_error(exc: ExprError) -> Verdict:
    return Verdict(
        "error", 0.0, [Feedback("question-error", f"this question's target is broken: {exc}")]
    )


@grader("expression")
def _grade_expression(question: ExpressionQuestion, answer: Answer) -> Verdict:
    text = _text(answer)
    if text is None:
        return invalid(
            "expected-formula", "answer with one formula; use a derivation for several lines"
        )
    try:
        return grade_expression(text, formula_problem(question))
    except ExprError as exc:
        return _formula_error(exc)


@grader("derivation")
def _grade_derivation(question: DerivationQuestion, answer: Answer) -> Verdict:
    lines = answer if isinstance(answer, list) else answer.splitlines()
    try:
        return grade_derivation(lines, formula_problem(question), min_lines=question.min_lines)
    except ExprError as exc:
        return _formula_error(exc)


def grade(question: Question, answer: Answer, *, variant: int | None = None) -> Verdict:
    """Grade ``answer`` to ``question`` (of the drawn ``variant`` for randomised questions);
    raises :class:`NotGradable` for kinds without a grader."""
    question = instantiate(question, variant)
    size = len(answer) if isinstance(answer, str) else sum(len(a) for a in answer)
    if size > MAX_ANSWER_CHARS:
        return invalid(
            "too-long", f"the answer has {size} characters; the limit is {MAX_ANSWER_CHARS}"
        )
    try:
        func = GRADERS[question.kind]
    except KeyError:
        raise NotGradable(f"questions of kind {question.kind!r} cannot be graded yet") from None
    return func(question, answer)


def run_check(question: Question, check: Check) -> str | None:
    """Return why a self-check fails, or None when the verdict is as declared."""
    answer = check.answer
    if isinstance(answer, str) and "[[answer]]" in answer:  # randomised: variant 0's answer
        answer = answer.replace("[[answer]]", repr(instantiate(question, 0).answer))
    try:
        verdict = grade(question, answer, variant=0)
    except NotGradable as exc:
        return str(exc)
    shown = check.answer if isinstance(check.answer, list) else repr(check.answer[:50])
    if verdict.correct != check.correct:
        return (
            f"check answer {shown} should be {'correct' if check.correct else 'not correct'}"
            f" but got {verdict.status} (score {verdict.score:.2f})"
        )
    if check.status and verdict.status != check.status:
        return f"check answer {shown} should get status {check.status}, got {verdict.status}"
    if check.feedback and check.feedback not in verdict.codes():
        return (
            f"check answer {shown} should get feedback {check.feedback!r},"
            f" got {', '.join(verdict.codes()) or 'none'}"
        )
    return None


from content import grading_code  # noqa: E402,F401  (registers the code grader)


def instantiate(question: Question, variant: int | None) -> Question:
    """A randomised numeric question with variant ``variant`` drawn: texts filled, answer computed.

    Other questions are returned unchanged.
    """
    if question.kind != "numeric" or question.answer_from is None:
        return question
    from content.schema import PLACEHOLDER
    from engine.variants import ParameterSpec, compute, draw, show

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
