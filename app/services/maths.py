"""The formula checker: how a formula is read, and checks against a target given in the request."""

from __future__ import annotations

from app import schemas as s
from app.errors import InvalidTarget
from app.ops.bounded import graded
from engine.expr import ExprError, Problem, VarSpec, grade_derivation, grade_expression, parse
from engine.expr.ast import Node
from engine.expr.front import parse_definitions
from engine.verdict import Verdict


def _variables(variables: dict[str, s.VariableIn]) -> dict[str, VarSpec]:
    return {name: VarSpec(tuple(v.shape), v.domain) for name, v in variables.items()}


def _definitions(
    request: s.ParseRequest | s.CheckRequest, variables: dict[str, VarSpec]
) -> dict[str, Node]:
    """The request's defined names, read; a definition that cannot be read is the request's
    fault, said as such (422), never an answer's."""
    try:
        return parse_definitions(
            list(request.definitions.items()), syntax=request.syntax, variables=variables
        )
    except ExprError as exc:
        raise InvalidTarget(
            f"a definition cannot be read: {exc.message}",
            errors=[{"loc": ["body", "definitions"], "msg": exc.message, "type": exc.code}],
        ) from None


def _read(request: s.ParseRequest) -> s.ParseResult:
    variables = _variables(request.variables)
    definitions = _definitions(request, variables)
    try:
        parsed = parse(
            request.text,
            syntax=request.syntax,
            variables=variables,
            strict=bool(request.variables),
            definitions=definitions,
        )
    except ExprError as exc:
        error = s.ParseError(message=exc.message, position=exc.position, excerpt=exc.excerpt())
        return s.ParseResult(ok=False, error=error)
    return s.ParseResult(
        ok=True,
        syntax=parsed.syntax,
        interpreted_as=parsed.interpreted_as(),
        shape=[str(d) for d in parsed.shape],
    )


def read(*, request: s.ParseRequest, timeout: float) -> s.ParseResult:
    """Show how a formula is read (ASCII, LaTeX, MathML), or where it cannot be read."""
    return graded(
        lambda: _read(request),
        kind="parse",
        timeout=timeout,
        status_of=lambda result: "ok" if result.ok else "invalid",
    )


def check(*, request: s.CheckRequest, timeout: float) -> s.VerdictBase:
    """Check one formula, or the lines of a derivation, against the request's own target."""
    _definitions(request, _variables(request.variables))
    problem = Problem.build(
        variables=_variables(request.variables),
        expected=request.expected,
        derivative_of=request.derivative_of,
        wrt=request.wrt,
        syntax=request.syntax,
        mistakes=[(m.answer, m.message, "known-mistake") for m in request.mistakes],
        definitions=list(request.definitions.items()),
    )
    steps = request.steps

    def run() -> Verdict:
        if steps is not None:
            return grade_derivation(steps, problem)
        return grade_expression(request.answer or "", problem)

    kind = "derivation" if steps is not None else "expression"
    try:
        verdict = graded(run, kind=f"check-{kind}", timeout=timeout)
    except ExprError as exc:  # answers' errors are verdicts: only the target can raise
        field = "expected" if request.expected is not None else "derivative_of"
        raise InvalidTarget(
            f"the target cannot be used: {exc.message}",
            errors=[{"loc": ["body", field], "msg": exc.message, "type": exc.code}],
        ) from None
    return s.verdict_read(verdict, kind=kind)
