"""Grade formulas and derivations: parse, compare with the target, name the mistake."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from engine.expr import ast as A
from engine.expr.equivalence import Target, TargetError
from engine.expr.errors import ExprError, LimitError, ShapeError
from engine.expr.front import Parsed, VarSpec, parse, parse_definitions
from engine.expr.mistakes import Context, KnownMistake, diagnose
from engine.expr.names import canonical_name
from engine.expr.printer import to_ascii
from engine.verdict import Details, Feedback, Verdict

Method = Literal["symbolic", "precise", "numeric"]
DOT_HINT = (
    "your · (or \\cdot) between two vectors was read as their inner product, a scalar; for "
    "the elementwise product write * or \\odot"
)
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
    """One line of a derivation, graded on its own: against the loss (a line before the first
    one labelled as a derivative, such as ``L = …``) or against the target."""

    line: int
    text: str
    status: Literal["correct", "partial", "incorrect", "invalid", "error"]
    feedback: list[Feedback] = []
    checked_against: Literal["target", "loss"] = "target"


class DerivationDetails(Details):
    """What a derivation verdict adds: every line's own result."""

    steps: list[LineResult] = []


@dataclass(frozen=True)
class Problem:
    """What an answer is checked against: variables, names the question defines, and a written
    target or a derivative."""

    variables: tuple[tuple[str, VarSpec], ...] = ()
    expected: str | None = None
    derivative_of: str | None = None
    wrt: str | None = None
    syntax: str = "auto"
    mistakes: tuple[tuple[str, str, str], ...] = ()  # (formula, message, code)
    definitions: tuple[tuple[str, str], ...] = ()  # (name, formula), in order

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
        definitions: Mapping[str, str] | Sequence[tuple[str, str]] = (),
    ) -> Problem:
        # declared names are spelled like names in formulas: eps -> epsilon, y_hat -> yhat
        declared = {canonical_name(name): spec for name, spec in (variables or {}).items()}
        defined = definitions.items() if isinstance(definitions, Mapping) else definitions
        return cls(
            tuple(sorted(declared.items())),
            expected,
            derivative_of,
            wrt,
            syntax,
            tuple(mistakes),
            tuple((name, formula) for name, formula in defined),
        )


@dataclass
class Prepared:
    target: Target
    known: list[KnownMistake]
    variables: dict[str, VarSpec]
    names: frozenset[str]
    definitions: dict[str, A.Node] = field(default_factory=dict)
    seed: int = 0
    _loss_target: Target | None = None

    @property
    def loss_target(self) -> Target | None:
        """The loss of a derivative target, as a target of its own (lines of a derivation that
        start from the loss are checked against it); built when first needed."""
        loss = self.target.loss
        if loss is None:
            return None
        if self._loss_target is None:
            self._loss_target = Target(self.target.variables, expected=loss, seed=self.seed + 1)
        return self._loss_target


def _seed(problem: Problem) -> int:
    fields: tuple[object, ...] = (
        problem.expected,
        problem.derivative_of,
        problem.wrt,
        problem.variables,
    )
    if problem.definitions:
        fields += (problem.definitions,)
    return int.from_bytes(hashlib.sha256(repr(fields).encode()).digest()[:8], "little")


@lru_cache(maxsize=512)
def prepare(problem: Problem) -> Prepared:
    """Parse the target, sample it and parse the known mistakes (cached per problem).

    Raises :class:`ExprError` (or :class:`TargetError`) when the target itself is bad.
    """
    variables = dict(problem.variables)
    source = problem.expected if problem.expected is not None else problem.derivative_of
    if source is None:
        raise TargetError("give `expected`, or `derivative_of` with `wrt`")
    definitions = parse_definitions(problem.definitions, syntax=problem.syntax, variables=variables)
    parsed = parse(
        source, syntax=problem.syntax, variables=variables, strict=False, definitions=definitions
    )
    seed = _seed(problem)
    if problem.expected is not None:
        target = Target(variables, expected=parsed, seed=seed)
    else:
        target = Target(variables, loss=parsed, wrt=problem.wrt, seed=seed)
    names = target.names
    known = []
    for formula, message, code in problem.mistakes:
        mistake = parse(
            formula,
            syntax=problem.syntax,
            variables=variables,
            extra_names=names,
            definitions=definitions,
        )
        known.append(KnownMistake(mistake, message, code))
    return Prepared(target, known, variables, names, definitions, seed)


def parse_answer(text: str, problem: Problem, prepared: Prepared) -> Parsed:
    """Read an answer as the problem's names mean (declared variables, defined names)."""
    # With declared variables an unknown name is an error; with none, any name is a real scalar.
    strict = bool(prepared.variables)
    return parse(
        text,
        syntax=problem.syntax,
        variables=prepared.variables,
        extra_names=prepared.names if strict else frozenset(),
        strict=strict,
        definitions=prepared.definitions,
    )


def _error(exc: ExprError) -> InputError:
    return InputError(message=exc.message, position=exc.position, excerpt=exc.excerpt())


def _invalid(exc: ExprError) -> Verdict:
    return Verdict(
        "invalid", 0.0, [Feedback(exc.code, exc.message)], FormulaDetails(error=_error(exc))
    )


def read_line(text: str, problem: Problem, prepared: Prepared) -> Parsed | Verdict:
    """The answer read, or the verdict on a line that cannot be read (or formed)."""
    try:
        return parse_answer(text, problem, prepared)
    except ShapeError as exc:  # readable, but a product that cannot be formed: a wrong answer
        details = FormulaDetails(error=_error(exc))
        return Verdict("incorrect", 0.0, [Feedback(exc.code, exc.message)], details)
    except ExprError as exc:
        return _invalid(exc)
    except RecursionError:  # a last guard: the parser bounds depth, so this should not happen
        return _invalid(LimitError("the expression is nested too deeply", None, text))


def check_parsed(answer: Parsed, target: Target, known: list[KnownMistake]) -> Verdict:
    """Compare a read answer (every side of an equation) with ``target``; name the mistake."""
    comparison = target.view_for(answer).compare(answer)
    details = FormulaDetails(interpreted_as=answer.interpreted_as())
    if not comparison.equal:
        feedback = diagnose(Context(target.view_for(answer), answer, comparison, known))
        if comparison.reason == "shape" and any("inner product" in n for n in answer.notes):
            feedback.append(Feedback("dot-product", DOT_HINT))
        code = {"shape": "shape", "undefined": "undefined"}.get(comparison.reason, "not-equivalent")
        feedback.append(Feedback(code, comparison.message))
        return Verdict("incorrect", 0.0, feedback, details)
    for side in answer.sides:
        other = target.view_for(side).compare(side)
        if not other.equal:
            shown = to_ascii(side.node)
            message = (
                f"the last side of your equation is right, but the side {shown} is not equal "
                f"to it: {other.message}"
            )
            return Verdict("incorrect", 0.0, [Feedback("equation-sides", message)], details)
    note = METHOD_NOTES[comparison.method]
    details.method = comparison.method
    return Verdict(
        "correct", 1.0, [Feedback("equivalent", f"Equivalent to the target ({note}).")], details
    )


def grade_expression(answer: str, problem: Problem) -> Verdict:
    """Grade one formula against ``problem``.

    >>> p = Problem.build(variables={"z": VarSpec()}, derivative_of="log(1 + exp(-z))", wrt="z")
    >>> grade_expression("sigmoid(z) - 1", p).status
    'correct'
    >>> grade_expression("1 - sigmoid(z)", p).codes()[0]
    'sign'
    >>> grade_expression("2z + 1 = 2(z + 1)", Problem.build(expected="2z + 2")).codes()
    ['equation-sides']
    """
    prepared = prepare(problem)
    read = read_line(answer, problem, prepared)
    if isinstance(read, Verdict):
        return read
    return check_parsed(read, prepared.target, prepared.known)
