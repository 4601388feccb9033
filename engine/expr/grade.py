"""Grade formulas and derivations: parse, compare with the target, name the mistake."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from engine.expr.equivalence import Target, TargetError
from engine.expr.errors import ExprError, LimitError, ShapeError
from engine.expr.front import Parsed, VarSpec, parse
from engine.expr.mistakes import Context, KnownMistake, diagnose
from engine.expr.names import canonical_name
from engine.verdict import Details, Feedback, Verdict

MAX_STEPS = 30
# A derivation whose last line is right after a wrong one: half the share of right lines, plus
# this much for reaching the answer.
REACHED_ANSWER_CREDIT = 0.25
Method = Literal["symbolic", "precise", "numeric"]
METHOD_NOTES: dict[str, str] = {
    "symbolic": "proved symbolically",
    "precise": "checked to 25 digits at random points",
    "numeric": "checked at random points",
}


class InputError(BaseModel):
    """Where a formula could not be read."""

    model_config = ConfigDict(extra="forbid")

    message: str
    position: int | None = None
    excerpt: str = ""


class FormulaDetails(Details):
    """What a formula verdict adds: how the answer was read and how equality was settled."""

    interpreted_as: dict[str, str | None] | None = None
    method: Method | None = None
    error: InputError | None = None


class LineResult(FormulaDetails):
    """One line of a derivation, graded on its own."""

    line: int
    text: str
    status: Literal["correct", "partial", "incorrect", "invalid", "error"]
    feedback: list[Feedback] = []


class DerivationDetails(Details):
    """What a derivation verdict adds: every line's own result."""

    steps: list[LineResult] = []


@dataclass(frozen=True)
class Problem:
    """What an answer is checked against: variables, and a written target or a derivative."""

    variables: tuple[tuple[str, VarSpec], ...] = ()
    expected: str | None = None
    derivative_of: str | None = None
    wrt: str | None = None
    syntax: str = "auto"
    mistakes: tuple[tuple[str, str, str], ...] = ()  # (formula, message, code)

    @classmethod
    def build(
        cls,
        *,
        variables: Mapping[str, VarSpec] | None = None,
        expected: str | None = None,
        derivative_of: str | None = None,
        wrt: str | None = None,
        syntax: str = "auto",
        mistakes: Sequence[tuple[str, str, str]] = (),
    ) -> Problem:
        # declared names are spelled like names in formulas: eps -> epsilon, y_hat -> yhat
        declared = {canonical_name(name): spec for name, spec in (variables or {}).items()}
        return cls(
            tuple(sorted(declared.items())),
            expected,
            derivative_of,
            wrt,
            syntax,
            tuple(mistakes),
        )


@dataclass
class Prepared:
    target: Target
    known: list[KnownMistake]
    variables: dict[str, VarSpec]
    names: frozenset[str]


def _seed(problem: Problem) -> int:
    text = repr((problem.expected, problem.derivative_of, problem.wrt, problem.variables))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")


@lru_cache(maxsize=512)
def prepare(problem: Problem) -> Prepared:
    """Parse the target, sample it and parse the known mistakes (cached per problem).

    Raises :class:`ExprError` (or :class:`TargetError`) when the target itself is bad.
    """
    variables = dict(problem.variables)
    source = problem.expected if problem.expected is not None else problem.derivative_of
    if source is None:
        raise TargetError("give `expected`, or `derivative_of` with `wrt`")
    parsed = parse(source, syntax=problem.syntax, variables=variables, strict=False)
    if problem.expected is not None:
        target = Target(variables, expected=parsed, seed=_seed(problem))
    else:
        target = Target(variables, loss=parsed, wrt=problem.wrt, seed=_seed(problem))
    names = target.names
    known = []
    for formula, message, code in problem.mistakes:
        known.append(
            KnownMistake(
                parse(formula, syntax=problem.syntax, variables=variables, extra_names=names),
                message,
                code,
            )
        )
    return Prepared(target, known, variables, names)


def _parse_answer(text: str, problem: Problem, prepared: Prepared) -> Parsed:
    # With declared variables an unknown name is an error; with none, any name is a real scalar.
    strict = bool(prepared.variables)
    return parse(
        text,
        syntax=problem.syntax,
        variables=prepared.variables,
        extra_names=prepared.names if strict else frozenset(),
        strict=strict,
    )


def _error(exc: ExprError) -> InputError:
    return InputError(message=exc.message, position=exc.position, excerpt=exc.excerpt())


def _invalid(exc: ExprError) -> Verdict:
    return Verdict(
        "invalid", 0.0, [Feedback(exc.code, exc.message)], FormulaDetails(error=_error(exc))
    )


def _check_line(text: str, problem: Problem, prepared: Prepared) -> Verdict:
    try:
        return _check_parsed_line(text, problem, prepared)
    except RecursionError:  # a last guard: the parser bounds depth, so this should not happen
        return _invalid(LimitError("the expression is nested too deeply", None, text))


def _check_parsed_line(text: str, problem: Problem, prepared: Prepared) -> Verdict:
    try:
        answer = _parse_answer(text, problem, prepared)
    except ShapeError as exc:  # readable, but a product that cannot be formed: a wrong answer
        details = FormulaDetails(error=_error(exc))
        return Verdict("incorrect", 0.0, [Feedback(exc.code, exc.message)], details)
    except ExprError as exc:
        return _invalid(exc)
    target = prepared.target.view_for(answer)
    comparison = target.compare(answer)
    details = FormulaDetails(interpreted_as=answer.interpreted_as())
    if comparison.equal:
        note = METHOD_NOTES[comparison.method]
        details.method = comparison.method
        return Verdict(
            "correct", 1.0, [Feedback("equivalent", f"Equivalent to the target ({note}).")], details
        )
    feedback = diagnose(Context(target, answer, comparison, prepared.known))
    code = {"shape": "shape", "undefined": "undefined"}.get(comparison.reason, "not-equivalent")
    feedback.append(Feedback(code, comparison.message))
    return Verdict("incorrect", 0.0, feedback, details)


def grade_expression(answer: str, problem: Problem) -> Verdict:
    """Grade one formula against ``problem``.

    >>> p = Problem.build(variables={"z": VarSpec()}, derivative_of="log(1 + exp(-z))", wrt="z")
    >>> grade_expression("sigmoid(z) - 1", p).status
    'correct'
    >>> grade_expression("1 - sigmoid(z)", p).codes()[0]
    'sign'
    """
    prepared = prepare(problem)
    return _check_line(answer, problem, prepared)


def grade_derivation(lines: Sequence[str], problem: Problem, *, min_lines: int = 1) -> Verdict:
    """Every line must equal the target; the first line that does not is named.

    A correct last line after a wrong middle line is ``partial``.
    """
    prepared = prepare(problem)
    lines = [line for line in lines if line.strip()]
    if not lines:
        return Verdict("invalid", 0.0, [Feedback("empty", "write at least one line")])
    if len(lines) > MAX_STEPS:
        return Verdict("invalid", 0.0, [Feedback("too-long", f"at most {MAX_STEPS} lines")])
    steps = []
    for i, line in enumerate(lines, start=1):
        verdict = _check_line(line, problem, prepared)
        shown = verdict.details if isinstance(verdict.details, FormulaDetails) else None
        steps.append(
            LineResult(
                line=i,
                text=line,
                status=verdict.status,
                feedback=verdict.feedback,
                **(shown.model_dump(exclude_none=True) if shown else {}),
            )
        )
    details = DerivationDetails(steps=steps)
    good = [s.status == "correct" for s in steps]
    first_bad = next((s for s in steps if s.status != "correct"), None)
    feedback: list[Feedback] = []
    if first_bad is None:
        if len(lines) < min_lines:
            feedback.append(
                Feedback("too-few-lines", f"show at least {min_lines} lines of working")
            )
            return Verdict("partial", 0.5, feedback, details)
        return Verdict("correct", 1.0, [Feedback("equivalent", "Every line is correct.")], details)
    reason = first_bad.feedback[-1].message if first_bad.feedback else ""
    feedback.append(
        Feedback(
            "first-wrong-line",
            f"line {first_bad.line} is not equivalent to the target: {reason}",
        )
    )
    # what was wrong with that line (sign, chain-rule, …), so it can be named and checked
    feedback += [
        Feedback(f.code, f"line {first_bad.line}: {f.message}") for f in first_bad.feedback[:-1]
    ]
    share = 0.5 * sum(good) / len(good)
    if good[-1]:
        return Verdict("partial", share + REACHED_ANSWER_CREDIT, feedback, details)
    return Verdict("incorrect", share, feedback, details)
